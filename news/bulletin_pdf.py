"""The layout of Buletin KIM: a small-town bulletin that prints well in black and white.

A masthead (the KIM or district, its place, the month), then each post of the month in the
order it was published: kind and date, title, byline, lead, its photos, the claim and verdict
of a fact check, the body (sanitised HTML drawn as paragraphs, headings and lists) and where
to read it online. Every page ends with the portal's address and its number.
"""

import io
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace, TextStyle
from PIL import Image

from core.pdf import FAMILY, FONTS, pdf_fonts_add, pdf_text
from news.bulletin import Edition
from news.models import Post, PostPhoto
from regions.selectors import region_display_name

logger = logging.getLogger(__name__)

BLACK, DARK, GREY, LIGHT = 0, 45, 95, 225
# Enough for a photocopied notice and small enough to forward: a month of 40 posts with their
# photos stays a few megabytes.
PHOTO_DPI = 120
LINE_HEIGHT = 1.3


@dataclass(frozen=True)
class Paper:
    """Sizes in mm and points for one paper size."""

    format: str
    margin: float
    text: float  # body text, pt
    title: float
    masthead: float
    photo_height: float  # the tallest a post's first photo may be
    thumbs: int  # further photos per row


PAPERS = {
    "a4": Paper("A4", 16, 10.5, 16, 30, 72, 3),
    "a5": Paper("A5", 11, 9, 12.5, 21, 58, 2),
}


def _host() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).netloc or settings.PORTAL_BASE_URL


def _short_url(path: str) -> str:
    return _host() + path


