"""Who changed what, when: the change history staff see on a KIM's and a training's page.

django-auditlog records each save and delete of the models the apps register here (in their
``AppConfig.ready``): the changed fields with old and new values, the time, and inside a request
the person (``AuditlogMiddleware``). Staff edits in the admin, managers deciding memberships and
staff screens all leave the same record; the worker and management commands leave one without
a person ("system"). Fields holding a person's contact (a member's phone) are not recorded, so
erasing it (UU PDP) leaves no copy in the history.
"""

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

# Newest entries shown on a page.
HISTORY_LENGTH = 30
NOT_RECORDED = ["created_at", "updated_at"]


def audit_register(model, *, exclude_fields: tuple[str, ...] = ()) -> None:
    """Record the changes of ``model``'s rows (time stamps and ``exclude_fields`` left out)."""
    auditlog.register(model, exclude_fields=[*NOT_RECORDED, *exclude_fields])


def audit_history(*targets) -> list[LogEntry]:
    """The latest changes, newest first, of the rows of each ``(model, pk or queryset of
    pks)`` target: e.g. a KIM and its memberships. One query."""
    rows = Q()
    for model, pks in targets:
        content_type = ContentType.objects.get_for_model(model)
        lookup = {"object_id": pks} if isinstance(pks, int) else {"object_id__in": pks}
        rows |= Q(content_type=content_type, **lookup)
    entries = list(
        LogEntry.objects.filter(rows)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:HISTORY_LENGTH]
    )
    for entry in entries:
        entry.shown_changes = (
            _shown_changes(entry) if entry.action == LogEntry.Action.UPDATE else []
        )
    return entries


def _shown_changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """(field, old, new) in words: choices by their labels, an empty value as "—"."""
    try:
        changes = entry.changes_display_dict
    except (TypeError, ValueError):
        # django-auditlog cannot label a list of choices (an ArrayField such as a training's
        # categories); those show as stored.
        changes = entry.changes_dict
    return [
        (str(field), *(_shown(value) for value in values[:2])) for field, values in changes.items()
    ]


def _shown(value) -> str:
    value = "" if value is None else str(value)
    return "—" if value in ("", "None") else value


def audit_forget_person(*, user, memberships) -> None:
    """Erasure (UU PDP): the history of the person's memberships goes, and the changes they
    made keep no email of theirs (the account's own deletion is then not recorded: see
    ``accounts.services.account_delete``)."""
    LogEntry.objects.filter(actor=user).update(actor_email=None)
    content_type = ContentType.objects.get_for_model(memberships.model)
    LogEntry.objects.filter(
        content_type=content_type, object_id__in=memberships.values("pk")
    ).delete()


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, but the person is looked up only when a change is
    recorded: its own asks for ``request.user`` on every request, a database query before the
    view (and, with the database down, before the outage page knows which form was sent)."""

    @staticmethod
    def _get_actor(request):
        # ``request.user`` is lazy: a change saved in this request resolves it; an anonymous
        # visitor is no ``User`` and the change is recorded without a person.
        return getattr(request, "user", None)
