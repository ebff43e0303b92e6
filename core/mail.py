"""Every email of the portal goes through here: rendered as plain text, queued as a background
task with its whole content, sent by the worker, retried with backoff, and listed for staff in
the admin ("Emails") when the last try failed. Nothing sends mail inside a request.

- ``mail_render`` renders ``<template>_subject.txt`` and ``<template>_body.txt`` (and an
  optional ``<template>_body.html``) without HTML escaping, in the portal's language.
- ``mail_queue`` / ``mail_queue_message`` store the message with a ``mail_send`` task;
  ``mail_template_queue`` renders a template and queues it, as the apps' emails do.
- ``mail_send`` (the task) sends it; a failure raises, and ``_mail_retry_later`` puts the same
  task back in the queue after ``PORTAL_MAIL_RETRY_DELAYS``; after the last delay it stays
  FAILED, where ``mail_retry`` (the admin's action) can queue it again.
"""

import base64
import logging
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.dispatch import receiver
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)

MAIL_TASK_PATH = "core.mail.mail_send"
SUBJECT_MAX_LENGTH = 150


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str
    html: str = ""


def subject_clean(subject: str) -> str:
    """One line of plain text: every run of whitespace (CR, LF, tabs, Unicode line breaks)
    becomes one space, control characters go, and a long subject is cut with an ellipsis."""
    text = "".join(char for char in subject if char.isspace() or unicodedata.category(char) != "Cc")
    text = " ".join(text.split())
    if len(text) > SUBJECT_MAX_LENGTH:
        text = text[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return text


def _render_plain(template_name: str, context: dict) -> str:
    # Email text is not HTML: "&" and quotes must arrive as typed, whatever the template says.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def mail_render(*, template: str, context: dict, language: str | None = None) -> RenderedMail:
    """Render ``<template>_subject.txt``, ``<template>_body.txt`` and, when it exists,
    ``<template>_body.html`` in ``language`` (default: the portal's language)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = subject_clean(_render_plain(f"{template}_subject.txt", context))
        body = _render_plain(f"{template}_body.txt", context)
        try:
            html = get_template(f"{template}_body.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    return RenderedMail(subject=subject, body=body, html=html)


def mail_sent_hook(func: Callable) -> Callable:
    """Mark a function as one ``mail_queue(on_sent=...)`` may call after a successful send
    (called with ``on_sent_kwargs``; it should be idempotent)."""
    func.mail_sent_hook = True
    return func


def _attachment_data(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        raise TypeError("MIME attachments are not supported by the mail queue")
    filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode()
    return {
        "filename": filename,
        "content": base64.b64encode(content).decode("ascii"),
        "mimetype": mimetype or "application/octet-stream",
    }


def mail_queue(
    *,
    to: str | Iterable[str],
    subject: str,
    body: str,
    html: str = "",
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
    from_email: str | None = None,
    reply_to: Iterable[str] = (),
    headers: dict | None = None,
    key: str = "",
    on_sent: str = "",
    on_sent_kwargs: dict | None = None,
):
    """Queue one email for the worker and return its task result. The whole message is kept
    with the task until it was sent. ``key`` names a message that must go out once (a second
    message with a key already sent is skipped); ``on_sent`` is the dotted path of a
    ``@mail_sent_hook`` function called after the send."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = {
        "subject": subject_clean(str(subject)),
        "body": str(body),
        "html": str(html),
        "from_email": from_email,
        "to": recipients,
        "reply_to": list(reply_to),
        "headers": dict(headers or {}),
        "attachments": [_attachment_data(attachment) for attachment in attachments],
    }
    return mail_send.enqueue(
        message=message, key=key, on_sent=on_sent, on_sent_kwargs=on_sent_kwargs or {}
    )


def mail_template_queue(
    *,
    to: str | Iterable[str],
    template: str,
    context: dict,
    language: str | None = None,
    separately: bool = False,
    **queue_kwargs,
) -> None:
    """Render ``template`` (see ``mail_render``) once and queue it to ``to``: one message, or
    with ``separately`` one message for each address, so that no one sees who else was written
    to. ``queue_kwargs`` go to ``mail_queue`` (e.g. ``key``, ``on_sent``, ``attachments``)."""
    rendered = mail_render(template=template, context=context, language=language)
    recipients = [to] if isinstance(to, str) or not separately else list(to)
    for recipient in recipients:
        mail_queue(
            to=recipient,
            subject=rendered.subject,
            body=rendered.body,
            html=rendered.html,
            **queue_kwargs,
        )


