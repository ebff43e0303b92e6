"""The handlers' queue and workflow: staff and the managers of the village's KIMs."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aspirations.models import Category, Submission
from aspirations.services import (
    submission_answer,
    submission_close,
    submission_forward,
    submission_reject,
    submission_verify,
)
from groups.models import Kim, Membership
from news.models import Post
from tests.aspirations.conftest import make_submission
from tests.factories import KimFactory, MembershipFactory, PostFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_new_submissions_are_emailed_to_staff_and_the_village_kim_managers(
    village, manager, member, other_manager, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = make_submission(village, submitter_email="")

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([manager.email, staff_user.email])
    body = mail.outbox[0].body
    assert reverse("aspirations:handle-detail", args=[submission.pk]) in body
    assert submission.text in body
    assert "081298765432" not in body and "sari@warga.test" not in body


def test_the_queue_of_a_manager_holds_only_their_village(
    client_as, village, other_village, manager, other_manager, staff_user
):
    own = make_submission(village, title="Usulan Bailangu")
    other = make_submission(other_village, title="Usulan Sungai Lilin")

    manager_page = client_as(manager).get(reverse("aspirations:queue")).content.decode()
    staff_page = client_as(staff_user).get(reverse("aspirations:queue")).content.decode()

    assert "Usulan Bailangu" in manager_page and "Usulan Sungai Lilin" not in manager_page
    assert "Usulan Bailangu" in staff_page and "Usulan Sungai Lilin" in staff_page
    detail = reverse("aspirations:handle-detail", args=[other.pk])
    assert client_as(manager).get(detail).status_code == 404
    action = reverse("aspirations:handle-action", args=[other.pk, "verifikasi"])
    assert client_as(manager).post(action).status_code == 404
    assert (
        client_as(manager).get(reverse("aspirations:handle-detail", args=[own.pk])).status_code
        == 200
    )


def test_the_queue_is_newest_first_and_filters_by_district_status_and_kind(
    client_as, village, other_village, staff_user
):
    first = make_submission(village, title="Pertama")
    second = make_submission(other_village, title="Kedua")
    hoax = make_submission(village, kind="hoaks", text="Kabar bohong tentang vaksin.")
    submission_verify(submission=first, actor=staff_user)
    client = client_as(staff_user)
    url = reverse("aspirations:queue")

    def headings(**params):
        return [s.heading for s in client.get(url, params).context["submissions"]]

    assert headings() == [hoax.heading, "Kedua", "Pertama"]
    assert headings(kecamatan=other_village.district.code) == ["Kedua"]
    assert headings(status="diverifikasi") == ["Pertama"]
    assert headings(jenis="hoaks") == [hoax.heading]
    assert second.heading == "Kedua"
    # A villager on the phone reads the code out: any case, with spaces or dashes.
    typed = "-".join(second.code[i : i + 5] for i in (0, 5)).lower()
    assert headings(kode=f" {typed} ") == ["Kedua"]
    assert headings(kode="TIDAKADA99") == []


def test_a_manager_searching_a_code_outside_their_villages_finds_nothing(
    client_as, village, other_village, manager
):
    elsewhere = make_submission(other_village, title="Desa lain")
    page = client_as(manager).get(reverse("aspirations:queue"), {"kode": elsewhere.code})
    assert page.status_code == 200 and list(page.context["submissions"]) == []
    assert 'name="kode"' in page.content.decode()


def test_the_whole_workflow_is_logged_with_who_and_when(village, manager, staff_user):
    submission = make_submission(village)

    submission_verify(submission=submission, actor=manager, note="Sudah dicek ke lokasi.")
    submission_forward(submission=submission, actor=staff_user, forwarded_to="Dinas PUPR")
    submission_answer(submission=submission, actor=staff_user, answer="Diperbaiki pekan depan.")
    first_answer = submission.first_answered_at
    submission_answer(submission=submission, actor=manager, answer="Sudah diperbaiki.")
    submission_close(submission=submission, actor=staff_user)

    submission.refresh_from_db()
    assert submission.status == "selesai" and submission.forwarded_to == "Dinas PUPR"
    assert submission.answer == "Sudah diperbaiki." and submission.answered_by == manager
    assert submission.first_answered_at == first_answer
    log = list(submission.changes.order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status) for c in log] == [
        ("", "diterima"),
        ("diterima", "diverifikasi"),
        ("diverifikasi", "diteruskan"),
        ("diteruskan", "ditanggapi"),
        ("ditanggapi", "ditanggapi"),
        ("ditanggapi", "selesai"),
    ]
    assert [c.changed_by for c in log[1:]] == [manager, staff_user, staff_user, manager, staff_user]
    assert log[1].note == "Sudah dicek ke lokasi." and "Dinas PUPR" in log[2].note
    assert all(c.changed_at for c in log)


def test_rules_of_the_workflow(village, other_manager, staff_user):
    submission = make_submission(village)

    with pytest.raises(PermissionDenied):
        submission_verify(submission=submission, actor=other_manager)
    with pytest.raises(ValidationError):
        submission_close(submission=submission, actor=staff_user)
    with pytest.raises(ValidationError):
        submission_forward(submission=submission, actor=staff_user, forwarded_to="  ")
    with pytest.raises(ValidationError):
        submission_answer(submission=submission, actor=staff_user, answer="")
    with pytest.raises(ValidationError):
        submission_reject(submission=submission, actor=staff_user, reason="")
    submission_reject(submission=submission, actor=staff_user, reason="Spam")
    with pytest.raises(ValidationError):
        submission_answer(submission=submission, actor=staff_user, answer="Terlambat")
    assert Submission.objects.get().status == "ditolak"


def test_each_answer_is_emailed_to_the_sender(
    village, staff_user, django_capture_on_commit_callbacks
):
    submission = make_submission(village)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(submission=submission, actor=staff_user, answer="Jawaban pertama.")
    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(submission=submission, actor=staff_user, answer="Jawaban kedua.")

    to_sender = [m for m in mail.outbox if m.to == ["sari@warga.test"]]
    assert len(to_sender) == 2
    assert "Jawaban pertama." in to_sender[0].body and "Jawaban kedua." in to_sender[1].body
    assert submission.code in to_sender[1].body


def test_a_hoax_report_is_answered_with_a_published_fact_check(
    client_as, village, staff_user, django_capture_on_commit_callbacks
):
    fact_check = PostFactory(
        kind=Post.Kind.FACT_CHECK,
        title="Cek fakta: bantuan lewat tautan",
        claim="Isi data dapat bantuan",
        verdict=Post.Verdict.HOAX,
    )
    draft_check = PostFactory(
        kind=Post.Kind.FACT_CHECK,
        claim="Lain",
        verdict=Post.Verdict.HOAX,
        status=Post.Status.DRAFT,
        published_at=None,
    )
    report = make_submission(village, kind="hoaks", text="Isi data di tautan dapat bantuan.")
    client = client_as(staff_user)
    url = reverse("aspirations:handle-action", args=[report.pk, "tanggapi"])

    refused = client.post(url, {"tanggapi-fact_check": draft_check.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"tanggapi-answer": "Ini hoaks.", "tanggapi-fact_check": fact_check.pk}
        )

    assert refused.status_code == 400
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.fact_check == fact_check and report.status == "ditanggapi"
    public = client_as(staff_user).get(report.get_absolute_url()).content.decode()
    assert fact_check.get_absolute_url() in public
    email = [m for m in mail.outbox if m.to == ["sari@warga.test"]][-1]
    assert fact_check.get_absolute_url() in email.body


def test_the_handler_page_shows_the_contact_and_acts_by_post_only(client_as, village, manager):
    submission = make_submission(village)
    client = client_as(manager)
    detail = reverse("aspirations:handle-detail", args=[submission.pk])

    html = client.get(detail).content.decode()
    get_action = client.get(reverse("aspirations:handle-action", args=[submission.pk, "tolak"]))
    forwarded = client.post(
        reverse("aspirations:handle-action", args=[submission.pk, "teruskan"]),
        {"teruskan-forwarded_to": "Dinas Perhubungan"},
    )

    assert "+6281298765432" in html and "sari@warga.test" in html
    assert get_action.status_code == 405
    assert forwarded.status_code == 302
    assert Submission.objects.get().forwarded_to == "Dinas Perhubungan"


def test_a_refused_action_keeps_what_was_typed(client_as, village, staff_user):
    submission = make_submission(village)

    response = client_as(staff_user).post(
        reverse("aspirations:handle-action", args=[submission.pk, "teruskan"]),
        {"teruskan-forwarded_to": "", "teruskan-note": "Catatan penting"},
    )

    assert response.status_code == 400
    assert "Catatan penting" in response.content.decode()


def test_a_plain_member_and_a_resident_may_not_open_the_queue(client_as, member, resident):
    assert client_as(member).get(reverse("aspirations:queue")).status_code == 403
    assert client_as(resident).get(reverse("aspirations:queue")).status_code == 403


@pytest.mark.parametrize("count", [1, 10])
def test_the_queue_costs_the_same_queries_for_1_or_10_submissions(
    client_as, village, manager, staff_user, django_assert_num_queries, count
):
    fact_check = PostFactory(kind=Post.Kind.FACT_CHECK, claim="Klaim", verdict="hoaks")
    for number in range(count):
        submission = make_submission(village, kind="hoaks", text=f"Kabar bohong nomor {number}")
        submission_answer(
            submission=submission, actor=staff_user, answer="Hoaks", fact_check=fact_check
        )
    client = client_as(manager)
    client.get(reverse("aspirations:queue"))

    # user, memberships, the manager's villages, districts (filter), count, page (the session
    # comes from the cache).
    with django_assert_num_queries(6):
        response = client.get(reverse("aspirations:queue"))

    assert len(response.context["submissions"]) == count


def test_managers_of_a_district_kim_handle_every_village_of_their_district(
    client_as, village, other_village, django_capture_on_commit_callbacks
):
    district_kim = KimFactory(village=None, district=village.district, name="KIM Kec. Sekayu")
    district_manager = MembershipFactory(kim=district_kim, role=Membership.Role.CHAIR).user
    neighbour = VillageFactory(name="Kayuara", district=village.district)
    with django_capture_on_commit_callbacks(execute=True):
        here = make_submission(neighbour, title="Usulan Kayuara")
    elsewhere = make_submission(other_village, title="Usulan kecamatan lain")
    client = client_as(district_manager)

    page = client.get(reverse("aspirations:queue")).content.decode()

    assert "Usulan Kayuara" in page and "Usulan kecamatan lain" not in page
    assert client.get(reverse("aspirations:handle-detail", args=[here.pk])).status_code == 200
    assert client.get(reverse("aspirations:handle-detail", args=[elsewhere.pk])).status_code == 404
    assert district_manager.email in [message.to[0] for message in mail.outbox]


def test_managers_of_a_dissolved_kim_handle_nothing(client_as, kim, manager, village):
    kim.status = Kim.Status.DISSOLVED
    kim.save()
    submission = make_submission(village)

    client = client_as(manager)

    assert client.get(reverse("aspirations:queue")).status_code == 403
    assert client.get(reverse("aspirations:handle-detail", args=[submission.pk])).status_code == 404


def test_the_dashboard_leads_handlers_to_the_queue_with_the_open_count(
    client_as, village, other_village, manager, member, staff_user
):
    make_submission(village)
    make_submission(village)
    make_submission(other_village)
    queue = reverse("aspirations:queue")

    manager_page = client_as(manager).get(reverse("accounts:dashboard")).content.decode()
    staff_page = client_as(staff_user).get(reverse("accounts:dashboard")).content.decode()
    member_page = client_as(member).get(reverse("accounts:dashboard")).content.decode()

    assert f'href="{queue}"' in manager_page and ">2<span" in manager_page
    assert f'href="{queue}"' in staff_page and ">3<span" in staff_page
    assert f'href="{queue}"' not in member_page


def test_a_handler_may_keep_an_answered_submission_off_the_public_pages(
    client_as, village, manager, client
):
    submission = make_submission(village, text="Nama tetangga saya Pak Joko sering mabuk.")

    response = client_as(manager).post(
        reverse("aspirations:handle-action", args=[submission.pk, "tanggapi"]),
        {"tanggapi-answer": "Sudah kami sampaikan ke kepala dusun.", "tanggapi-keep_private": "on"},
    )

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.is_private and submission.status == "ditanggapi"
    assert client.get(submission.get_absolute_url()).status_code == 404
    tracked = client.get(reverse("aspirations:track"), {"kode": submission.code})
    assert "Sudah kami sampaikan ke kepala dusun." in tracked.content.decode()


def test_a_refused_action_says_so_at_the_top_and_lands_on_its_form(client_as, village, manager):
    """On a phone the forms come after the submission: a handler whose reject has no reason
    must not see the page as it was and think it was saved."""
    submission = make_submission(village)
    client = client_as(manager)
    action = reverse("aspirations:handle-action", args=[submission.pk, "tolak"])

    page = client.get(reverse("aspirations:handle-detail", args=[submission.pk])).content.decode()
    refused = client.post(action, {"tolak-reason": ""})

    assert f'action="{action}#action-tolak"' in page and 'id="action-tolak"' in page
    assert refused.status_code == 400
    html = refused.content.decode()
    top = html.split('<div class="row g-4">', 1)[0]
    assert "Belum tersimpan." in top and 'href="#action-tolak"' in top
    saved = client.post(action, {"tolak-reason": "Duplikat laporan lain."})
    assert saved.url == reverse("aspirations:handle-detail", args=[submission.pk]) + "#main"
    submission.refresh_from_db()
    assert submission.status == Submission.Status.REJECTED


def test_an_action_another_handler_made_impossible_says_why_at_the_top(
    client_as, village, manager, staff_user
):
    """Two handlers on the same submission: the second one's action, now out of step with its
    status, has no form left on the page, so its message is at the top."""
    submission = make_submission(village)
    page = reverse("aspirations:handle-detail", args=[submission.pk])
    client_as(manager).get(page)  # the manager opens it and reads
    submission_reject(submission=submission, actor=staff_user, reason="Spam.")

    late = client_as(manager).post(
        reverse("aspirations:handle-action", args=[submission.pk, "verifikasi"]), {}
    )

    assert late.status_code == 400
    top = late.content.decode().split('<div class="row g-4">', 1)[0]
    assert "Belum tersimpan." in top
    assert "Kiriman berstatus “Ditolak” tidak dapat diubah dengan cara ini." in top


def test_a_handler_acting_on_a_page_another_handler_changed_meanwhile_is_refused(
    village, manager, staff_user
):
    """Both opened the submission while it was new; staff answered first. The manager's
    reject, made from what they loaded, must not turn an answered submission into a
    rejected one."""
    submission = make_submission(village)
    as_the_manager_loaded_it = Submission.objects.get(pk=submission.pk)
    submission_answer(submission=submission, actor=staff_user, answer="Sudah diperbaiki.")

    with pytest.raises(ValidationError) as refused:
        submission_reject(submission=as_the_manager_loaded_it, actor=manager, reason="Spam.")

    assert refused.value.code == "invalid_transition"
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ANSWERED and submission.rejection_reason == ""


def test_the_sender_is_emailed_when_a_submission_is_rejected_with_the_reason(
    village, staff_user, django_capture_on_commit_callbacks
):
    submission = make_submission(village)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission=submission, actor=staff_user, reason="Sudah dilaporkan.")

    [email] = mail.outbox
    assert email.to == ["sari@warga.test"]
    assert email.subject == f"Kiriman Anda {submission.display_code} tidak ditindaklanjuti"
    assert "Sudah dilaporkan." in email.body
    assert f"/aspirasi/lacak/?kode={submission.code}" in email.body


def test_a_sender_who_wrote_in_english_gets_every_email_in_english(
    client, village, staff_user, django_capture_on_commit_callbacks
):
    from tests.aspirations.conftest import aspiration_data

    category = Category.objects.get(slug="infrastruktur")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/aspirasi/kirim/",
            aspiration_data(village, category, submitter_email="ann@contoh.test"),
        )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        submission_reject(submission=submission, actor=staff_user, reason="Duplicate.")

    to_sender = [m for m in mail.outbox if m.to == ["ann@contoh.test"]]
    assert [m.subject.split(" ")[0] for m in to_sender] == ["Your", "Your"]
    assert all(f"/en/aspirasi/lacak/?kode={submission.code}" in m.body for m in to_sender)
    # The handlers are written to in the portal's language.
    to_handlers = [m for m in mail.outbox if m.to == [staff_user.email]]
    assert to_handlers and all(m.subject.startswith("Aspirasi baru") for m in to_handlers)