class BulletinDocument(FPDF):
    def __init__(self, *, edition: Edition, month_name: str):
        self.paper = PAPERS[edition.paper]
        super().__init__(orientation="P", unit="mm", format=self.paper.format)
        self.edition = edition
        self.month_name = month_name
        pdf_fonts_add(self)
        # DejaVu Sans ships no oblique face: emphasis in a post prints upright.
        self.add_font(FAMILY, "I", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "BI", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(self.paper.margin, self.paper.margin + 2, self.paper.margin)
        self.set_auto_page_break(True, margin=self.paper.margin + 6)
        self.set_lang("id")
        self.set_creator(settings.PORTAL_SITE_NAME)
        self.set_author(pdf_text(edition.name))
        self.set_title(
            pdf_text(
                _("Bulletin %(name)s · %(month)s") % {"name": edition.name, "month": month_name}
            )
        )

    @property
    def width(self) -> float:
        return self.epw

    def font(self, size: float, style: str = "", grey: int = BLACK) -> None:
        self.set_font(FAMILY, style, size)
        self.set_text_color(grey)

    def header(self):
        if self.page_no() == 1:
            return
        self.font(self.paper.text - 2.5, "B", GREY)
        self.set_y(self.paper.margin - 5)
        self.cell(self.width / 2, 4, pdf_text(self.edition.name.upper()))
        self.cell(self.width / 2, 4, pdf_text(self.month_name.upper()), align="R")
        self.set_draw_color(BLACK)
        self.set_line_width(0.3)
        y = self.paper.margin
        self.line(self.l_margin, y, self.l_margin + self.width, y)
        self.set_y(self.paper.margin + 3)

    def footer(self):
        self.set_y(-(self.paper.margin + 2))
        self.set_draw_color(BLACK)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(1.2)
        self.font(self.paper.text - 2, "", DARK)
        self.cell(
            self.width * 0.7, 4, pdf_text(f"{settings.PORTAL_SITE_NAME} · {_host()}"), align="L"
        )
        self.cell(
            self.width * 0.3,
            4,
            _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"},
            align="R",
        )

    def paragraph(self, text: str, size: float, style: str = "", grey: int = BLACK, gap=0.0):
        self.font(size, style, grey)
        self.set_x(self.l_margin)
        self.multi_cell(self.width, size * 0.48, pdf_text(text), align="L")
        if gap:
            self.ln(gap)

    def rule(self, width: float = 0.3, gap: float = 2.5) -> None:
        self.set_draw_color(BLACK)
        self.set_line_width(width)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
        self.ln(gap)

    def room_for(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def _place_line(edition: Edition) -> str:
    if edition.kim is not None:
        kim = edition.kim
        parts = []
        if kim.village_id:
            parts.append(f"{kim.village.get_kind_display()} {kim.village.name}")
        parts.append(region_display_name(region=kim.district))
        parts.append(kim.district.regency.name)
        return " · ".join(parts)
    return edition.district.regency.name


def _masthead(pdf: BulletinDocument, *, count: int) -> None:
    edition, paper = pdf.edition, pdf.paper
    label = _("KIM BULLETIN") if edition.kim else _("DISTRICT BULLETIN")
    pdf.set_fill_color(BLACK)
    pdf.set_text_color(255)
    pdf.set_font(FAMILY, "B", paper.text)
    pdf.set_x(pdf.l_margin)
    height = paper.text * 0.75
    pdf.cell(pdf.width / 2, height, "  " + label, fill=True)
    pdf.cell(
        pdf.width / 2,
        height,
        pdf_text(_("Edition %(month)s") % {"month": pdf.month_name}).upper() + "  ",
        fill=True,
        align="R",
    )
    pdf.ln(height + 3)
    pdf.paragraph(edition.name, paper.masthead, "B", gap=1)
    pdf.paragraph(_place_line(edition), paper.text + 1, "", DARK, gap=1)
    summary = (
        _("%(count)d news items published on %(site)s in %(month)s")
        % {"count": count, "site": settings.PORTAL_SITE_NAME, "month": pdf.month_name}
        if count
        else _("Published on %(site)s") % {"site": settings.PORTAL_SITE_NAME}
    )
    pdf.paragraph(summary, paper.text - 0.5, "", GREY, gap=2)
    pdf.rule(1.2, 0.9)
    pdf.rule(0.3, 5)


def _jpeg(photo: PostPhoto, *, width_mm: float, large: bool) -> tuple[io.BytesIO, float] | None:
    """The photo as a JPEG sized for ``width_mm`` at print resolution, with its aspect ratio
    (height / width); None when its file cannot be read (the bulletin prints without it)."""
    field = photo.image_960 if large else photo.image_480
    try:
        with field.open("rb") as file, Image.open(file) as image:
            image = image.convert("RGB")
            pixels = max(1, round(width_mm / 25.4 * PHOTO_DPI))
            if image.width > pixels:
                image = image.resize((pixels, round(image.height * pixels / image.width)))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=65, optimize=True)
            ratio = image.height / image.width
    except (OSError, ValueError):
        logger.warning("Bulletin: photo %s of post %s could not be read", photo.pk, photo.post_id)
        return None
    buffer.seek(0)
    return buffer, ratio


def _photo_height(pdf: BulletinDocument, photo: PostPhoto) -> float:
    """How tall the first photo of a post prints, from its stored size."""
    ratio = photo.height / photo.width if photo.width and photo.height else 2 / 3
    return min(pdf.width * ratio, pdf.paper.photo_height)


def _photo_main(pdf: BulletinDocument, photo: PostPhoto) -> None:
    paper = pdf.paper
    found = _jpeg(photo, width_mm=pdf.width, large=True)
    if found is None:
        return
    image, ratio = found
    width = min(pdf.width, paper.photo_height / ratio)
    height = width * ratio
    pdf.room_for(height + 8)
    x = pdf.l_margin + (pdf.width - width) / 2
    pdf.image(image, x=x, y=pdf.get_y(), w=width, h=height, alt_text=pdf_text(photo.alt_text))
    pdf.set_y(pdf.get_y() + height + 1)
    caption = photo.caption or ""
    if photo.credit:
        caption = f"{caption} ({_('Photo')}: {photo.credit})".strip()
    if caption:
        pdf.paragraph(caption, paper.text - 1.5, "", DARK)
    pdf.ln(2)


def _photo_row(pdf: BulletinDocument, photos: list[PostPhoto]) -> None:
    per_row, gap = pdf.paper.thumbs, 3
    width = (pdf.width - gap * (per_row - 1)) / per_row
    for start in range(0, len(photos), per_row):
        images = [_jpeg(photo, width_mm=width, large=False) for photo in photos[start:][:per_row]]
        images = [
            (image, photo) for image, photo in zip(images, photos[start:], strict=False) if image
        ]
        if not images:
            continue
        height = max(width * ratio for (_image, ratio), _photo in images)
        height = min(height, width * 1.3)
        pdf.room_for(height + 3)
        y = pdf.get_y()
        for column, ((image, _ratio), photo) in enumerate(images):
            pdf.image(
                image,
                x=pdf.l_margin + column * (width + gap),
                y=y,
                w=width,
                h=height,
                keep_aspect_ratio=True,
                alt_text=pdf_text(photo.alt_text),
            )
        pdf.set_y(y + height + 3)


def _fact_check(pdf: BulletinDocument, post: Post) -> None:
    paper = pdf.paper
    pdf.room_for(25)
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin)
    pdf.set_fill_color(BLACK)
    pdf.set_text_color(255)
    pdf.set_font(FAMILY, "B", paper.text + 1)
    verdict = f"  {_('Verdict')}: {post.get_verdict_display().upper()}  "
    pdf.cell(pdf.get_string_width(verdict) + 2, paper.text * 0.7, pdf_text(verdict), fill=True)
    pdf.ln(paper.text * 0.7 + 1.5)
    pdf.paragraph(_("Claim checked") + ":", paper.text - 0.5, "B")
    pdf.paragraph(post.claim, paper.text, gap=1)
    if post.claim_source:
        pdf.paragraph(
            _("Circulated in: %(source)s") % {"source": post.claim_source},
            paper.text - 1,
            "",
            DARK,
            gap=1,
        )
    if post.evidence:
        pdf.paragraph(_("Evidence") + ":", paper.text - 0.5, "B")
        pdf.paragraph(post.evidence, paper.text - 0.5, gap=1)
    if pdf.get_y() > top:
        pdf.set_draw_color(BLACK)
        pdf.set_line_width(0.8)
        pdf.line(pdf.l_margin - 2.5, top, pdf.l_margin - 2.5, pdf.get_y())
    pdf.ln(2)


def _body(pdf: BulletinDocument, post: Post) -> None:
    size = pdf.paper.text
    pdf.font(size)
    pdf.set_x(pdf.l_margin)
    # The sanitised HTML has bare block tags (``news.richtext``): give them room to breathe.
    html = post.body_html
    for tag in ("p", "ul", "ol"):
        html = html.replace(f"<{tag}>", f'<{tag} line-height="{LINE_HEIGHT}">')
    pdf.write_html(
        pdf_text(html),
        font_family=FAMILY,
        li_prefix_color=(0, 0, 0),
        ul_bullet_char="•",
        warn_on_tags_not_matching=False,
        tag_styles={
            "a": FontFace(color=(0, 0, 0), emphasis="UNDERLINE"),
            "h3": TextStyle(font_style="B", font_size_pt=size + 2, color=0, t_margin=3),
            "h4": TextStyle(font_style="B", font_size_pt=size + 1, color=0, t_margin=2),
            "blockquote": TextStyle(color=DARK, l_margin=6, t_margin=2, b_margin=2),
            "p": TextStyle(font_size_pt=size, b_margin=1.5),
        },
    )
    pdf.ln(1)


def _post(pdf: BulletinDocument, post: Post, *, show_kim: bool) -> None:
    paper = pdf.paper
    photos = post.photo_list
    # The kind, title, byline and lead stay on the page of their first photo.
    cover = photos[0] if photos else None
    pdf.room_for(38 + (_photo_height(pdf, cover) if cover else 10))
    published = timezone.localtime(post.published_at)
    pdf.paragraph(
        f"{post.get_kind_display()} · {formats.date_format(published, 'j F Y')}".upper(),
        paper.text - 2,
        "B",
        GREY,
        gap=1,
    )
    pdf.paragraph(post.title, paper.title, "B", gap=1.5)
    source = post.kim.name if post.kim else settings.PORTAL_OFFICE_NAME
    if show_kim and post.village_id:
        source = f"{source}, {post.village.name}"
    byline = (
        _("By %(author)s · %(source)s") % {"author": post.author.name, "source": source}
        if post.author_id and post.author.name
        else source
    )
    pdf.paragraph(byline, paper.text - 1, "", DARK, gap=2)
    pdf.paragraph(post.lead, paper.text + 0.5, "B", gap=2.5)
    if photos:
        _photo_main(pdf, photos[0])
    if post.kind == Post.Kind.FACT_CHECK and post.claim:
        _fact_check(pdf, post)
    _body(pdf, post)
    if len(photos) > 1:
        _photo_row(pdf, photos[1:])
    pdf.paragraph(
        _("Read it online: %(url)s") % {"url": _short_url(post.get_absolute_url())},
        paper.text - 2,
        "",
        GREY,
        gap=3,
    )
    pdf.rule(0.3, 5)


def _empty(pdf: BulletinDocument) -> None:
    paper = pdf.paper
    pdf.ln(8)
    pdf.paragraph(
        _("No news from %(name)s was published in %(month)s.")
        % {"name": pdf.edition.name, "month": pdf.month_name},
        paper.title,
        "B",
        gap=4,
    )
    pdf.paragraph(
        _(
            "News that the KIM members write and Dinkominfo publishes on the portal appears "
            "here in the month it is published. Read the latest news at %(url)s."
        )
        % {"url": _host()},
        paper.text + 1,
        "",
        DARK,
        gap=6,
    )


def _colophon(pdf: BulletinDocument, *, more: int, url: str) -> None:
    paper = pdf.paper
    pdf.room_for(20)
    if more:
        pdf.paragraph(
            _("%(count)d more news items of this month are on %(url)s")
            % {"count": more, "url": url},
            paper.text,
            "B",
            gap=2,
        )
    pdf.paragraph(
        _(
            "This bulletin is made by %(site)s from the news published on the portal. "
            "Print it and put it up on the notice board, or share it at the village meeting."
        )
        % {"site": settings.PORTAL_SITE_NAME},
        paper.text - 1.5,
        "",
        GREY,
    )


def bulletin_pdf(*, edition: Edition, posts: list[Post], more: int = 0) -> bytes:
    """The bulletin of ``posts`` (as ``news.bulletin.bulletin_posts_for_print`` gives them),
    in Indonesian whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        month_name = formats.date_format(edition.month, "F Y")
        pdf = BulletinDocument(edition=edition, month_name=month_name)
        pdf.add_page()
        _masthead(pdf, count=len(posts) + more)
        if not posts:
            _empty(pdf)
        for post in posts:
            _post(pdf, post, show_kim=edition.kim is None)
        owner = edition.kim or edition.district
        url = (
            _short_url(edition.kim.get_absolute_url())
            if edition.kim
            else _short_url(f"/berita/?wilayah={owner.code}")
        )
        _colophon(pdf, more=more, url=url)
        return bytes(pdf.output())
