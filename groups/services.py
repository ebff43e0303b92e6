"""State changes of KIMs and their memberships. Every write with a rule goes through here."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from core.cache import version_bump_on_commit
from core.services import status_change_log
from core.slugs import slug_unique
from core.uploads import image_to_webp
from groups import permissions
from groups.models import CONTACT_FIELDS, Kim, Membership
from groups.tasks import (
    join_request_notify_managers,
    membership_decision_notify,
    officer_term_remind,
)

# Which status may follow which (ask kim_status_moves). Dissolving is always possible; a
# dissolved KIM stays so.
_STATUS_MOVES = {
    Kim.Status.PROPOSED: {Kim.Status.FORMED, Kim.Status.ACTIVE, Kim.Status.DISSOLVED},
    Kim.Status.FORMED: {Kim.Status.ACTIVE, Kim.Status.INACTIVE, Kim.Status.DISSOLVED},
    Kim.Status.ACTIVE: {Kim.Status.INACTIVE, Kim.Status.DISSOLVED},
    Kim.Status.INACTIVE: {Kim.Status.ACTIVE, Kim.Status.DISSOLVED},
    Kim.Status.DISSOLVED: set(),
}
PROFILE_FIELDS = ["description", *CONTACT_FIELDS]
LOGO_MAX_SIDE = 400
# Path segments under /kim/ that are pages, not KIMs.
RESERVED_SLUGS = {"cakupan", "aktivitas", "unduh"}
# The version (core.cache) of what public pages show of KIMs: their profiles, statuses,
# officers and members. Cached public pages carry it (core.page_cache).
NAMESPACE = "groups"


def public_changed() -> None:
    """What public pages show of a KIM changed: they are rendered anew once this commits."""
    version_bump_on_commit(NAMESPACE)


def kim_slug_for(*, name: str, place: str, exclude_pk: int | None = None) -> str:
    """A readable unique slug: the name, then the place if taken, then a number."""
    base = slugify(name)[:120] or "kim"
    return slug_unique(
        Kim.objects.exclude(pk=exclude_pk),
        candidates=[base, f"{base}-{slugify(place)}"[:160]],
        reserved=RESERVED_SLUGS,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def kim_status_moves(*, kim: Kim) -> set[str]:
    """The statuses the KIM may move to from the one it has."""
    return _STATUS_MOVES[kim.status]


@transaction.atomic
def kim_status_change(*, kim: Kim, to_status: str, reason: str, actor: User) -> Kim:
    """Move a KIM to another status with a reason, recording who did it and when."""
    _require(permissions.can_edit_kim_registry(actor, kim))
    kim = Kim.objects.select_for_update().get(pk=kim.pk)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give a reason for the change.")}, code="reason_required"
        )
    if to_status not in kim_status_moves(kim=kim):
        raise ValidationError(
            _("A KIM cannot go from “%(from)s” to “%(to)s”.")
            % {"from": kim.get_status_display(), "to": Kim.Status(to_status).label},
            code="invalid_transition",
        )
    status_change_log(
        record=kim,
        from_status=kim.status,
        to_status=to_status,
        actor=actor,
        note=reason.strip(),
    )
    kim.status = to_status
    kim.save(update_fields=["status", "updated_at"])
    public_changed()
    return kim


@transaction.atomic
def kim_register(*, actor: User, status_reason: str = "", kim: Kim | None = None, **fields) -> Kim:
    """Staff register a KIM; its first status is recorded in the history like any change.
    ``kim`` is the unsaved KIM to save (the admin's add form built one), else a new one."""
    _require(permissions.can_edit_kim_registry(actor))
    focus_areas = fields.pop("focus_areas", [])
    if kim is None:
        kim = Kim(**fields)
    else:
        for name, value in fields.items():
            setattr(kim, name, value)
    if kim.village_id:
        kim.district_id = kim.village.district_id
    kim.slug = kim.slug or kim_slug_for(
        name=kim.name, place=kim.village.name if kim.village_id else kim.district.name
    )
    kim.full_clean()
    kim.save()
    if focus_areas:  # a new KIM has none to clear
        kim.focus_areas.set(focus_areas)
    status_change_log(
        record=kim,
        from_status="",
        actor=actor,
        note=status_reason or _("Registered."),
    )
    public_changed()
    return kim


@transaction.atomic
def kim_update_profile(*, kim: Kim, actor: User, data: dict, logo=None, remove_logo=False) -> Kim:
    """A KIM's managers (or staff) change its public profile; registry fields are not touched."""
    _require(permissions.can_manage_kim(actor, kim))
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(kim, field, data[field])
    changed = [field for field in PROFILE_FIELDS if field in data]
    if logo is not None:
        kim.logo.save(f"{kim.slug}.webp", image_to_webp(logo, max_side=LOGO_MAX_SIDE), save=False)
        changed.append("logo")
    elif remove_logo and kim.logo:
        kim.logo.delete(save=False)
        changed.append("logo")
    kim.full_clean(exclude=["logo"])
    kim.save(update_fields=[*changed, "updated_at"])
    if "focus_areas" in data:
        kim.focus_areas.set(data["focus_areas"])
    public_changed()
    return kim


def _decided(membership: Membership, actor: User, status: str) -> None:
    membership.status = status
    membership.decided_by = actor
    membership.decided_at = timezone.now()


def _lock(membership: Membership) -> None:
    """Wait until no other transaction is changing this row, then see it as it is now: of two
    managers deciding one request at once, the second is told it was already decided instead
    of silently overwriting the first."""
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    for field in ("status", "role", "term_start", "term_end", "decided_by_id", "decided_at"):
        setattr(membership, field, getattr(current, field))


def _save(membership: Membership, fields: list[str]) -> Membership:
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as err:  # a concurrent request won the race to the same constraint
        raise ValidationError(
            _("This change conflicts with another one; reload and try again.")
        ) from err
    return membership


@transaction.atomic
def membership_request(*, kim: Kim, user: User, message: str = "") -> Membership:
    """A resident asks to join a KIM; its managers are told by email after the commit."""
    if not permissions.can_request_membership(user, kim):
        if permissions.is_kim_member(user, kim):
            raise ValidationError(_("You are already a member of this KIM."), code="already_member")
        raise ValidationError(_("This KIM does not take new members."), code="not_open")
    if kim.memberships.pending().filter(user=user).exists():
        raise ValidationError(_("You have already asked to join this KIM."), code="already_pending")
    membership = Membership(kim=kim, user=user, request_message=message.strip())
    membership.full_clean()
    membership.save()
    transaction.on_commit(lambda: join_request_notify_managers.enqueue(membership_id=membership.pk))
    return membership


def _answer_request(membership: Membership, actor: User, status: str) -> None:
    _require(permissions.can_manage_kim(actor, membership.kim))
    _lock(membership)
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request was already decided."), code="not_pending")
    _decided(membership, actor, status)


@transaction.atomic
def membership_accept(*, membership: Membership, actor: User) -> Membership:
    """A manager accepts a request to join; the person becomes a plain member from today."""
    _answer_request(membership, actor, Membership.Status.ACTIVE)
    membership.role = Membership.Role.MEMBER
    membership.term_start = membership.term_start or timezone.localdate()
    _save(membership, ["status", "decided_by", "decided_at", "role", "term_start"])
    _notify_decision(membership)
    public_changed()
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, actor: User) -> Membership:
    """A manager declines a request to join; the person may ask again later."""
    _answer_request(membership, actor, Membership.Status.DECLINED)
    _save(membership, ["status", "decided_by", "decided_at"])
    _notify_decision(membership)
    return membership


