"""What a training says when it is shared: its WhatsApp message and its link-preview card."""

from django.utils.translation import gettext as _

from core.share_cards import ShareCard, share_card
from core.sharing import plain_text, shorten, whatsapp_text
from trainings.documents import date_range_text
from trainings.models import Training

DESCRIPTION_CHARS = 220


def training_venue(training: Training) -> str:
    return ", ".join(part for part in (training.venue_name, training.venue_address) if part)


def training_whatsapp_text(training: Training, *, url: str) -> str:
    """The message of a training: its title in bold, 📅 its dates, 📍 its venue, whether it was
    cancelled or registration closed, the start of its description, then ``url``."""
    lines = [f"📅 {date_range_text(training)}", f"📍 {training_venue(training)}"]
    if training.status in (Training.Status.CANCELLED, Training.Status.CLOSED):
        lines.append(str(training.get_status_display()).upper())
    description = plain_text(training.description).split("\n")[0]
    lines.append(shorten(description, DESCRIPTION_CHARS))
    return whatsapp_text(title=training.title, lines=lines, url=url)


def training_share_card(training: Training) -> ShareCard | None:
    """The generated card of a public training: its title, dates and venue."""
    return share_card(
        title=training.title,
        label=_("Training"),
        lines=[date_range_text(training), training_venue(training)],
        public=training.status != Training.Status.DRAFT,
        owner=training,
    )
