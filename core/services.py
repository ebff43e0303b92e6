"""Services every app uses."""

from core.models import StatusChange


def _history_model(record) -> type[StatusChange]:
    """The status history kept for ``record``'s model: the ``StatusChange`` whose
    ``record_field`` points at it."""
    for relation in record._meta.related_objects:
        model = relation.related_model
        if issubclass(model, StatusChange) and relation.field.name == model.record_field:
            return model
    raise LookupError(f"{type(record).__name__} keeps no status history")


def status_change_log(
    *, record, from_status: str, actor, note: str = "", to_status: str | None = None
) -> StatusChange:
    """Add an entry to ``record``'s status history: from ``from_status`` to ``to_status``
    (default: the status the record has now). A visitor without an account is recorded as
    nobody."""
    history = _history_model(record)
    return history.objects.create(
        **{history.record_field: record, history.note_field: note},
        from_status=from_status,
        to_status=record.status if to_status is None else to_status,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
