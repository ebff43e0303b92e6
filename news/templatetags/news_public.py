"""Tags of the public news pages: responsive photos and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# As django.utils.html.json_script: nothing inside the script can close it or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def post_photo(photo, *, sizes: str = "100vw", css_class: str = "", eager: bool = False):
    """A responsive ``<img>`` of a ``PostPhoto``: its WebP renditions, intrinsic size and alt.

    Photos load lazily unless ``eager`` (the one photo at the top of a page).
    """
    if photo is None:
        return ""
    src = (photo.image_480 or photo.image).url
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


@register.simple_tag
def json_ld(data) -> str:
    """``data`` as a ``<script type="application/ld+json">`` element, safe to embed."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Safe: the escapes above keep the JSON from closing the script element.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )
