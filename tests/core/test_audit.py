"""Staff see who changed what, and when, on a KIM's and a training's page (django-auditlog)."""

import pytest
from django.urls import reverse

from groups.models import Kim, Membership
from groups.services import membership_request
from tests.factories import KimFactory, MembershipFactory, UserFactory
from tests.groups.test_admin import form_data
from tests.trainings.factories import TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kim():
    return KimFactory(name="KIM Bailangu Informatif", status=Kim.Status.ACTIVE, sk_number="")


@pytest.fixture
def chair(kim):
    return MembershipFactory(
        kim=kim, role=Membership.Role.CHAIR, user=UserFactory(name="Rudi Hartono")
    ).user


def history_of(html: str) -> str:
    start = html.index('id="change-history-title"')
    return html[start : html.index("</section>", start)]


def test_a_staff_edit_in_the_admin_shows_on_the_kims_page_with_who_and_what(
    client_as, staff_user, kim, chair
):
    staff = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])
    response = staff.post(url, {**form_data(staff.get(url)), "sk_number": "141/01/2025"})
    assert response.status_code == 302

    html = staff.get(reverse("groups:kim-manage", args=[kim.slug])).content.decode()
    history = history_of(html)
    assert "Meita Ariansi" in history and "mengubah" in history
    assert "141/01/2025" in history and "KIM Bailangu Informatif" in history


def test_a_managers_decision_is_recorded_and_only_staff_see_the_history(
    client_as, staff_user, kim, chair
):
    resident = UserFactory(name="Siti Rahmawati")
    membership = membership_request(kim=kim, user=resident)
    # Through a request, as a manager decides: the middleware names the person.
    response = client_as(chair).post(
        reverse("groups:membership-decide", args=[kim.slug, membership.pk, "terima"])
    )
    assert response.status_code == 302

    history = history_of(
        client_as(staff_user).get(reverse("groups:kim-manage", args=[kim.slug])).content.decode()
    )
    assert "Rudi Hartono" in history
    assert "status: Meminta bergabung → Aktif" in history
    assert "diputuskan oleh: — → Rudi Hartono" in history
    manager_page = client_as(chair).get(reverse("groups:kim-manage", args=[kim.slug]))
    assert manager_page.status_code == 200
    assert "change-history-title" not in manager_page.content.decode()


def test_a_members_phone_is_not_kept_in_the_history(client_as, staff_user, kim, chair):
    member = MembershipFactory(kim=kim, user=None, person_name="Anggota", person_phone="")
    member.person_phone = "081234567890"
    member.save()

    html = client_as(staff_user).get(reverse("groups:kim-manage", args=[kim.slug])).content
    assert "081234567890" not in history_of(html.decode())


def test_a_training_edited_in_the_admin_shows_its_history_on_the_staff_page(client_as, staff_user):
    training = TrainingFactory(title="Pelatihan Jurnalistik", capacity=30)
    staff = client_as(staff_user)
    url = reverse("admin:trainings_training_change", args=[training.pk])
    response = staff.post(url, {**form_data(staff.get(url)), "capacity": "45"})
    assert response.status_code == 302, response.content.decode()[:2000]

    history = history_of(staff.get(training.get_manage_url()).content.decode())
    assert "Meita Ariansi" in history and "30 → 45" in history


def test_a_deleted_account_leaves_no_name_or_email_in_the_history(
    client_as, staff_user, kim, chair
):
    from auditlog.models import LogEntry

    from accounts.services import account_delete

    resident = UserFactory(name="Siti Rahmawati", email="siti@contoh.test")
    membership = membership_request(kim=kim, user=resident)
    client_as(chair).post(
        reverse("groups:membership-decide", args=[kim.slug, membership.pk, "terima"])
    )
    # She leaves the KIM herself: a change she made, recorded with her as the person.
    client_as(resident).post(reverse("groups:membership-leave", args=[kim.slug]))
    assert LogEntry.objects.filter(actor=resident).exists()

    account_delete(user=resident, actor=resident)

    recorded = " ".join(
        f"{entry.object_repr} {entry.changes} {entry.actor_email}"
        for entry in LogEntry.objects.all()
    )
    assert "Siti Rahmawati" not in recorded and "siti@contoh.test" not in recorded
    history = history_of(
        client_as(staff_user).get(reverse("groups:kim-manage", args=[kim.slug])).content.decode()
    )
    assert "Siti Rahmawati" not in history
