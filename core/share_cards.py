"""Link-preview cards: the picture WhatsApp, Facebook and Telegram show beside a shared link.

``share_card`` draws a 1200x630 JPEG (the portal's mark and name, a label such as "Cek fakta",
the title wrapped in DejaVu Sans, a line or two about place and date, and a fact check's
verdict) under a name derived from everything drawn on it. A card is drawn once: the next
page view, on any app server, finds it by its name (the cache remembers that it exists, so a
page view costs no storage round trip). A changed title or verdict gives another name, hence a
new card; the old one stays unused.

Only public things get a card: a draft or a private aspiration has no preview to share. The card
of a thing that may stop being public (a post, a training, an aspiration, a KIM: its ``owner``)
is kept in the private storage under ``kartu/<short code>/`` and served by ``card_file`` only
while that thing is public, as the portal's other files are; a card of no one thing (the weekly
digest's) is kept in the public storage.
"""

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.crypto import salted_hmac
from PIL import Image, ImageDraw, ImageFont

from core.cache import cache_computed
from core.files import PRIVATE, PUBLIC

WIDTH, HEIGHT = 1200, 630
# Drawn on it changes: a new version draws every card again (under new names).
CARD_VERSION = 1
GREEN, YELLOW, INK, GREY = "#0b5d4b", "#f2b705", "#1b1f1d", "#4d5652"
FALSE_RED, TRUE_GREEN = "#b42318", "#12715b"
MARGIN = 64
# How long a page view trusts that a card exists without asking the storage (seconds).
KNOWN_FOR = 7 * 24 * 3600
FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class ShareCard:
    """A stored card: its address in the public storage (absolute on object storage, a path
    under ``MEDIA_URL`` otherwise) and what ``og:image:*`` says about it."""

    url: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT
    type: str = "image/jpeg"


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size
    )


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width``; the last one ends with an ellipsis when the
    text needs more than ``max_lines``. A word wider than a line is cut."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while draw.textlength(word, font=font) > width:
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and draw.textlength(last + " …", font=font) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[: max_lines - 1], last.rstrip(" ,.;:-") + "…"]


def _mark(size: int) -> Image.Image:
    """The portal's mark (static/img/logo.svg, a 64-unit drawing) at ``size`` pixels, drawn at
    four times the size and scaled down for smooth edges."""
    big = size * 4
    unit = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * unit, fill=GREEN)
    stroke = round(5 * unit)

    def line(points, colour):
        scaled = [(x * unit, y * unit) for x, y in points]
        draw.line(scaled, fill=colour, width=stroke)
        for x, y in scaled:  # round caps
            draw.ellipse((x - stroke / 2, y - stroke / 2, x + stroke / 2, y + stroke / 2), colour)

    line([(18, 44), (18, 20)], "white")
    line([(18, 32), (32, 20)], "white")
    line([(22, 29), (34, 44)], "white")
    draw.ellipse((40 * unit, 19 * unit, 50 * unit, 29 * unit), fill=YELLOW)
    draw.arc((40 * unit, 34 * unit, 50 * unit, 54 * unit), 180, 360, fill=YELLOW, width=stroke)
    for x in (40, 50):
        draw.ellipse(
            (
                x * unit - stroke / 2,
                44 * unit - stroke / 2,
                x * unit + stroke / 2,
                44 * unit + stroke / 2,
            ),
            YELLOW,
        )
    return image.resize((size, size), Image.LANCZOS)