def mail_queue_message(message: EmailMessage, **kwargs):
    """Queue an already built ``EmailMessage`` (e.g. one rendered by allauth)."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    body = message.body
    if message.content_subtype == "html" and not html:
        html, body = body, ""
    return mail_queue(
        to=message.to,
        subject=message.subject,
        body=body,
        html=html,
        attachments=message.attachments,
        from_email=message.from_email,
        reply_to=message.reply_to,
        headers=message.extra_headers,
        **kwargs,
    )


def _message_build(data: dict) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from_email"),
        to=data["to"],
        reply_to=data.get("reply_to") or None,
        headers=data.get("headers") or None,
    )
    if data.get("html"):
        if data["body"]:
            message.attach_alternative(data["html"], "text/html")
        else:
            message.body = data["html"]
            message.content_subtype = "html"
    for attachment in data.get("attachments", []):
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return message


@task()
def mail_send(
    *, message: dict, key: str = "", on_sent: str = "", on_sent_kwargs: dict | None = None
) -> str:
    """Send one queued email. Raises when the mail server refuses or does not answer, so the
    task fails and is retried later (see ``_mail_retry_later``)."""
    from core.models import OutgoingMail

    if key and OutgoingMail.objects.sent().with_key(key).exists():
        return "already sent"
    _message_build(message).send()
    if on_sent:
        hook = import_string(on_sent)
        if not getattr(hook, "mail_sent_hook", False):
            raise ValueError(f"{on_sent} is not a @mail_sent_hook")
        try:
            hook(**(on_sent_kwargs or {}))
        except Exception:
            # The email went out: failing the task now would send it a second time.
            logger.exception("Email sent, but its after-send step %s failed", on_sent)
    return "sent"


def mail_keys_queued(keys: Iterable[str]) -> set[str]:
    """The once-only keys among ``keys`` that already have an email in the queue (waiting,
    sent or failed), so a rerun of a job does not queue them twice."""
    from core.models import OutgoingMail

    keys = list(keys)
    if not keys:
        return set()
    return set(
        OutgoingMail.objects.filter(args_kwargs__kwargs__key__in=keys).values_list(
            "args_kwargs__kwargs__key", flat=True
        )
    )


def mail_retry_delays() -> list[timedelta]:
    """The waits before the 2nd, 3rd, ... try of a failed send."""
    return [timedelta(seconds=seconds) for seconds in settings.PORTAL_MAIL_RETRY_DELAYS]


@receiver(task_finished, dispatch_uid="core.mail.retry_later")
def _mail_retry_later(sender, task_result, **kwargs) -> None:
    """A failed send goes back in the queue (same task, same content) after the next delay;
    after the last one it stays FAILED and is listed for staff."""
    db_result = getattr(task_result, "db_result", None)
    if (
        db_result is None
        or task_result.status != TaskResultStatus.FAILED
        or db_result.task_path != MAIL_TASK_PATH
    ):
        return
    try:
        _mail_schedule_retry(db_result.pk)
    except Exception:
        # The worker sends this signal unguarded: an error here must not stop the worker. The
        # email stays FAILED, listed for staff.
        logger.exception("Could not schedule the next try of email %s", db_result.pk)


def _mail_schedule_retry(mail_id) -> None:
    from core.models import OutgoingMail

    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None:
        return
    delays = mail_retry_delays()
    if mail.attempts > len(delays):
        logger.error(
            "Email %s to %s failed %d times and is kept for staff (admin: Emails): %s",
            mail.pk,
            ", ".join(mail.recipients),
            mail.attempts,
            mail.error,
        )
        return
    run_after = timezone.now() + delays[max(mail.attempts, 1) - 1]
    OutgoingMail.objects.filter(pk=mail.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    logger.warning(
        "Email %s to %s failed (try %d), next try at %s: %s",
        mail.pk,
        ", ".join(mail.recipients),
        mail.attempts,
        run_after.isoformat(),
        mail.error,
    )


def mail_retry(*, mails) -> int:
    """Queue failed (or waiting) emails for an immediate new try; returns how many."""
    return mails.filter(status__in=[TaskResultStatus.FAILED, TaskResultStatus.READY]).update(
        status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None
    )
