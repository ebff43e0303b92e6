"""Who may open what: the matrix of docs/ROLES.md, one row per (page, role).

Anonymous visitors are sent to log in (302); outside a person's scope the answer is 404; a
public thing whose action is not theirs is 403.
"""

import pytest
from django.test import Client
from django.urls import reverse

from aspirations.models import Category as AspirationCategory
from aspirations.models import Opd, Submission
from aspirations.services import opd_answer_token, submission_create
from digests.periods import week_label, week_last_finished
from groups.models import Membership
from imports.models import ImportJob
from news.models import Post
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    PostFactory,
    RegencyFactory,
    UserFactory,
    VillageFactory,
)
from tests.trainings.factories import RegistrationFactory, TrainingFactory

ROLES = ["anonymous", "resident", "member", "manager", "other_manager", "staff"]

# (name, method, {role: expected status}); roles left out expect the "default" entry.
MANAGERS_ONLY = {"default": 403, "anonymous": 302, "manager": 200, "staff": 200}
OWN_DRAFT = {"default": 404, "member": 200, "manager": 200, "staff": 200}
OWN_TICKET = {"default": 404, "member": 200, "staff": 200}
STAFF_ONLY = {"default": 403, "anonymous": 302, "staff": 200}
MATRIX = [
    ("kim-list", "get", {"default": 200}),
    ("kim-detail", "get", {"default": 200}),
    ("coverage", "get", {"default": 200}),
    ("dashboard", "get", {"default": 200, "anonymous": 302}),
    # Personal data (UU PDP): everyone's own; staff see why their account is not deleted here.
    ("data-export", "get", {"default": 200, "anonymous": 302}),
    ("account-delete", "get", {"default": 200, "anonymous": 302}),
    ("privacy", "get", {"default": 200}),
    ("membership-request", "get", {"default": 200, "anonymous": 302}),
    ("kim-manage", "get", MANAGERS_ONLY),
    ("kim-profile", "get", MANAGERS_ONLY),
    ("membership-accept", "post", {"default": 403, "anonymous": 302, "manager": 302, "staff": 302}),
    ("kim-status", "get", {"default": 403, "anonymous": 302, "staff": 200}),
    # A proposed KIM is not public: only its own officers and staff see it exist.
    (
        "proposed-kim-manage",
        "get",
        {"default": 404, "anonymous": 302, "manager": 200, "staff": 200},
    ),
    ("proposed-kim-detail", "get", {"default": 404}),
    ("outside-area-kim-manage", "get", {"default": 404, "anonymous": 302}),
    ("kim-activity", "get", {"default": 403, "anonymous": 302, "staff": 200}),
    ("admin", "get", {"default": 302, "staff": 200}),
    ("admin-emails", "get", {"default": 302, "staff": 200}),
    # News: the member wrote a draft for the KIM; the manager is an officer of the same KIM.
    ("post-create", "get", {"default": 200, "anonymous": 302, "resident": 403}),
    ("draft-edit", "get", {**OWN_DRAFT, "anonymous": 302}),
    ("draft-detail", "get", OWN_DRAFT),
    ("moderation-queue", "get", {"default": 403, "anonymous": 302, "staff": 200}),
    ("draft-review", "get", {**OWN_DRAFT, "anonymous": 302, "member": 403, "manager": 403}),
    # Trainings: the member registered for a training; only staff run it.
    ("training-list", "get", {"default": 200}),
    ("training-detail", "get", {"default": 200}),
    ("draft-training-detail", "get", {"default": 404}),
    ("training-register", "get", {"default": 200, "anonymous": 302, "member": 302}),
    ("training-ticket", "get", {**OWN_TICKET, "anonymous": 302}),
    ("training-cancel", "post", {"default": 404, "anonymous": 302, "member": 302, "staff": 302}),
    (
        "training-certificate",
        "post",
        {"default": 404, "anonymous": 302, "member": 302, "staff": 302},
    ),
    ("certificate-lookup", "get", {"default": 200}),
    ("certificate-verify", "get", {"default": 200}),
    ("training-check-in", "get", {"default": 404, "anonymous": 302, "staff": 200}),
    ("training-check-in-post", "post", {"default": 404, "anonymous": 302, "staff": 302}),
    ("training-staff-list", "get", STAFF_ONLY),
    ("training-manage", "get", STAFF_ONLY),
    ("training-attendance", "get", STAFF_ONLY),
    ("training-attendance-sheet", "get", STAFF_ONLY),
    ("training-export", "get", STAFF_ONLY),
    ("training-import", "get", STAFF_ONLY),
    ("training-finish", "post", {**STAFF_ONLY, "staff": 302}),
    ("training-create", "get", STAFF_ONLY),
    ("training-edit", "get", STAFF_ONLY),
    ("training-status", "post", {**STAFF_ONLY, "staff": 302}),
    ("training-walk-in", "get", STAFF_ONLY),
    ("training-agenda", "get", STAFF_ONLY),
    ("training-seat-give", "post", {**STAFF_ONLY, "staff": 302}),
    # Spreadsheet import jobs (KIM registry, a training's participants): staff only, 404 else.
    ("kim-import-job", "get", {"default": 404, "anonymous": 302, "staff": 200}),
    ("kim-import-job-status", "get", {"default": 404, "anonymous": 302, "staff": 200}),
    ("kim-import-job-confirm", "post", {"default": 404, "anonymous": 302, "staff": 302}),
    ("participant-import-job", "get", {"default": 404, "anonymous": 302, "staff": 200}),
    ("participant-import-job-cancel", "post", {"default": 404, "anonymous": 302, "staff": 302}),
    # Aspirations: a submission from the village of the manager's KIM (the other manager's KIM
    # is in another village).
    ("aspiration-list", "get", {"default": 200}),
    ("aspiration-submit", "get", {"default": 200}),
    ("hoax-report", "get", {"default": 200}),
    ("aspiration-track", "get", {"default": 200}),
    ("my-aspirations", "get", {"default": 200, "anonymous": 302}),
    # The office a submission was forwarded to answers by the link emailed to it: the link is
    # the key, whoever holds it; a wrong link is a 404 for everyone.
    ("opd-answer", "get", {"default": 200}),
    ("opd-answer-wrong-link", "get", {"default": 404}),
    ("open-aspiration-detail", "get", {"default": 404}),
    (
        "aspiration-queue",
        "get",
        {"default": 403, "anonymous": 302, "manager": 200, "other_manager": 200, "staff": 200},
    ),
    ("aspiration-handle", "get", {"default": 404, "anonymous": 302, "manager": 200, "staff": 200}),
    (
        "aspiration-verify",
        "post",
        {"default": 404, "anonymous": 302, "manager": 302, "staff": 302},
    ),
    ("aspiration-statistics", "get", {"default": 403, "anonymous": 302, "staff": 200}),
    # Weekly digests are public for public KIMs; subscribers' addresses are staff's, in the admin.
    ("kim-digest", "get", {"default": 200}),
    ("kim-digest-feed", "get", {"default": 200}),
    ("proposed-kim-digest", "get", {"default": 404}),
    ("digest-subscriptions", "get", {"default": 302, "staff": 200}),
]


