"""Tags of the public news pages: post cards, responsive photos and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.hemat import tap_to_show

register = template.Library()

# As django.utils.html.json_script: nothing inside the script can close it or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _photo(photo, *, sizes: str, css_class: str, eager: bool, hemat: bool):
    if photo is None:
        return ""
    src = (photo.image_480 or photo.image).url
    if hemat:
        # The smallest rendition, fetched only once the reader opens the <details>.
        image = format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="{}" loading="lazy">',
            src,
            photo.width,
            photo.height,
            photo.alt_text,
            css_class,
        )
        return tap_to_show(image)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" {}>',
        src,
        photo.srcset,
        sizes,
        photo.width,
        photo.height,
        photo.alt_text,
        css_class,
        mark_safe('fetchpriority="high"' if eager else 'loading="lazy" decoding="async"'),
    )


@register.simple_tag(takes_context=True)
def post_photo(context, photo, *, sizes: str = "100vw", css_class: str = "", eager: bool = False):
    """A responsive ``<img>`` of a ``PostPhoto``: its WebP renditions, intrinsic size and alt.

    Photos load lazily unless ``eager`` (the one photo at the top of a page); in the data
    saver mode the photo waits behind a tap (core/hemat.py).
    """
    return _photo(
        photo, sizes=sizes, css_class=css_class, eager=eager, hemat=context.get("hemat", False)
    )


CARD_SIZES = "(min-width: 768px) 330px, 7rem"


@register.inclusion_tag("news/partials/_post_card.html", takes_context=True)
def post_card(
    context,
    post,
    *,
    heading: str = "h2",
    sizes: str = "",
    eager: bool = False,
    featured: bool = False,
    snippet: str = "",
):
    """A post card (a post from ``post_list_cards``): cover, kind, title, lead, KIM, place, date.

    ``heading`` is the title's element ("h2" or "h3"), ``sizes`` the cover's, ``eager`` marks the
    first photo of a page and ``snippet`` replaces the lead (search: already-marked text). In
    the data saver mode a card shows no photo (the post's page has it, behind a tap).
    """
    cover = post.cover
    return {
        "post": post,
        "heading": heading if heading in ("h2", "h3") else "h2",
        "cover": None if context.get("hemat", False) else cover,
        "sizes": sizes or CARD_SIZES,
        "eager": eager,
        "featured": featured,
        "snippet": snippet,
        "published": timezone.localtime(post.published_at) if post.published_at else None,
    }


@register.simple_tag(takes_context=True)
def json_ld(context, data) -> str:
    """``data`` as a ``<script type="application/ld+json">`` element, safe to embed; nothing in
    the data saver mode (no script element at all there)."""
    if context.get("hemat", False):
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Safe: the escapes above keep the JSON from closing the script element.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )
