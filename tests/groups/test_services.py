import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groups.models import Kim, KimStatusChange, Membership
from groups.services import (
    kim_register,
    kim_status_change,
    kim_update_profile,
    membership_accept,
    membership_change_role,
    membership_decline,
    membership_leave,
    membership_remove,
    membership_request,
)
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_join_request_emails_the_managers_after_commit(
    kim, chair, resident, django_capture_on_commit_callbacks
):
    secretary = MembershipFactory(kim=kim, role=Membership.Role.SECRETARY).user
    MembershipFactory(kim=kim, role=Membership.Role.TREASURER)  # not a manager

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        membership = membership_request(kim=kim, user=resident, message="Saya ingin membantu.")

    assert membership.status == Membership.Status.PENDING
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([chair.email, secretary.email])
    assert "Siti Rahmawati" in mail.outbox[0].subject
    assert "Saya ingin membantu." in mail.outbox[0].body
    assert f"/kim/{kim.slug}/kelola/" in mail.outbox[0].body


def test_a_person_cannot_ask_twice_or_join_a_kim_they_are_in(kim, member, resident):
    membership_request(kim=kim, user=resident)

    with pytest.raises(ValidationError, match="sudah meminta"):
        membership_request(kim=kim, user=resident)
    with pytest.raises(ValidationError, match="sudah menjadi anggota"):
        membership_request(kim=kim, user=member)


@pytest.mark.parametrize("status", [Kim.Status.PROPOSED, Kim.Status.DISSOLVED])
def test_proposed_and_dissolved_kims_take_no_members(resident, status):
    with pytest.raises(ValidationError):
        membership_request(kim=KimFactory(status=status), user=resident)


def test_chair_accepts_then_gives_a_role(kim, chair, resident):
    membership = membership_request(kim=kim, user=resident)

    membership_accept(membership=membership, actor=chair)
    membership_change_role(membership=membership, role=Membership.Role.SECRETARY, actor=chair)

    membership.refresh_from_db()
    assert (membership.status, membership.role) == (Membership.Status.ACTIVE, "sekretaris")
    assert membership.decided_by == chair and membership.term_start is not None


def test_a_kim_has_at_most_one_active_chair(kim, chair, member):
    secretary = MembershipFactory(kim=kim, role=Membership.Role.SECRETARY).user
    membership = kim.memberships.get(user=member)

    with pytest.raises(ValidationError, match="sudah memiliki ketua aktif"):
        membership_change_role(membership=membership, role=Membership.Role.CHAIR, actor=chair)

    chair_membership = kim.memberships.get(user=chair)
    membership_change_role(membership=chair_membership, role=Membership.Role.MEMBER, actor=chair)
    membership_change_role(membership=membership, role=Membership.Role.CHAIR, actor=secretary)
    assert kim.memberships.active().filter(role=Membership.Role.CHAIR).count() == 1


@pytest.mark.parametrize("action", ["accept", "decline", "remove", "role"])
def test_plain_members_and_other_kims_managers_cannot_manage(
    kim, member, other_kim_chair, resident, action
):
    pending = membership_request(kim=kim, user=resident)
    target = kim.memberships.get(user=member)
    calls = {
        "accept": lambda actor: membership_accept(membership=pending, actor=actor),
        "decline": lambda actor: membership_decline(membership=pending, actor=actor),
        "remove": lambda actor: membership_remove(membership=target, actor=actor),
        "role": lambda actor: membership_change_role(
            membership=target, role=Membership.Role.TREASURER, actor=actor
        ),
    }
    for actor in (member, other_kim_chair, resident):
        with pytest.raises(PermissionDenied):
            calls[action](actor)


def test_staff_manage_any_kim(kim, member, staff_user):
    membership_remove(membership=kim.memberships.get(user=member), actor=staff_user)

    assert kim.memberships.get(user=member).status == Membership.Status.REMOVED


def test_decline_and_leave(kim, chair, member, resident):
    declined = membership_decline(
        membership=membership_request(kim=kim, user=resident), actor=chair
    )
    assert declined.status == Membership.Status.DECLINED
    # A declined person may ask again later.
    assert membership_request(kim=kim, user=resident).status == Membership.Status.PENDING

    left = membership_leave(membership=kim.memberships.get(user=member), user=member)
    assert left.status == Membership.Status.LEFT and left.term_end is not None


def test_status_change_is_recorded_with_reason_and_actor(kim, staff_user):
    kim_status_change(
        kim=kim, to_status=Kim.Status.INACTIVE, reason="Tidak ada kegiatan.", actor=staff_user
    )

    kim.refresh_from_db()
    change = KimStatusChange.objects.get(kim=kim)
    assert kim.status == Kim.Status.INACTIVE
    assert (change.from_status, change.to_status, change.changed_by) == (
        "aktif",
        "tidak_aktif",
        staff_user,
    )


def test_status_change_rules(kim, staff_user, chair):
    with pytest.raises(PermissionDenied):
        kim_status_change(kim=kim, to_status=Kim.Status.INACTIVE, reason="x", actor=chair)
    with pytest.raises(ValidationError):
        kim_status_change(kim=kim, to_status=Kim.Status.INACTIVE, reason=" ", actor=staff_user)
    with pytest.raises(ValidationError, match="tidak dapat"):
        kim_status_change(kim=kim, to_status=Kim.Status.PROPOSED, reason="x", actor=staff_user)
    kim_status_change(kim=kim, to_status=Kim.Status.DISSOLVED, reason="Bubar.", actor=staff_user)
    with pytest.raises(ValidationError):
        kim_status_change(kim=kim, to_status=Kim.Status.ACTIVE, reason="x", actor=staff_user)


