"""The link-preview card of a KIM's public profile."""

from django.utils.translation import gettext as _

from core.share_cards import ShareCard, share_card
from groups.models import Kim


def kim_place(kim: Kim) -> str:
    district = _("District %(name)s") % {"name": kim.district.name}
    if kim.village_id:
        return f"{kim.village.get_kind_display()} {kim.village.name} · {district}"
    return district


def kim_share_card(kim: Kim) -> ShareCard | None:
    """The generated card of a public KIM: its name, place and status."""
    return share_card(
        title=kim.name,
        label="KIM",
        lines=[kim_place(kim), kim.get_status_display()],
        public=kim.status != Kim.Status.PROPOSED,
        owner=kim,
    )
