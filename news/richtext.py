"""The body of a post: a small Markdown subset in, sanitised HTML out.

People write paragraphs, **bold**, *italic*, lists and [links](https://...) on a phone; the
HTML is rendered once when the post is saved and cleaned with an allow-list (nh3), so no
script, event handler, style or ``javascript:`` link can reach a page.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _separate_lists(text: str) -> str:
    """Put a blank line before a list that follows a line of text, as people type on a phone
    (Markdown would otherwise keep the list inside the paragraph)."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def body_to_html(text: str) -> str:
    """Render the author's text to safe HTML."""
    html = markdown.markdown(
        _separate_lists(text or ""), extensions=["sane_lists", "nl2br"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
