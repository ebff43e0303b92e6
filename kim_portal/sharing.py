"""Messages as people forward them on WhatsApp.

A forwarded message is plain text: WhatsApp shows ``*...*`` as bold, turns a link into a preview
and shows HTML entities literally. ``whatsapp_text`` builds one from a title, a few lines and the
link, within a length limit (700 characters for a post, 2,000 for a weekly digest): the title and
the link always stay whole, the lines are kept in order until the next one does not fit, which is
shortened at a word with an ellipsis when enough room is left for it to say something.
"""

import html
import re
from urllib.parse import quote

import nh3

ELLIPSIS = "…"
# A shortened line shorter than this says nothing: it is dropped instead.
MIN_SHORTENED = 40
# WhatsApp's formatting characters: inside the bold title they would end it early.
_FORMATTING = re.compile(r"[*_~`]")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def plain_text(value: str) -> str:
    """Text without tags or entities, its spaces collapsed, one paragraph per line."""
    text = nh3.clean(str(value or ""), tags=set())
    text = html.unescape(text)
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, the ellipsis included."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(ELLIPSIS), 0)]
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


def whatsapp_text(*, title: str, lines=(), url: str, limit: int = 700) -> str:
    """``*title*``, a blank line, the lines that fit, a blank line, the link.

    ``lines`` may hold plain text or HTML; an empty line is skipped. The result never exceeds
    ``limit`` characters (a title too long for it is shortened too)."""
    title = _FORMATTING.sub("", plain_text(title).replace("\n", " ")).strip()
    url = url.strip()
    # "*" + title + "*" + "\n\n" ... "\n\n" + url
    title = shorten(title, max(limit - len(url) - 6, 1))
    head, tail = f"*{title}*", f"\n\n{url}"
    room = limit - len(head) - len(tail) - 2  # the blank line after the title
    body = []
    for line in lines:
        line = plain_text(line).replace("\n", " ")
        if not line:
            continue
        cost = len(line) + (1 if body else 0)
        if cost <= room:
            body.append(line)
            room -= cost
            continue
        room -= 1 if body else 0
        if room >= MIN_SHORTENED:
            body.append(shorten(line, room))
        break
    if not body:
        return head + tail
    return head + "\n\n" + "\n".join(body) + tail


def whatsapp_share_url(text: str) -> str:
    """The ``wa.me`` link that opens WhatsApp with ``text`` ready to send to a chosen chat."""
    return "https://wa.me/?text=" + quote(text, safe="")


def whatsapp_send_to_url(phone: str, text: str) -> str:
    """The ``wa.me`` link that opens a chat with ``phone`` (+62..., digits) holding ``text``."""
    digits = re.sub(r"\D", "", phone or "")
    return f"https://wa.me/{digits}?text=" + quote(text, safe="")