def _notify_decision(membership: Membership) -> None:
    transaction.on_commit(lambda: membership_decision_notify.enqueue(membership_id=membership.pk))


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Give an active member another role. A KIM has at most one active chair."""
    _require(permissions.can_manage_kim(actor, membership.kim))
    _lock(membership)
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only active members can hold a role."), code="not_active")
    if (
        role == Membership.Role.CHAIR
        and membership.kim.memberships.active()
        .filter(role=Membership.Role.CHAIR)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            _("This KIM already has an active chair. Give the current chair another role first."),
            code="chair_taken",
        )
    membership.role = role
    public_changed()
    return _save(membership, ["role"])


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> Membership:
    _require(permissions.can_manage_kim(actor, membership.kim))
    _lock(membership)
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only active members can be removed."), code="not_active")
    _decided(membership, actor, Membership.Status.REMOVED)
    membership.term_end = membership.term_end or timezone.localdate()
    public_changed()
    return _save(membership, ["status", "decided_by", "decided_at", "term_end"])


@transaction.atomic
def membership_leave(*, membership: Membership, user: User) -> Membership:
    """A member leaves, or withdraws a request to join."""
    _lock(membership)
    if membership.user_id != user.pk or membership.status not in (
        Membership.Status.ACTIVE,
        Membership.Status.PENDING,
    ):
        raise PermissionDenied
    was_active = membership.status == Membership.Status.ACTIVE
    membership.status = Membership.Status.LEFT
    membership.term_end = timezone.localdate() if was_active else None
    if was_active:
        public_changed()
    return _save(membership, ["status", "term_end"])


# How long before an officer's term ends the KIM's managers are reminded.
TERM_REMINDER_DAYS = 30


@transaction.atomic
def officer_term_reminders_send(*, today: date | None = None) -> int:
    """Queue a reminder to the KIM's managers for each active officer whose term ends within
    ``TERM_REMINDER_DAYS`` and who was not reminded of that end yet (a day missed is made up;
    a rerun queues nothing). Returns how many."""
    today = today or timezone.localdate()
    due = list(
        Membership.objects.active()
        .exclude(role=Membership.Role.MEMBER)
        .filter(term_end__gte=today, term_end__lte=today + timedelta(days=TERM_REMINDER_DAYS))
        .exclude(term_end_reminded=F("term_end"))
        .select_for_update(skip_locked=True)
    )
    for membership in due:
        membership.term_end_reminded = membership.term_end
        membership.save(update_fields=["term_end_reminded"])
        transaction.on_commit(
            lambda pk=membership.pk: officer_term_remind.enqueue(membership_id=pk)
        )
    return len(due)
