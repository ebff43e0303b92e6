"""Messages as people forward them on WhatsApp.

A forwarded message is plain text: WhatsApp shows ``*...*`` as bold, turns a link into a preview
and shows HTML entities literally. ``whatsapp_text`` builds one from a title, a few lines and the
link, within a length limit (700 characters for a post, 2,000 for a weekly digest): the title and
the link always stay whole, the lines are kept in order until the next one does not fit, which is
shortened at a word with an ellipsis when enough room is left for it to say something.

Short links (``short_path``): ``/s/<letter><base36 id>`` at the site root, e.g. ``/s/p2s`` for
post 100, and ``/s/en/p2s`` for its English page. The letter names the kind of thing, the id
never changes (a slug may), and ``short_link_target`` finds only what its public queryset
holds, so a draft, a returned post or a private aspiration answers 404.
"""

import html
import re
from urllib.parse import quote

import nh3
from django.apps import apps
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.http import base36_to_int, int_to_base36

from core.validators import normalize_whatsapp_number

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
    """The ``wa.me`` link that opens a chat with ``phone`` holding ``text``. An Indonesian
    number may be written 0812..., 62812... or +62 812-...; wa.me wants 62812... ."""

    digits = re.sub(r"\D", "", normalize_whatsapp_number(phone or ""))
    return f"https://wa.me/{digits}?text=" + quote(text, safe="")


# The letter of a short link: the model and the queryset method of what anyone may read.
SHORT_KINDS = {
    "p": ("news.Post", "published"),
    "t": ("trainings.Training", "public"),
    "a": ("aspirations.Submission", "public"),
    "k": ("groups.Kim", "public"),
}
_SHORT_CODE = re.compile(r"^([a-z])([0-9a-z]{1,13})$")


def short_code(obj) -> str:
    """``<letter><base36 id>`` of a post, training, aspiration or KIM."""
    label = obj._meta.label
    letter = next(key for key, (model, _method) in SHORT_KINDS.items() if model == label)
    return f"{letter}{int_to_base36(obj.pk)}"


def short_path(obj, language: str | None = None) -> str:
    """``/s/<letter><base36 id>`` of a post, training, aspiration or KIM; with ``language``
    other than the portal's own, ``/s/<language>/...`` (it leads to the page in that
    language)."""
    prefix = "" if language in (None, settings.LANGUAGE_CODE) else f"{language}/"
    return f"/s/{prefix}{short_code(obj)}"


def short_url(obj, request=None) -> str:
    """The absolute short link of ``obj`` in the active language: on the request's host, or
    on ``PORTAL_BASE_URL`` outside a request (emails, the weekly digest)."""
    path = short_path(obj, translation.get_language())
    return (
        request.build_absolute_uri(path) if request is not None else settings.PORTAL_BASE_URL + path
    )


def short_link_target(code: str):
    """The public object a short link's code names, or None (unknown letter, bad id, not
    public)."""
    match = _SHORT_CODE.match(code or "")
    if match is None or match.group(1) not in SHORT_KINDS:
        return None
    model_label, method = SHORT_KINDS[match.group(1)]
    try:
        pk = base36_to_int(match.group(2))
    except ValueError:
        return None
    model = apps.get_model(model_label)
    return getattr(model.objects, method)().filter(pk=pk).first()


def share_image(request, card) -> dict | None:
    """What ``og:image`` says about a generated card (``core.share_cards.ShareCard``),
    with an absolute address; None without a card."""
    if card is None:
        return None
    return {
        "url": request.build_absolute_uri(card.url),
        "type": card.type,
        "width": card.width,
        "height": card.height,
        "alt": card.alt,
    }


def open_graph(request, *, record, title: str, description: str, card) -> dict:
    """The Open Graph tags of a shareable record's page: its absolute address, title,
    description and generated share card (``og`` in the template context)."""
    return {
        "url": request.build_absolute_uri(record.get_absolute_url()),
        "title": title,
        "description": description,
        "image": share_image(request, card),
    }


def share_context(request, *, text: str, page_url: str) -> dict:
    """The template context of the WhatsApp share block (``includes/share_whatsapp.html``):
    the message, its ``wa.me`` link and the page showing it without JavaScript."""
    return {
        "whatsapp_text": text,
        "whatsapp_url": whatsapp_share_url(text),
        "whatsapp_page_url": page_url,
    }


def whatsapp_page_response(request, *, heading: str, back_url: str, text: str):
    """The page showing a message in a text box (readable and selectable without JavaScript)
    with its ``wa.me`` button: ``<page>/whatsapp/`` of every shareable page."""
    context = {
        "heading": heading,
        "back_url": back_url,
        **share_context(request, text=text, page_url=request.path),
    }
    return render(request, "sharing/whatsapp.html", context)
