"""State changes of trainings: registration, cancellation and promotion, attendance,
certificates and reminders. Views, the admin, commands and tasks all write through here.

Seats are counted while the training's row is locked (``SELECT ... FOR UPDATE``), so two
registrations racing for the last seat are served one after the other and never both get it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core.cache import version_bump_on_commit
from core.mail import mail_keys_queued, mail_sent_hook
from core.slugs import slug_unique
from core.uploads import image_to_webp
from groups import permissions
from trainings.models import (
    RESERVED_SLUGS,
    TRAINING_EDITABLE_FIELDS,
    Attendance,
    Material,
    ParticipantCategory,
    Registration,
    Session,
    Training,
    new_code,
)
from trainings.selectors import membership_list_for_registration, speaker_latest
from trainings.tasks import registration_email_queue, registration_notify

PARTICIPANT_FIELDS = ["name", "email", "phone", "category", "institution", "position"]
# The version (core.cache) of what public pages show of trainings: the trainings, their
# agenda, public materials, seats left and waiting list. Cached public pages carry it
# (core.page_cache).
NAMESPACE = "trainings"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def public_changed() -> None:
    """What public pages show of a training changed: they are rendered anew once this
    commits (a rolled-back change moves nothing)."""
    version_bump_on_commit(NAMESPACE)


def _lock(training: Training) -> Training:
    """The training's row, locked until the transaction ends. Every service that locks a
    training changes it or its seats, so the public pages move on when it commits."""
    public_changed()
    return Training.objects.select_for_update().get(pk=training.pk)


def _notify(registration: Registration, kind: str) -> None:
    if registration.email:
        transaction.on_commit(
            lambda: registration_notify.enqueue(registration_id=registration.pk, kind=kind)
        )


# --- Trainings: create, edit, publish, close, cancel --------------------------------------

# What a training's status may become (each move is a staff button); ask training_status_moves.
_STATUS_MOVES = {
    Training.Status.DRAFT: (Training.Status.PUBLISHED, Training.Status.CANCELLED),
    Training.Status.PUBLISHED: (Training.Status.CLOSED, Training.Status.CANCELLED),
    Training.Status.CLOSED: (Training.Status.PUBLISHED, Training.Status.CANCELLED),
    Training.Status.FINISHED: (),
    Training.Status.CANCELLED: (),
}
# The cover is shown once, at the width of a phone or of the page's column: 960 px is sharp on
# a 360 px phone's 2x screen and a third of the bytes of 1600 px on slow data.
COVER_MAX_SIDE = 960
SESSION_FIELDS = [
    "date",
    "start_time",
    "end_time",
    "topic",
    "speaker_name",
    "speaker_position",
    "speaker_institution",
]


def _slug_free(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:180] or "pelatihan"
    return slug_unique(
        Training.objects.exclude(pk=exclude_pk), candidates=[base], reserved=RESERVED_SLUGS
    )


@transaction.atomic
def training_save(
    *, actor: User, data: dict, training: Training | None = None, cover=None
) -> tuple[Training, list[Registration]]:
    """Create a draft training (``training`` None) or change one; a new cover is stored as a
    WebP of at most ``COVER_MAX_SIDE`` px. More seats move people up from the waiting list
    (they are emailed); returns the training and whoever moved up."""
    _require(permissions.can_manage_trainings(actor))
    creating = training is None
    if creating:
        training = Training(status=Training.Status.DRAFT)
    else:
        training = _lock(training)
    old_capacity = training.capacity
    for field in TRAINING_EDITABLE_FIELDS:
        if field in data:
            setattr(training, field, data[field])
    if creating:
        training.slug = _slug_free(training.title)
    if cover is not None:
        training.cover = image_to_webp(cover, max_side=COVER_MAX_SIDE)
    training.full_clean()
    training.save()
    public_changed()
    promoted = []
    if not creating and old_capacity and training.capacity > old_capacity:
        promoted = waiting_list_promote(training=training, actor=actor)
    return training, promoted


def training_status_moves(*, training: Training) -> tuple[str, ...]:
    """The statuses the training may move to from the one it has, in the buttons' order."""
    return _STATUS_MOVES[training.status]


