"""What the apps above accounts keep about a person, in parts each app registers (in its
``AppConfig.ready``, with ``personal_data_register``), so that the export
(``accounts.selectors.user_data_export``) and the account's deletion
(``accounts.services.account_delete``) never name those apps.

The order is fixed by each part's positions, not by the order the apps start in:
- the export file lists the parts by ``export_position``: KIM memberships and join requests
  (10), posts (20), training registrations (30), aspirations and hoax reports (40);
- deletion runs the parts' ``erase`` by ``erase_position``: training registrations first (10:
  seats still to come go back to the waiting list), then posts (20), then the contact on
  aspirations (30). Memberships have nothing to erase: they go with the account.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalDataPart:
    """One app's share of a person's data: how to export it and how to erase it."""

    # The part's key in the export file.
    key: str
    # (*, user) -> list[dict]: the person's rows in the export's words (dates through
    # ``export_date``); never another person's contact details.
    export: Callable[..., list[dict]]
    export_position: int
    # (*, user, actor) -> {what was done: how many}, e.g. {"posts deleted": 2}: cancel,
    # anonymise or delete the person's rows before the account itself goes. None: nothing
    # to do beyond the account's own deletion.
    erase: Callable[..., dict[str, int]] | None = None
    erase_position: int = 0


# Filled by ``personal_data_register``; keyed by the part's key.
PARTS: dict[str, PersonalDataPart] = {}


def personal_data_register(part: PersonalDataPart) -> None:
    """Include ``part`` in every export and every account deletion."""
    PARTS[part.key] = part


def personal_data_parts_to_export() -> list[PersonalDataPart]:
    """The registered parts in the export file's order."""
    return sorted(PARTS.values(), key=lambda part: part.export_position)


def personal_data_parts_to_erase() -> list[PersonalDataPart]:
    """The registered parts that erase something, in the deletion's order."""
    erasing = [part for part in PARTS.values() if part.erase is not None]
    return sorted(erasing, key=lambda part: part.erase_position)


def export_date(value) -> str | None:
    """A date or time as the export file writes it (ISO 8601); None when it is not set."""
    return value.isoformat() if value else None
