"""Tags of the public news pages: post cards, responsive photos and JSON-LD."""

import hashlib
import json

from django import template
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.cache import versions_get
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


CARD_TEMPLATE = "news/partials/_post_card.html"
# A card's HTML is kept this long at most, and forgotten when any public version moves.
CARD_SECONDS = 60


@register.simple_tag(takes_context=True)
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

    Cards are the same for every reader, logged in or not, so their HTML is kept in the cache
    (rendering a page's twenty cards was a fifth of a member's news list): the key holds the
    post and its last change, every argument, the language, the mode and the versions of the
    public namespaces (a renamed KIM or region shows at once).
    """
    hemat = context.get("hemat", False)
    heading = heading if heading in ("h2", "h3") else "h2"
    sizes = sizes or CARD_SIZES
    key = _card_key(context, post, hemat, heading, sizes, eager, featured, snippet)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            CARD_TEMPLATE,
            {
                "post": post,
                "heading": heading,
                "cover": None if hemat else post.cover,
                "sizes": sizes,
                "eager": eager,
                "featured": featured,
                "snippet": snippet,
                "published": timezone.localtime(post.published_at) if post.published_at else None,
            },
        )
        cache.set(key, html, CARD_SECONDS)
    # Safe: the template escaped everything the authors wrote (the snippet is nh3-cleaned).
    return mark_safe(html)


def _card_key(context, post, *parts) -> str:
    request = context.get("request")
    versions = getattr(request, "page_cache_versions", None)
    if versions is None:
        versions = versions_get(settings.PORTAL_PAGE_CACHE_NAMESPACES)
        if request is not None:
            request.page_cache_versions = versions
    changed = post.updated_at.timestamp() if post.updated_at else ""
    text = repr((get_language(), post.pk, changed, parts, sorted(versions.items())))
    return "card:" + hashlib.sha256(text.encode()).hexdigest()


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
