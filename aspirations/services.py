"""State changes of aspirations and hoax reports. Views, admin and seed data write through here."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from aspirations.models import Opd, Submission
from aspirations.selectors import submission_list_contact_expired
from aspirations.tasks import (
    submission_notify_answer,
    submission_notify_handlers,
    submission_notify_rejected,
    submission_send_code,
    submission_send_to_opd,
)
from core.cache import version_bump_on_commit
from core.files import files_place
from core.services import status_change_log
from core.uploads import image_renditions
from core.validators import normalize_whatsapp_number
from groups import permissions
from groups.models import Kim
from regions.models import Village

Status = Submission.Status
# No 0/O, 1/I/L: a code is read off a phone screen and typed again, or read aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
PHOTO_WIDTHS = (480, 1280)
DUPLICATE_WINDOW = timedelta(days=1)
# The version (core.cache) of what public pages show of aspirations: answered public
# submissions, their answers, statuses and senders' names. Cached public pages carry it
# (core.page_cache).
NAMESPACE = "aspirations"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The statuses each handler's action starts from, by the action's name in the handlers' URLs
# (``/aspirasi/kelola/<pk>/<action>/``), in the order the handler's page offers them.
_ACTION_FROM = {
    "verifikasi": (Status.RECEIVED,),
    "teruskan": (Status.RECEIVED, Status.VERIFIED, Status.FORWARDED),
    "tanggapi": (*Submission.OPEN_STATUSES, Status.ANSWERED),
    "selesai": (Status.ANSWERED,),
    "tolak": tuple(Submission.OPEN_STATUSES),
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def code_generate() -> str:
    """A fresh random tracking code: 10 characters of 31, about 8·10^14 possibilities."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Submission.objects.filter(code=code).exists():
            return code


def code_normalise(typed: str) -> str:
    """The code as stored, from what a person typed: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", typed or "").upper()[:20]


def text_clean(text: str) -> str:
    """Plain text as typed, without control characters or surrounding blank space.

    It is stored as plain text and always shown escaped; nothing typed becomes markup.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text).strip()


def _digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


def _photo_place(submission: Submission) -> None:
    """The photo in the public storage while the public page shows it, else the private one
    (closing an answered submission changes neither)."""
    if submission.photo:
        files_place(
            submission, public=submission.photo_is_publishable, fields=["photo", "photo_480"]
        )


def _photo_attach(submission: Submission, upload) -> None:
    try:
        renditions = image_renditions(upload, widths=PHOTO_WIDTHS)
    except (OSError, SyntaxError, ValueError) as err:
        # verify() passes a truncated JPEG; only decoding it, here, finds the damage.
        raise ValidationError(
            {"photo": _("The file is not a valid image.")}, code="invalid_image"
        ) from err
    # Random names (``RandomName``): the name of the file on the phone may say who took it.
    submission.photo.save("photo.webp", renditions[1280], save=False)
    submission.photo_480.save("photo.webp", renditions[480], save=False)


@transaction.atomic
def submission_create(
    *,
    kind: str,
    data: dict,
    photo=None,
    submitter: User | None = None,
    language: str = settings.LANGUAGE_CODE,
) -> Submission:
    """Record an aspiration or a hoax report, tell its handlers, and email the code to the
    sender (in ``language``, the portal's language they used; so are later emails). The same
    text from the same phone or email within a day is refused."""
    phone = normalize_whatsapp_number(data.get("submitter_phone", "")).strip()
    email = (data.get("submitter_email") or "").strip().lower()
    submission = Submission(
        kind=kind,
        code=code_generate(),
        category=data.get("category") if kind == Submission.Kind.ASPIRATION else None,
        title=text_clean(data.get("title", "")) if kind == Submission.Kind.ASPIRATION else "",
        text=text_clean(data.get("text", "")),
        link=(data.get("link") or "").strip(),
        circulated_on=text_clean(data.get("circulated_on", "")),
        village=data["village"],
        district_id=data["village"].district_id,
        submitter=submitter if submitter is not None and submitter.is_authenticated else None,
        submitter_name=text_clean(data.get("submitter_name", "")),
        submitter_phone=phone,
        submitter_email=email,
        is_anonymous=bool(data.get("is_anonymous")),
        is_private=bool(data.get("is_private")),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    if not Village.objects.in_area().filter(pk=submission.village_id).exists():
        raise ValidationError(
            {"village": _("Choose a village of this area.")}, code="village_outside_area"
        )
    submission.text_digest = _digest(submission.text)
    contact = Q()
    if phone:
        contact |= Q(submitter_phone=phone)
    if email:
        contact |= Q(submitter_email=email)
    if contact and (
        Submission.objects.filter(
            contact,
            text_digest=submission.text_digest,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).exists()
    ):
        raise ValidationError(
            _(
                "You already sent this same text today. It is being handled: follow it with "
                "the code you received."
            ),
            code="duplicate",
        )
    if photo is not None:
        _photo_attach(submission, photo)
    submission.full_clean()
    submission.save()
    status_change_log(record=submission, from_status="", actor=submitter)
    pk = submission.pk
    transaction.on_commit(lambda: submission_notify_handlers.enqueue(submission_id=pk))
    if email:
        transaction.on_commit(lambda: submission_send_code.enqueue(submission_id=pk))
    return submission


def public_changed() -> None:
    """What public pages show of aspirations changed: they are rendered anew once this
    commits."""
    version_bump_on_commit(NAMESPACE)


def _move(submission: Submission, to_status: str, allowed_from, actor: User) -> str:
    """Check and make a status change on the row as it is now, locked until the commit: two
    handlers on one submission (one answers as the other rejects) take turns, and the second
    finds the status the first left."""
    _require(permissions.can_handle_submission(actor, submission))
    submission.status, submission.first_answered_at = (
        Submission.objects.select_for_update()
        .values_list("status", "first_answered_at")
        .get(pk=submission.pk)
    )
    if submission.status not in allowed_from:
        raise ValidationError(
            _("A submission that is “%(status)s” cannot be changed this way.")
            % {"status": submission.get_status_display()},
            code="invalid_transition",
        )
    from_status = submission.status
    submission.status = to_status
    return from_status


def _move_save(
    submission: Submission, *, action: str, to_status: str, actor, note: str, changes=None
) -> Submission:
    """``_move`` the submission for a handler's action, set the fields in ``changes``, save
    and log the move; the public pages move on (a status shows on them)."""
    from_status = _move(submission, to_status, _ACTION_FROM[action], actor)
    for name, value in (changes or {}).items():
        setattr(submission, name, value)
    if changes:
        submission.full_clean()
    submission.save(update_fields=["status", *(changes or ()), "updated_at"])
    status_change_log(record=submission, from_status=from_status, actor=actor, note=note)
    public_changed()
    return submission


@transaction.atomic
def submission_verify(*, submission: Submission, actor: User, note: str = "") -> Submission:
    """A handler confirms a received submission is genuine and in their remit."""
    return _move_save(
        submission,
        action="verifikasi",
        to_status=Status.VERIFIED,
        actor=actor,
        note=text_clean(note),
    )


@transaction.atomic
def submission_forward(
    *,
    submission: Submission,
    actor: User,
    opd: Opd | None = None,
    forwarded_to: str = "",
    note: str = "",
) -> Submission:
    """Pass the submission on to the government office (OPD) that can act on it: one of the
    offices staff keep (``opd``), which is emailed the submission without the sender's contact
    and with a link to answer, or an office named in ``forwarded_to``."""
    forwarded_to = opd.name if opd is not None else text_clean(forwarded_to)
    if not forwarded_to:
        raise ValidationError(
            {"forwarded_to": _("Choose or name the office it is forwarded to.")},
            code="opd_required",
        )
    _move_save(
        submission,
        action="teruskan",
        to_status=Status.FORWARDED,
        actor=actor,
        note=f"{forwarded_to}\n{text_clean(note)}".strip(),
        changes={"forwarded_to": forwarded_to[:200], "forwarded_opd": opd},
    )
    if opd is not None and opd.email:
        pk, opd_pk = submission.pk, opd.pk
        transaction.on_commit(
            lambda: submission_send_to_opd.enqueue(submission_id=pk, opd_id=opd_pk)
        )
    return submission


OPD_LINK_SALT = "aspirations.opd-answer"
# How long the answer link emailed to an office works (seconds): 90 days.
OPD_LINK_MAX_AGE = 90 * 24 * 3600


def opd_answer_token(*, submission: Submission, opd: Opd) -> str:
    """The key of the link an office answers with: signed, naming the submission and office."""
    return signing.dumps([submission.pk, opd.pk], salt=OPD_LINK_SALT, compress=True)


def opd_answer_token_read(token: str) -> tuple[Submission, Opd] | None:
    """The submission and office of a link still valid, if the submission is still forwarded
    to that office; else None."""
    try:
        submission_pk, opd_pk = signing.loads(token, salt=OPD_LINK_SALT, max_age=OPD_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    submission = (
        Submission.objects.for_list().filter(pk=submission_pk, forwarded_opd_id=opd_pk).first()
    )
    if submission is None:
        return None
    return submission, submission.forwarded_opd


def _answering_kim(submission: Submission, actor: User) -> Kim | None:
    """The KIM a manager answers for: theirs in the village, else their district KIM; None
    for Dinkominfo staff."""
    if permissions.is_dinkominfo_staff(actor):
        return None
    kims = Kim.objects.filter(pk__in=permissions.managed_kim_ids(actor)).filter(
        Q(village_id=submission.village_id)
        | Q(level=Kim.Level.DISTRICT, district_id=submission.district_id)
    )
    return kims.order_by("level").first()  # "desa" before "kecamatan": the village KIM first


@transaction.atomic
def submission_answer(
    *,
    submission: Submission,
    actor: User,
    answer: str,
    fact_check=None,
    keep_private: bool = False,
) -> Submission:
    """Give (or replace) the public answer; a hoax report may link a published fact check.
    ``keep_private`` keeps it off the public pages (never the reverse). The sender is emailed
    each answer."""
    answer = text_clean(answer)
    if fact_check is not None:
        if submission.kind != Submission.Kind.HOAX:
            raise ValidationError(
                {"fact_check": _("Only a hoax report is answered with a fact check.")},
                code="fact_check_for_hoax_only",
            )
        if not (fact_check.kind == "cek_fakta" and fact_check.is_public):
            raise ValidationError(
                {"fact_check": _("Choose a published fact check.")}, code="fact_check_public"
            )
    if not answer and fact_check is None:
        raise ValidationError({"answer": _("Write the answer.")}, code="answer_required")
    from_status = _move(submission, Status.ANSWERED, _ACTION_FROM["tanggapi"], actor)
    return _answer_save(
        submission,
        from_status=from_status,
        answer=answer,
        fact_check=fact_check,
        user=actor,
        kim=_answering_kim(submission, actor),
        keep_private=keep_private,
    )


@transaction.atomic
def submission_answer_by_opd(*, submission: Submission, opd: Opd, answer: str) -> Submission:
    """The office a submission was forwarded to answers through its emailed link (see
    ``opd_answer_token``); the answer is public as any other and the sender is emailed."""
    answer = text_clean(answer)
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")}, code="answer_required")
    submission.status, submission.first_answered_at, forwarded_opd_id = (
        Submission.objects.select_for_update()
        .values_list("status", "first_answered_at", "forwarded_opd_id")
        .get(pk=submission.pk)
    )
    if forwarded_opd_id != opd.pk or submission.status not in _ACTION_FROM["tanggapi"]:
        raise ValidationError(
            _("This submission no longer waits for your office's answer."), code="not_forwarded"
        )
    from_status = submission.status
    submission.status = Status.ANSWERED
    return _answer_save(submission, from_status=from_status, answer=answer, opd=opd)


def _answer_save(
    submission: Submission,
    *,
    from_status: str,
    answer: str,
    fact_check=None,
    user: User | None = None,
    kim: Kim | None = None,
    opd: Opd | None = None,
    keep_private: bool = False,
) -> Submission:
    now = timezone.now()
    submission.answer = answer
    submission.fact_check = fact_check
    submission.answered_by = user
    submission.answered_by_kim = kim
    submission.answered_by_opd = opd
    submission.answered_at = now
    submission.first_answered_at = submission.first_answered_at or now
    submission.is_private = submission.is_private or keep_private
    submission.full_clean()
    submission.save(
        update_fields=[
            "status",
            "answer",
            "fact_check",
            "answered_by",
            "answered_by_kim",
            "answered_by_opd",
            "answered_at",
            "first_answered_at",
            "is_private",
            "updated_at",
        ]
    )
    _photo_place(submission)
    status_change_log(
        record=submission,
        from_status=from_status,
        actor=user,
        note=f"{opd.name}: {answer}" if opd else answer,
    )
    pk = submission.pk
    if submission.submitter_email:
        transaction.on_commit(lambda: submission_notify_answer.enqueue(submission_id=pk))
    public_changed()
    return submission


@transaction.atomic
def submission_close(*, submission: Submission, actor: User, note: str = "") -> Submission:
    """Mark an answered submission as done."""
    return _move_save(
        submission, action="selesai", to_status=Status.CLOSED, actor=actor, note=text_clean(note)
    )


@transaction.atomic
def submission_reject(*, submission: Submission, actor: User, reason: str) -> Submission:
    """Reject an open submission (spam, abusive, duplicate) with a reason the sender sees."""
    reason = text_clean(reason)
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the submission is rejected.")}, code="reason_required"
        )
    _move_save(
        submission,
        action="tolak",
        to_status=Status.REJECTED,
        actor=actor,
        note=reason,
        changes={"rejection_reason": reason[:1000]},
    )
    pk = submission.pk
    transaction.on_commit(lambda: submission_notify_rejected.enqueue(submission_id=pk))
    return submission


def submission_actions(*, submission: Submission) -> list[str]:
    """The names of the handlers' actions the submission's status allows now."""
    return [name for name, statuses in _ACTION_FROM.items() if submission.status in statuses]


def submission_act(*, submission: Submission, actor: User, action: str, data: dict) -> Submission:
    """Run the handler's action of this name (see ``submission_actions``) with the cleaned data
    of its form."""
    service, fields = {
        "verifikasi": (submission_verify, ["note"]),
        "teruskan": (submission_forward, ["opd", "forwarded_to", "note"]),
        "tanggapi": (submission_answer, ["answer", "fact_check", "keep_private"]),
        "selesai": (submission_close, ["note"]),
        "tolak": (submission_reject, ["reason"]),
    }[action]
    return service(
        submission=submission, actor=actor, **{name: data[name] for name in fields if name in data}
    )


ERASE_BATCH = 500


def submissions_contact_erase(*, submissions) -> int:
    """Erase the sender's name, phone, email and account link of these submissions (content,
    answer and record stay); returns how many were erased. Already erased ones are skipped."""
    ids = list(submissions.filter(contact_erased_at__isnull=True).values_list("pk", flat=True))
    now = timezone.now()
    for start in range(0, len(ids), ERASE_BATCH):
        Submission.objects.filter(pk__in=ids[start : start + ERASE_BATCH]).update(
            submitter=None,
            submitter_name="",
            submitter_phone="",
            submitter_email="",
            contact_erased_at=now,
        )
    if ids:
        public_changed()
    return len(ids)


def submission_data_erase(*, user: User, actor: User) -> dict[str, int]:
    """The contact on what a person sent while logged in, when their account is deleted
    (``accounts.personal_data``); the aspirations themselves stay."""
    return {
        "aspiration contacts erased": submissions_contact_erase(
            submissions=Submission.objects.filter(submitter=user)
        )
    }


@transaction.atomic
def submission_contacts_erase_expired(*, now=None) -> int:
    """Erase the contact of every handled submission past the retention period staff set;
    idempotent (a rerun erases nothing more). Returns how many were erased."""
    return submissions_contact_erase(submissions=submission_list_contact_expired(now=now))


@transaction.atomic
def submission_contact_erase(*, submission: Submission, actor: User) -> Submission:
    """Staff erase the sender's contact now, at the sender's request (before the retention
    period ends); the record says who did it and when."""
    _require(permissions.can_erase_submission_contact(actor))
    if submissions_contact_erase(submissions=Submission.objects.filter(pk=submission.pk)):
        status_change_log(
            record=submission,
            from_status=submission.status,
            actor=actor,
            note=_("The sender's contact was erased on request."),
        )
    submission.refresh_from_db()
    return submission