@transaction.atomic
def training_status_change(*, training: Training, actor: User, to_status: str) -> int:
    """Publish (shown at /pelatihan/, registration opens), close registration (no new
    registrations; the page stays), reopen, or cancel (everyone registered or waiting is
    emailed). Returns how many people were emailed."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    if to_status not in training_status_moves(training=training):
        raise ValidationError(
            _("A training that is “%(status)s” cannot become “%(to)s”.")
            % {
                "status": training.get_status_display(),
                "to": Training.Status(to_status).label,
            },
            code="invalid_status_move",
        )
    training.status = to_status
    training.save(update_fields=["status", "updated_at"])
    if to_status == Training.Status.CANCELLED:
        return training_cancellation_notify(training=training, actor=actor)
    return 0


def training_cancel_notice(emailed: int) -> str:
    """What staff are told after a cancellation emailed ``emailed`` people."""
    return (
        ngettext(
            "%d participant is emailed that the training is cancelled.",
            "%d participants are emailed that the training is cancelled.",
            emailed,
        )
        % emailed
    )


@transaction.atomic
def session_add(*, training: Training, actor: User, data: dict) -> Session:
    """Add an agenda item. A speaker typed as in an earlier session (any training) keeps the
    position and institution given there when these are left empty, so staff type a regular
    speaker's details once."""
    _require(permissions.can_manage_trainings(actor))
    session = Session(training=training, **{f: data.get(f) for f in SESSION_FIELDS})
    for field in ("topic", "speaker_name", "speaker_position", "speaker_institution"):
        setattr(session, field, (getattr(session, field) or "").strip())
    if session.speaker_name and not (session.speaker_position or session.speaker_institution):
        earlier = speaker_latest(name=session.speaker_name)
        if earlier is not None:
            session.speaker_position = earlier.speaker_position
            session.speaker_institution = earlier.speaker_institution
    session.full_clean()
    session.save()
    public_changed()
    return session


def session_delete(*, session: Session, actor: User) -> None:
    _require(permissions.can_manage_trainings(actor))
    session.delete()
    public_changed()


@transaction.atomic
def material_add(*, training: Training, actor: User, title: str, file, is_public: bool) -> Material:
    """Add a material: a participants-only one is served only to them and staff (private
    storage); a public one to anyone who sees the training."""
    _require(permissions.can_manage_trainings(actor))
    position = training.materials.count()
    material = Material(
        training=training, title=title.strip(), file=file, is_public=is_public, position=position
    )
    material.full_clean()
    material.save()
    public_changed()
    return material


def material_delete(*, material: Material, actor: User) -> None:
    _require(permissions.can_manage_trainings(actor))
    material.file.delete(save=False)
    material.delete()
    public_changed()


# --- Who may register --------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationState:
    """What the detail page offers a person: ``reason`` is why they cannot register (empty:
    they can); ``waitlist`` says a registration now lands on the waiting list."""

    reason: str = ""
    code: str = ""
    existing: Registration | None = None
    waitlist: bool = False
    categories: tuple = ()


def training_categories_for(*, training: Training, user: User) -> list[tuple[str, str]]:
    """The categories this person may register under: those the training admits, without
    "KIM" unless they are an active member of a KIM."""
    allowed = training.categories or list(ParticipantCategory.values)
    is_member = (
        bool(membership_list_for_registration(user=user)[:1]) if user.is_authenticated else False
    )
    return [
        (value, label)
        for value, label in ParticipantCategory.choices
        if value in allowed and (value != ParticipantCategory.KIM or is_member)
    ]