def test_register_derives_district_and_a_unique_readable_slug(staff_user):
    village = VillageFactory(name="Bailangu")
    first = kim_register(actor=staff_user, name="KIM Maju", level="desa", village=village)
    second = kim_register(actor=staff_user, name="KIM Maju", level="desa", village=village)

    assert first.district == village.district
    assert (first.slug, second.slug) == ("kim-maju", "kim-maju-bailangu")
    assert first.status_changes.get().to_status == Kim.Status.PROPOSED


def test_a_village_kim_needs_a_village_and_a_district_kim_none(staff_user):
    with pytest.raises(ValidationError):
        kim_register(actor=staff_user, name="KIM X", level="desa", district=DistrictFactory())


def test_managers_edit_the_profile_but_not_registry_fields(kim, chair, member):
    kim_update_profile(
        kim=kim,
        actor=chair,
        data={"description": "Kami aktif.", "status": "dibubarkan", "is_verified": True},
    )
    kim.refresh_from_db()
    assert kim.description == "Kami aktif."
    assert (kim.status, kim.is_verified) == (Kim.Status.ACTIVE, False)

    with pytest.raises(PermissionDenied):
        kim_update_profile(kim=kim, actor=member, data={"description": "Bukan urusan saya."})


def test_of_two_managers_deciding_one_request_the_second_is_told_it_was_decided(
    kim, chair, resident
):
    secretary = MembershipFactory(kim=kim, role=Membership.Role.SECRETARY).user
    membership_request(kim=kim, user=resident)
    # Both managers opened the page before either decided: each holds the row as "pending".
    seen_by_chair = kim.memberships.get(user=resident)
    seen_by_secretary = kim.memberships.get(user=resident)

    membership_accept(membership=seen_by_chair, actor=chair)
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        membership_decline(membership=seen_by_secretary, actor=secretary)

    decided = kim.memberships.get(user=resident)
    assert (decided.status, decided.decided_by) == (Membership.Status.ACTIVE, chair)


@pytest.mark.django_db(transaction=True)
def test_a_decision_waits_for_one_still_being_made_on_the_same_request(kim, chair, resident):
    """Two real database connections: the decline waits on the row the accept holds, then
    reads it as decided, instead of both committing and the later one silently winning."""
    import threading

    from django.db import connection, transaction

    secretary = MembershipFactory(kim=kim, role=Membership.Role.SECRETARY).user
    membership_request(kim=kim, user=resident)
    pk = kim.memberships.get(user=resident).pk
    accept_holding, decline_started, results = threading.Event(), threading.Event(), {}

    def accept_and_hold():
        try:
            with transaction.atomic():
                membership_accept(membership=Membership.objects.get(pk=pk), actor=chair)
                accept_holding.set()
                decline_started.wait(10)
                # Give the decline time to reach the lock; it must wait, whatever the timing.
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def decline():
        try:
            stale = Membership.objects.get(pk=pk)
            decline_started.set()
            membership_decline(membership=stale, actor=secretary)
            results["decline"] = "done"
        except ValidationError as error:
            results["decline"] = error.messages[0]
        finally:
            connection.close()

    first = threading.Thread(target=accept_and_hold)
    first.start()
    assert accept_holding.wait(10)
    second = threading.Thread(target=decline)
    second.start()
    first.join(20)
    second.join(20)

    assert results["decline"] == "Permintaan ini sudah diputuskan."
    assert Membership.objects.get(pk=pk).status == Membership.Status.ACTIVE


@pytest.mark.parametrize(
    "decide, subject, says",
    [
        (membership_accept, "Anda kini anggota KIM Bailangu Informatif", "/dasbor/"),
        (
            membership_decline,
            "Permintaan Anda untuk bergabung dengan KIM Bailangu Informatif ditolak",
            "/kim/kim-bailangu-informatif/",
        ),
    ],
)
def test_the_person_is_emailed_when_their_request_is_decided(
    kim, chair, resident, django_capture_on_commit_callbacks, decide, subject, says
):
    membership = membership_request(kim=kim, user=resident)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(membership=membership, actor=chair)

    [email] = mail.outbox
    assert email.to == [resident.email]
    assert email.subject == subject
    assert "Siti Rahmawati" in email.body and says in email.body


def test_managers_are_reminded_once_a_month_before_an_officers_term_ends(
    kim, chair, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from groups.services import officer_term_reminders_send

    today = timezone.localdate()
    treasurer = MembershipFactory(
        kim=kim,
        role=Membership.Role.TREASURER,
        user=None,
        person_name="Yuni Astuti",
        term_end=today + timedelta(days=20),
    )
    MembershipFactory(kim=kim, role=Membership.Role.MEMBER, term_end=today + timedelta(days=5))
    MembershipFactory(kim=kim, role=Membership.Role.SECRETARY, term_end=today + timedelta(days=45))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert officer_term_reminders_send(today=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert officer_term_reminders_send(today=today + timedelta(days=1)) == 0

    [email] = mail.outbox
    assert chair.email in email.to
    assert "Yuni Astuti" in email.subject and "Bendahara" in email.subject
    assert f"/kim/{kim.slug}/kelola/" in email.body

    # Reappointed with a new end, the new end is reminded in its turn.
    treasurer.term_end = today + timedelta(days=400)
    treasurer.save()
    assert officer_term_reminders_send(today=today + timedelta(days=375)) == 1