def share_card_draw(
    *, title: str, label: str = "", lines=(), verdict: str = "", verdict_true: bool = False
) -> bytes:
    """The card as JPEG bytes (see ``share_card``)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    # Header: the mark, the portal's name and area, the label on the right.
    mark = _mark(88)
    image.paste(mark, (MARGIN, 44), mark)
    draw.text((MARGIN + 112, 50), settings.PORTAL_SITE_NAME, font=_font(34, True), fill=GREEN)
    draw.text((MARGIN + 112, 96), settings.PORTAL_REGION_NAME, font=_font(26), fill=GREY)
    if label:
        font = _font(26, True)
        text = label.upper()
        width = draw.textlength(text, font=font)
        right = WIDTH - MARGIN
        draw.rounded_rectangle(
            (right - width - 36, 58, right, 112), radius=27, outline=GREEN, width=3
        )
        draw.text((right - width - 18, 85), text, font=font, fill=GREEN, anchor="lm")
    # The footer: the verdict, or the accent stripes.
    bottom = HEIGHT - 30
    if verdict:
        font = _font(44, True)
        text = ("✓ " if verdict_true else "✗ ") + verdict.upper()
        width = draw.textlength(text, font=font)
        colour = TRUE_GREEN if verdict_true else FALSE_RED
        draw.rounded_rectangle((MARGIN, bottom - 96, MARGIN + width + 56, bottom - 12), 14, colour)
        draw.text((MARGIN + 28, bottom - 54), text, font=font, fill="white", anchor="lm")
        bottom -= 120
    draw.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=GREEN)
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT - 18), fill=YELLOW)
    # The title in the room left above the lines about place and date, which follow it.
    detail_font = _font(30)
    details = [
        _wrap(draw, " ".join(str(line).split()), detail_font, WIDTH - 2 * MARGIN, 1)[0]
        for line in lines
        if line and str(line).strip()
    ][:2]
    top = 168
    room = bottom - top - 24 - 44 * len(details)
    title = " ".join(str(title).split())
    for size in (68, 60, 54, 48, 42):
        font = _font(size, True)
        leading = round(size * 1.22)
        wrapped = _wrap(draw, title, font, WIDTH - 2 * MARGIN, max(1, min(4, room // leading)))
        if not wrapped[-1].endswith("…"):
            break
    # A short title and its lines sit in the middle of the room rather than under the header.
    block = len(wrapped) * leading + 24 + 44 * len(details)
    y = top + max(0, (bottom - top - block) // 3)
    for line in wrapped:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += leading
    y += 24
    for detail in details:
        draw.text((MARGIN, y), detail, font=detail_font, fill=GREY)
        y += 44
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def share_card_name(owner_code: str = "", **drawn) -> str:
    """The storage name of the card showing ``drawn``: a keyed hash of everything on it (and
    of the portal's name), so the same card has the same name on every app server and the
    name of a card says nothing about an object nobody has seen."""
    key = repr(
        (
            CARD_VERSION,
            settings.PORTAL_SITE_NAME,
            settings.PORTAL_REGION_NAME,
            sorted(
                (
                    name,
                    str(value) if not isinstance(value, (list, tuple)) else [str(v) for v in value],
                )
                for name, value in drawn.items()
            ),
        )
    )
    digest = salted_hmac("core.share_cards", key, algorithm="sha256").hexdigest()[:32]
    if owner_code:
        return f"kartu/{owner_code}/{digest}.jpg"
    return f"kartu/{digest[:2]}/{digest}.jpg"


def share_card(
    *,
    title: str,
    label: str = "",
    lines=(),
    verdict: str = "",
    verdict_true: bool = False,
    public: bool = True,
    owner=None,
) -> ShareCard | None:
    """The stored card of a public thing: ``title`` (wrapped, up to four lines), ``label`` (its
    kind, e.g. "Cek fakta"), up to two ``lines`` (place, date) and a fact check's ``verdict``
    (``verdict_true``: green with a tick, else red with a cross). Drawn and stored on first use
    only. ``public`` false (a draft, a private aspiration) gives no card: nothing is stored
    where everyone may read it. With ``owner`` (the post, training, aspiration or KIM shown) the
    card is private and its address is ``card_file``'s, which serves it while ``owner`` is
    public."""
    from core.sharing import short_code

    if not public:
        return None
    lines = [str(line) for line in lines if line]
    drawn = {"title": title, "label": label, "lines": lines, "verdict": verdict}
    drawn["verdict_true"] = bool(verdict and verdict_true)
    code = short_code(owner) if owner is not None else ""
    name = share_card_name(owner_code=code, **drawn)
    storage = storages[PRIVATE if owner is not None else PUBLIC]

    def stored() -> str:
        if storage.exists(name):
            return name
        content = share_card_draw(
            title=title, label=label, lines=lines, verdict=verdict, verdict_true=verdict_true
        )
        return storage.save(name, ContentFile(content))

    # The stored name is remembered, so that a card is looked for in storage once a while.
    name = cache_computed(f"share-card-name:{name}", stored, seconds=KNOWN_FOR)
    alt = " · ".join(str(part) for part in (label, title, verdict) if part)
    if owner is not None:
        url = reverse("share-card", args=[code, name.rsplit("/", 1)[1]])
    else:
        url = storage.url(name)
    return ShareCard(url=url, alt=alt)


def card_file(request, code: str, filename: str):
    """``/kartu/<short code>/<name>.jpg``: a private card, while the thing it shows is public
    (the short link's own check); 404 once it is not."""
    from core.sharing import short_link_target

    if request.method not in ("GET", "HEAD") or not filename.endswith(".jpg"):
        raise Http404
    if short_link_target(code) is None:
        raise Http404
    storage = storages[PRIVATE]
    name = f"kartu/{code}/{filename}"
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as err:
        raise Http404 from err
    response = FileResponse(handle, content_type="image/jpeg")
    # A name never shows another picture; an hour bounds how long a shared cache keeps a card
    # after its post was unpublished.
    response["Cache-Control"] = "public, max-age=3600"
    return response
