"""The digest as people forward it on WhatsApp and read it in an email: a bold title, one line
per item with its link, and the digest's own link. What does not fit in 2,000 characters is
counted in a last line pointing to the digest's page."""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.share_cards import ShareCard, share_card
from core.sharing import short_url, whatsapp_text
from digests.periods import Area, week_label, week_title
from digests.selectors import DigestContent

WHATSAPP_LIMIT = 2000


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def item_url(obj) -> str:
    """The short link of a post, training or aspiration in a message (``/s/p2s`` on
    ``PORTAL_BASE_URL``, in the active language): short lines leave room for more items."""
    return short_url(obj)


def digest_url(*, area: Area, monday) -> str:
    return absolute(
        reverse("digests:digest", kwargs={"area": area.slug, "week": week_label(monday)})
    )


def digest_title(*, area: Area, monday) -> str:
    """``Ringkasan mingguan KIM Bailangu · 30 November – 6 Desember 2026``."""
    return _("Weekly digest of %(area)s · %(week)s") % {
        "area": area.name,
        "week": week_title(monday),
    }


def training_dates(training) -> str:
    if training.start_date == training.end_date:
        return date_format(training.start_date, "j M")
    return f"{date_format(training.start_date, 'j M')}–{date_format(training.end_date, 'j M')}"


def digest_sections(content: DigestContent) -> list[tuple[str, list[str]]]:
    """The message's sections: a heading and one line per item, each ending with its link."""
    parts = [
        (_("News:"), content.posts, lambda post: f"• {post.title}"),
        (
            _("Fact checks:"),
            content.fact_checks,
            lambda post: f"• [{post.get_verdict_display().upper()}] {post.title}",
        ),
        (
            _("Trainings:"),
            content.trainings,
            lambda training: (
                f"• {training.title} ({training_dates(training)}, {training.venue_name})"
            ),
        ),
        (
            _("Answered aspirations:"),
            content.aspirations,
            lambda submission: f"• {submission.heading} ({submission.village.name})",
        ),
    ]
    return [
        (heading, [f"{line(item)} {item_url(item)}" for item in items])
        for heading, items, line in parts
        if items
    ]


def _more_line(count: int) -> str:
    return ngettext(
        "… and %(count)d more on the digest's page:",
        "… and %(count)d more on the digest's page:",
        count,
    ) % {"count": count}


def digest_lines(content: DigestContent, *, room: int) -> list[str]:
    """The sections' lines that fit in ``room`` characters (one newline each), in order,
    whole; when some do not fit, the last line says how many more the page has."""
    sections = digest_sections(content)
    left = sum(len(items) for _heading, items in sections)
    chosen, used = [], 0
    for heading, items in sections:
        for index, item in enumerate(items):
            adding = [heading, item] if index == 0 else [item]
            cost = sum(len(line) + 1 for line in adding)
            reserve = len(_more_line(left)) + 1 if left > 1 else 0
            if used + cost + reserve > room:
                return [*chosen, _more_line(left)]
            chosen += adding
            used += cost
            left -= 1
    return chosen


def digest_whatsapp_text(content: DigestContent, *, limit: int = WHATSAPP_LIMIT) -> str:
    """The digest as one WhatsApp message of at most ``limit`` characters."""
    title = digest_title(area=content.area, monday=content.monday)
    url = digest_url(area=content.area, monday=content.monday)
    if content.is_quiet:
        return whatsapp_text(title=title, lines=[quiet_sentence()], url=url, limit=limit)
    # whatsapp_text's frame: "*title*", a blank line, the lines, a blank line, the link.
    room = limit - len(title) - 2 - 2 - 2 - len(url) - 1
    return whatsapp_text(title=title, lines=digest_lines(content, room=room), url=url, limit=limit)


def digest_share_card(content: DigestContent) -> ShareCard | None:
    """The link-preview card of a digest (drawn once per area and week); a quiet week has
    none (nothing to share, and crawlers walking empty weeks draw nothing)."""
    if content.is_quiet:
        return None
    return share_card(
        title=content.area.name,
        label=_("Weekly digest"),
        lines=[week_title(content.monday)],
    )


def quiet_sentence() -> str:
    return _("A quiet week: nothing was published, held or answered here.")
