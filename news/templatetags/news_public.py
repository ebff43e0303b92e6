"""Tags of the public news pages: post cards, responsive photos and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.hemat import tap_to_show
from core.templatetags.portal import html_datetime
from news.models import Post

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
    first photo of a page and ``snippet`` replaces the lead (search: already-marked text).
    Written in Python rather than as an included template: a page shows up to 20 of them and
    the template engine spent a tenth of the page's time on them. In the data saver mode a
    card shows no photo (the post's page has it, behind a tap).
    """
    if heading not in ("h2", "h3"):
        heading = "h2"
    cover = post.cover
    if cover is not None and not context.get("hemat", False):
        image = _photo(
            cover, sizes=sizes or CARD_SIZES, css_class="post-card-img", eager=eager, hemat=False
        )
    else:
        image = format_html(
            '<span class="post-card-img post-card-noimg" aria-hidden="true">{}</span>',
            post.category.name,
        )
    if post.kind == Post.Kind.FACT_CHECK:
        badge = format_html(
            '<p class="mb-1"><span class="badge verdict-badge verdict-{}">{}: {}</span></p>',
            post.verdict,
            gettext("Fact check"),
            post.get_verdict_display(),
        )
    elif post.kind != Post.Kind.NEWS:
        badge = format_html(
            '<p class="mb-1"><span class="badge text-bg-light border">{}</span></p>',
            post.get_kind_display(),
        )
    else:
        badge = ""
    if snippet:
        lead = format_html('<p class="post-card-lead search-snippet">{}</p>', snippet)
    else:
        lead = format_html('<p class="post-card-lead">{}</p>', post.lead)
    if post.district_id is not None:
        village = f"{post.village.name}, " if post.village_id is not None else ""
        place = format_html("<span>{}{}</span>", village, post.district.name)
    else:
        place = ""
    published = timezone.localtime(post.published_at) if post.published_at else None
    return format_html(
        '<article class="card post-card{}">{}<div class="card-body">{}'
        '<{} class="post-card-title"><a href="{}" class="stretched-link">{}</a></{}>{}'
        '<p class="post-card-meta"><span>{}</span>{}<time datetime="{}">{}</time></p>'
        "</div></article>",
        " post-card-featured" if featured else "",
        image,
        badge,
        heading,
        post.get_absolute_url(),
        post.title,
        heading,
        lead,
        post.kim.name if post.kim_id is not None else "Dinkominfo",
        place,
        html_datetime(published) if published else "",
        dateformat.format(published, "j M Y") if published else "",
    )


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
