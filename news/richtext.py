"""The body of a post: a small Markdown subset in, sanitised HTML out.

People write paragraphs, **bold**, *italic*, lists and [links](https://...) on a phone; the
HTML is rendered once when the post is saved and cleaned with an allow-list (nh3), so no
script, event handler, style or ``javascript:`` link can reach a page.
"""

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


def body_to_html(text: str) -> str:
    """Render the author's text to safe HTML."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML, for search and for snippets."""
    return nh3.clean(html, tags=set()).replace("&amp;", "&")