def registration_window_reason(*, training: Training, now=None) -> tuple[str, str]:
    """Why nobody can register now, as (code, message); ("", "") while registration is open."""
    now = now or timezone.now()
    if training.status == Training.Status.CANCELLED:
        return "cancelled", _("This training has been cancelled.")
    if training.status == Training.Status.FINISHED or training.is_past:
        return "finished", _("This training is over.")
    if training.status != Training.Status.PUBLISHED:
        return "closed", _("Registration is closed.")
    if training.registration_opens_at and now < training.registration_opens_at:
        return "not_open", _("Registration opens on %(when)s.") % {
            "when": formats.date_format(
                timezone.localtime(training.registration_opens_at), "j F Y, H.i"
            )
        }
    if training.registration_closes_at and now >= training.registration_closes_at:
        return "closed", _("Registration is closed.")
    return "", ""


def registration_state_for(*, training: Training, user: User, confirmed_count: int):
    """What the detail page shows this person about registering."""
    code, reason = registration_window_reason(training=training)
    existing = None
    if user.is_authenticated:
        existing = (
            Registration.objects.active()
            .filter(training=training, user=user)
            .only("code", "status")
            .first()
        )
    if existing and existing.status == Registration.Status.WAITLISTED:
        return RegistrationState(
            reason=_("You are on the waiting list: we email you when a seat becomes free."),
            code="waitlisted",
            existing=existing,
        )
    if existing:
        return RegistrationState(
            reason=_("You are registered."), code="registered", existing=existing
        )
    if code:
        return RegistrationState(reason=reason, code=code)
    if not user.is_authenticated:
        return RegistrationState(reason=_("Log in to register."), code="login")
    categories = training_categories_for(training=training, user=user)
    if not categories:
        return RegistrationState(
            reason=_("This training is only for: %(categories)s.")
            % {"categories": ", ".join(training.category_labels())},
            code="category",
        )
    return RegistrationState(
        waitlist=confirmed_count >= training.capacity, categories=tuple(categories)
    )


def _place(training: Training) -> str:
    """Confirmed while seats are left, else the waiting list. The caller holds the lock."""
    confirmed = training.registrations.confirmed().count()
    if confirmed < training.capacity:
        return Registration.Status.CONFIRMED
    return Registration.Status.WAITLISTED


def _save_new(registration: Registration) -> Registration:
    registration.full_clean()
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as err:
        raise ValidationError(
            _("You are already registered for this training."), code="already_registered"
        ) from err
    return registration


# --- Registration ------------------------------------------------------------------------


@transaction.atomic
def training_register(*, training: Training, user: User, data: dict) -> Registration:
    """Register a logged-in person for themself: confirmed while seats are left, else on the
    waiting list. ``data`` holds category, institution, position, phone and optionally kim."""
    _require(permissions.can_register_for_training(user))
    training = _lock(training)
    code, reason = registration_window_reason(training=training)
    if code:
        raise ValidationError(reason, code=code)
    if Registration.objects.active().filter(training=training, user=user).exists():
        raise ValidationError(
            _("You are already registered for this training."), code="already_registered"
        )
    category = data.get("category")
    if category not in dict(training_categories_for(training=training, user=user)):
        raise ValidationError(
            {"category": _("This training does not admit that category.")}, code="category"
        )
    kim = data.get("kim")
    if category == ParticipantCategory.KIM:
        memberships = {m.kim_id: m for m in membership_list_for_registration(user=user)}
        if kim is None or kim.pk not in memberships:
            kim = next(iter(memberships.values())).kim
    elif kim is not None and not permissions.is_kim_member(user, kim):
        kim = None
    registration = Registration(
        training=training,
        user=user,
        status=_place(training),
        name=user.name,
        email=user.email,
        phone=data.get("phone", "") or user.phone,
        category=category,
        institution=data.get("institution", "") or (kim.name if kim else ""),
        position=data.get("position", ""),
        kim=kim,
        district=kim.district if kim else data.get("district"),
    )
    _save_new(registration)
    _notify(registration, registration.status)
    return registration


@transaction.atomic
def registration_add(*, training: Training, actor: User, data: dict) -> Registration:
    """Staff add an invited participant (an account with that email is linked to it). Seats
    count as for anyone: beyond capacity the invitee waits."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    registration = _build_invitee(training=training, actor=actor, data=data)
    registration.status = _place(training)
    _save_new(registration)
    _notify(registration, registration.status)
    return registration


def _build_invitee(*, training: Training, actor: User, data: dict) -> Registration:
    email = (data.get("email") or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    kim = data.get("kim")
    return Registration(
        training=training,
        user=user,
        added_by=actor,
        name=(data.get("name") or "").strip(),
        email=email,
        phone=(data.get("phone") or "").strip(),
        category=data.get("category") or "",
        institution=(data.get("institution") or "").strip() or (kim.name if kim else ""),
        position=(data.get("position") or "").strip(),
        kim=kim,
        district=data.get("district") or (kim.district if kim else None),
    )


@transaction.atomic
def registrations_claim(*, user: User, email: str) -> list[Registration]:
    """Link the registrations staff made for ``email`` before it had an account to the person
    who has just proved the address is theirs, so they see their tickets and certificates.
    One per training: a training they already registered for keeps that registration."""
    taken = set(
        Registration.objects.active().filter(user=user).values_list("training_id", flat=True)
    )
    claimed = []
    invitations = (
        Registration.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=email)
        .order_by("created_at", "pk")
    )
    for registration in invitations:
        if registration.is_active:
            if registration.training_id in taken:
                continue
            taken.add(registration.training_id)
        registration.user = user
        registration.save(update_fields=["user", "updated_at"])
        claimed.append(registration)
    return claimed


@transaction.atomic
def participants_import(
    *, training: Training, actor: User, rows: list[dict], progress=None
) -> list[Registration]:
    """Add many invitees at once. Every row is checked first; one bad row stops the whole
    import (``ValidationError`` naming each bad line) and nothing is saved. ``progress``, if
    given, is called with the number of rows checked so far."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    errors, built, seen = [], [], set()
    taken = set(
        Registration.objects.active()
        .filter(training=training, user__isnull=False)
        .values_list("user_id", flat=True)
    )
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        line = row.pop("_line")
        registration = _build_invitee(training=training, actor=actor, data=row)
        try:
            registration.full_clean(exclude=["training", "code"])
            if registration.user_id and (
                registration.user_id in taken or registration.user_id in seen
            ):
                raise ValidationError(_("already registered"))
        except ValidationError as err:
            messages = (
                [f"{field}: {'; '.join(m)}" for field, m in err.message_dict.items()]
                if hasattr(err, "error_dict")
                else err.messages
            )
            errors.append(
                _("Line %(line)d: %(errors)s") % {"line": line, "errors": " ".join(messages)}
            )
            continue
        if registration.user_id:
            seen.add(registration.user_id)
        built.append(registration)
    if errors:
        raise ValidationError(errors, code="bad_rows")
    confirmed = training.registrations.confirmed().count()
    for registration in built:
        registration.code = new_code()
        if confirmed < training.capacity:
            registration.status = Registration.Status.CONFIRMED
            confirmed += 1
        else:
            registration.status = Registration.Status.WAITLISTED
    Registration.objects.bulk_create(built)
    for registration in built:
        _notify(registration, registration.status)
    return built


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration | None:
    """Cancel a registration (its person or staff). A freed seat goes to the oldest waiting
    registration, which is returned (None when nobody was promoted)."""
    _require(permissions.can_view_registration(actor, registration))
    training = _lock(registration.training)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return None
    if training.is_past:
        raise ValidationError(_("This training is over."), code="finished")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if not was_confirmed:
        return None
    return _promote_next(training)