@pytest.fixture
def world(db):
    kim = KimFactory(slug="kim-matriks")
    proposed = KimFactory(slug="kim-usulan", status="diusulkan")
    outside = KimFactory(
        slug="kim-luar",
        village=VillageFactory(district=DistrictFactory(regency=RegencyFactory(code="16.07"))),
    )
    people = {
        "member": MembershipFactory(kim=kim).user,
        "manager": MembershipFactory(kim=kim, role=Membership.Role.SECRETARY).user,
        "other_manager": MembershipFactory(kim=KimFactory(), role=Membership.Role.CHAIR).user,
        "resident": UserFactory(),
    }
    MembershipFactory(kim=proposed, role=Membership.Role.CHAIR, user=people["manager"])
    pending = MembershipFactory(kim=kim, status=Membership.Status.PENDING)
    draft = PostFactory(
        kim=kim, author=people["member"], status=Post.Status.DRAFT, published_at=None
    )
    training = TrainingFactory(slug="pelatihan-matriks")
    draft_training = TrainingFactory(slug="pelatihan-draf", status="draf")
    ticket = RegistrationFactory(training=training, user=people["member"])
    RegistrationFactory(training=training, certificate_code="S-MATRIKS1")
    day = training.start_date.isoformat()
    kim_job = ImportJob.objects.create(
        kind="kim", file_name="kim.csv", file_format="csv", status="ready", dry_run=True
    )
    participant_job = ImportJob.objects.create(
        kind="peserta", training=training, file_name="p.csv", file_format="csv", status="ready"
    )
    submission = submission_create(
        kind=Submission.Kind.ASPIRATION,
        data={
            "category": AspirationCategory.objects.first(),
            "title": "Jalan rusak",
            "text": "Jalan desa berlubang.",
            "village": kim.village,
            "submitter_name": "Warga",
            "submitter_phone": "081234567890",
        },
    )
    opd = Opd.objects.create(name="Dinas PUPR", email="pupr@contoh.go.id")
    Submission.objects.filter(pk=submission.pk).update(forwarded_opd=opd)
    opd_token = opd_answer_token(submission=submission, opd=opd)
    last_week = week_label(week_last_finished())
    urls = {
        "kim-list": reverse("groups:kim-list"),
        "kim-detail": kim.get_absolute_url(),
        "coverage": reverse("groups:coverage"),
        "dashboard": reverse("accounts:dashboard"),
        "data-export": reverse("accounts:data-export"),
        "account-delete": reverse("accounts:account-delete"),
        "privacy": reverse("privacy"),
        "membership-request": reverse("groups:membership-request", args=[kim.slug]),
        "kim-manage": reverse("groups:kim-manage", args=[kim.slug]),
        "kim-profile": reverse("groups:kim-profile-update", args=[kim.slug]),
        "membership-accept": reverse(
            "groups:membership-decide", args=[kim.slug, pending.pk, "terima"]
        ),
        "kim-status": reverse("groups:kim-status", args=[kim.slug]),
        "proposed-kim-manage": reverse("groups:kim-manage", args=[proposed.slug]),
        "proposed-kim-detail": proposed.get_absolute_url(),
        "outside-area-kim-manage": reverse("groups:kim-manage", args=[outside.slug]),
        "kim-activity": reverse("groups:kim-activity"),
        "admin": reverse("admin:index"),
        "admin-emails": reverse("admin:core_outgoingmail_changelist"),
        "post-create": reverse("news:post-create"),
        "draft-edit": reverse("news:post-update", args=[draft.slug]),
        "draft-detail": draft.get_absolute_url(),
        "moderation-queue": reverse("news:moderation-queue"),
        "draft-review": reverse("news:post-review", args=[draft.slug]),
        "training-list": reverse("trainings:training-list"),
        "training-detail": training.get_absolute_url(),
        "draft-training-detail": draft_training.get_absolute_url(),
        "training-register": reverse("trainings:register", args=[training.slug]),
        "training-ticket": ticket.get_absolute_url(),
        "training-cancel": reverse("trainings:cancel", args=[ticket.code]),
        "training-certificate": reverse("trainings:certificate", args=[ticket.code]),
        "certificate-lookup": reverse("certificate-lookup"),
        "certificate-verify": reverse("certificate-verify", args=["S-MATRIKS1"]),
        "training-check-in": reverse("trainings:check-in", args=[ticket.code]),
        "training-check-in-post": reverse("trainings:check-in", args=[ticket.code]),
        "training-staff-list": reverse("trainings:staff-list"),
        "training-manage": training.get_manage_url(),
        "training-attendance": reverse("trainings:attendance", args=[training.slug, day]),
        "training-attendance-sheet": reverse(
            "trainings:attendance-sheet", args=[training.slug, day]
        ),
        "training-export": reverse("trainings:export", args=[training.slug, "peserta", "xlsx"]),
        "training-import": reverse("trainings:participant-import", args=[training.slug]),
        "training-finish": reverse("trainings:finish", args=[training.slug]),
        "training-create": reverse("trainings:training-create"),
        "training-edit": reverse("trainings:training-edit", args=[training.slug]),
        "training-status": reverse("trainings:training-status", args=[training.slug, "ditutup"]),
        "training-walk-in": reverse("trainings:walk-in", args=[training.slug, day]),
        "training-agenda": reverse("trainings:agenda", args=[training.slug]),
        "training-seat-give": reverse("trainings:seat-give", args=[training.slug, ticket.pk]),
        "kim-import-job": kim_job.get_absolute_url(),
        "kim-import-job-status": reverse("imports:job-status", args=[kim_job.pk]),
        "kim-import-job-confirm": reverse("imports:job-confirm", args=[kim_job.pk]),
        "participant-import-job": participant_job.get_absolute_url(),
        "participant-import-job-cancel": reverse("imports:job-cancel", args=[participant_job.pk]),
        "aspiration-list": reverse("aspirations:public-list"),
        "aspiration-submit": reverse("aspirations:submit"),
        "hoax-report": reverse("aspirations:report-hoax"),
        "aspiration-track": reverse("aspirations:track"),
        "my-aspirations": reverse("aspirations:mine"),
        "opd-answer": reverse("aspirations:opd-answer", args=[opd_token]),
        "opd-answer-wrong-link": reverse("aspirations:opd-answer", args=[opd_token + "x"]),
        "open-aspiration-detail": submission.get_absolute_url(),
        "aspiration-queue": reverse("aspirations:queue"),
        "aspiration-handle": reverse("aspirations:handle-detail", args=[submission.pk]),
        "aspiration-verify": reverse(
            "aspirations:handle-action", args=[submission.pk, "verifikasi"]
        ),
        "aspiration-statistics": reverse("aspirations:statistics"),
        "kim-digest": reverse("digests:digest", args=[f"kim-{kim.slug}", last_week]),
        "kim-digest-feed": reverse("digests:feed", args=[f"kim-{kim.slug}"]),
        "proposed-kim-digest": reverse("digests:digest", args=[f"kim-{proposed.slug}", last_week]),
        "digest-subscriptions": reverse("admin:digests_subscription_changelist"),
    }
    return people, urls


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(world, staff_user, role, name, method, expected):
    people, urls = world
    people["staff"] = staff_user
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])

    response = getattr(client, method)(urls[name])

    assert response.status_code == expected.get(role, expected["default"])
