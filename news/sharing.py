"""What a post says when it is shared: its WhatsApp message and its link-preview card."""

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.share_cards import ShareCard, share_card
from core.sharing import shorten, whatsapp_text
from news.models import Post

# A claim longer than this is shortened so that the verdict after it always fits.
CLAIM_CHARS = 260


def post_source(post: Post) -> str:
    """Who wrote it and where: "KIM Sukamaju · Kecamatan Sekayu", or the office's name."""
    parts = [post.kim.name if post.kim_id else settings.PORTAL_OFFICE_NAME]
    if post.district_id:
        parts.append(_("District %(name)s") % {"name": post.district.name})
    return " · ".join(parts)


def post_whatsapp_text(post: Post, *, url: str) -> str:
    """The message of a post: its title in bold, for a fact check the claim and the verdict in
    words (❌ or ✅ before it), the lead, who wrote it, then ``url`` (its short link)."""
    lines = []
    if post.kind == Post.Kind.FACT_CHECK and post.verdict:
        sign = "✅" if post.verdict == Post.Verdict.FACT else "❌"
        verdict = str(post.get_verdict_display()).upper()
        lines += [
            _("Claim: %(claim)s") % {"claim": shorten(" ".join(post.claim.split()), CLAIM_CHARS)},
            f"{sign} " + _("Verdict: %(verdict)s") % {"verdict": verdict},
        ]
    lines += [post.lead, post_source(post)]
    return whatsapp_text(title=post.title, lines=lines, url=url)


def post_share_card(post: Post) -> ShareCard | None:
    """The generated card of a public post (see ``core.share_cards``): its kind, title,
    source and date, and a fact check's verdict."""
    fact_check = post.kind == Post.Kind.FACT_CHECK and bool(post.verdict)
    date = (
        formats.date_format(timezone.localtime(post.published_at), "j F Y")
        if post.published_at
        else ""
    )
    return share_card(
        title=post.title,
        label=str(post.get_kind_display()),
        lines=[post_source(post), date],
        verdict=str(post.get_verdict_display()) if fact_check else "",
        verdict_true=post.verdict == Post.Verdict.FACT,
        public=post.is_public,
        owner=post,
    )