def registration_data_erase(*, user: User, actor: User) -> dict[str, int]:
    """A person's registrations when their account is deleted (``accounts.personal_data``).

    Registrations for trainings still to come are cancelled through ``registration_cancel``
    (the waiting list moves up); every registration is then anonymised, keeping category, KIM,
    district and the days attended for the regency's counts, and its certificate no longer
    verifies."""
    cancelled = 0
    # A seat at a training still to come goes back to the waiting list; draft, finished and
    # cancelled trainings have no seats to give.
    upcoming = Registration.objects.active().filter(
        user=user,
        training__end_date__gte=timezone.localdate(),
        training__status__in=[Training.Status.PUBLISHED, Training.Status.CLOSED],
    )
    for registration in upcoming.select_related("training"):
        registration_cancel(registration=registration, actor=actor)
        cancelled += 1
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = str(_("Deleted account"))
    Registration.objects.filter(user=user).update(
        user=None,
        name=placeholder,
        email="",
        phone="",
        institution="",
        position="",
        certificate_code=None,
    )
    return {"registrations cancelled": cancelled}


def _seat_give(registration: Registration) -> Registration:
    """A waiting registration gets a seat, and the person is emailed."""
    registration.status = Registration.Status.CONFIRMED
    registration.promoted_at = timezone.now()
    registration.save(update_fields=["status", "promoted_at", "updated_at"])
    _notify(registration, "promoted")
    return registration


def _promote_next(training: Training) -> Registration | None:
    if training.registrations.confirmed().count() >= training.capacity:
        return None
    promoted = training.registrations.waitlisted().select_for_update().first()
    if promoted is None:
        return None
    return _seat_give(promoted)


@transaction.atomic
def waiting_list_promote(*, training: Training, actor: User) -> list[Registration]:
    """Give the seats left (e.g. after staff raised the capacity) to the waiting list, oldest
    first, while the training still takes participants. Returns those promoted."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    if training.is_past or training.status not in (
        Training.Status.PUBLISHED,
        Training.Status.CLOSED,
    ):
        return []
    promoted = []
    while (registration := _promote_next(training)) is not None:
        promoted.append(registration)
    return promoted


def training_cancellation_notify(*, training: Training, actor: User) -> int:
    """Staff have cancelled the training: email everyone still registered or waiting, so
    nobody travels to it. Returns how many are emailed."""
    _require(permissions.can_manage_trainings(actor))
    registrations = list(training.registrations.active().exclude(email="").only("pk", "email"))
    for registration in registrations:
        _notify(registration, "training_cancelled")
    return len(registrations)


@transaction.atomic
def training_finish(*, training: Training, actor: User) -> Training:
    """Staff close a training after its last session: certificates become available."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    if training.status in (Training.Status.DRAFT, Training.Status.CANCELLED):
        raise ValidationError(_("Only a published training can be finished."), code="not_published")
    if training.start_date > timezone.localdate():
        raise ValidationError(_("The training has not started yet."), code="not_started")
    training.status = Training.Status.FINISHED
    training.save(update_fields=["status", "updated_at"])
    return training


# --- Attendance and certificates ---------------------------------------------------------


@transaction.atomic
def attendance_check_in(*, registration: Registration, day: date, actor: User) -> Attendance:
    """Staff mark a confirmed participant present on one day of the training (once a day;
    a second check-in returns the first)."""
    _require(permissions.can_manage_trainings(actor))
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(
            _("Only registered participants are checked in, not the waiting list."),
            code="not_confirmed",
        )
    if day not in registration.training.days:
        raise ValidationError(_("That is not a day of this training."), code="not_a_day")
    attendance, _created = Attendance.objects.get_or_create(
        registration=registration, date=day, defaults={"checked_in_by": actor}
    )
    return attendance


@transaction.atomic
def attendance_walk_in(*, training: Training, day: date, actor: User, data: dict) -> Registration:
    """Someone who did not register comes to the door: staff register them, with a seat
    (they are in the room, even if that goes beyond the seats), and check them in for the day."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(training)
    if day not in training.days:
        raise ValidationError(_("That is not a day of this training."), code="not_a_day")
    if training.status not in (
        Training.Status.PUBLISHED,
        Training.Status.CLOSED,
        Training.Status.FINISHED,
    ):
        raise ValidationError(
            _("Walk-ins are checked in only at a published training."), code="not_published"
        )
    registration = _build_invitee(training=training, actor=actor, data=data)
    registration.status = Registration.Status.CONFIRMED
    _save_new(registration)
    attendance_check_in(registration=registration, day=day, actor=actor)
    return registration


@transaction.atomic
def registration_seat_give(*, registration: Registration, actor: User) -> Registration:
    """Staff move one person from the waiting list to a free seat, ahead of those before them
    (e.g. a village's only delegate); they are emailed as anyone promoted."""
    _require(permissions.can_manage_trainings(actor))
    training = _lock(registration.training)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.WAITLISTED:
        raise ValidationError(_("This person is not on the waiting list."), code="not_waiting")
    if training.registrations.confirmed().count() >= training.capacity:
        raise ValidationError(
            _("No seat is free. Raise the number of seats first, or wait for a cancellation."),
            code="full",
        )
    return _seat_give(registration)


@transaction.atomic
def attendance_undo(*, registration: Registration, day: date, actor: User) -> None:
    """Staff take back a check-in made by mistake."""
    _require(permissions.can_manage_trainings(actor))
    Attendance.objects.filter(registration=registration, date=day).delete()


def certificate_is_earned(*, registration: Registration, days_attended: int) -> bool:
    return (
        registration.status == Registration.Status.CONFIRMED
        and registration.training.is_over
        and days_attended >= registration.training.days_needed
    )


@transaction.atomic
def certificate_issue(*, registration: Registration, actor: User) -> Registration:
    """Give the participant a certificate code once they have earned it (idempotent)."""
    _require(permissions.can_view_registration(actor, registration))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.certificate_code:
        return registration
    days = registration.attendances.count()
    if not certificate_is_earned(registration=registration, days_attended=days):
        raise ValidationError(
            _("A certificate needs %(days)d days of attendance at a finished training.")
            % {"days": registration.training.days_needed},
            code="not_earned",
        )
    registration.certificate_code = certificate_code_new()
    registration.certificate_issued_at = timezone.now()
    registration.save(update_fields=["certificate_code", "certificate_issued_at", "updated_at"])
    return registration


def certificate_code_new() -> str:
    while True:
        code = "S-" + new_code(8)
        if not Registration.objects.filter(certificate_code=code).exists():
            return code


# --- Reminders ---------------------------------------------------------------------------


def _reminder_key(registration_id: int) -> str:
    return f"training-reminder:{registration_id}"


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Queue the reminder of every confirmed participant of a training starting tomorrow who
    has not had one queued. A registration counts as reminded only once its email was sent
    (``registration_reminder_mark_sent``); a second run queues nothing. Returns how many."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    due = list(
        Registration.objects.confirmed()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("training")
        .prefetch_related("training__sessions")
        .filter(
            training__start_date=tomorrow,
            training__status__in=[Training.Status.PUBLISHED, Training.Status.CLOSED],
            reminder_sent_at__isnull=True,
        )
        .exclude(email="")
    )
    queued = mail_keys_queued([_reminder_key(registration.pk) for registration in due])
    count = 0
    for registration in due:
        key = _reminder_key(registration.pk)
        if key in queued:
            continue
        registration_email_queue(
            registration,
            "reminder",
            key=key,
            on_sent="trainings.services.registration_reminder_mark_sent",
            on_sent_kwargs={"registration_id": registration.pk},
        )
        count += 1
    return count


@mail_sent_hook
def registration_reminder_mark_sent(*, registration_id: int) -> None:
    """Mark a registration reminded, once its reminder was sent (called by the mail task)."""
    Registration.objects.filter(pk=registration_id, reminder_sent_at__isnull=True).update(
        reminder_sent_at=timezone.now()
    )
