"""Files a training produces: iCalendar events, QR codes and the PDF certificate."""

import io
from collections import defaultdict
from datetime import UTC, datetime, time
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from fpdf import FPDF
from icalendar import Calendar, Event

from core.pdf import pdf_fonts_add, pdf_text
from trainings.models import Registration, Training

DEFAULT_DAY = (time(8, 0), time(16, 0))


def _day_spans(training: Training) -> list[tuple[datetime, datetime]]:
    """Each day of the training from its first session's start to its last session's end
    (08:00–16:00 on a day without sessions), as aware datetimes in the portal's time zone."""
    sessions = defaultdict(list)
    for session in training.sessions.all():
        sessions[session.date].append(session)
    zone = timezone.get_default_timezone()
    spans = []
    for day in training.days:
        items = sessions.get(day)
        start, end = (
            (min(s.start_time for s in items), max(s.end_time for s in items))
            if items
            else DEFAULT_DAY
        )
        spans.append(
            (
                datetime.combine(day, start, tzinfo=zone),
                datetime.combine(day, end, tzinfo=zone),
            )
        )
    return spans


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_SITE_NAME}//Pelatihan//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _add_events(calendar: Calendar, training: Training) -> None:
    url = settings.PORTAL_BASE_URL + training.get_absolute_url()
    location = ", ".join(part for part in (training.venue_name, training.venue_address) if part)
    # A UID is globally unique by ending in the site's domain (RFC 5545 3.8.4.7).
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "kim-portal"
    days = _day_spans(training)
    for number, (start, end) in enumerate(days, start=1):
        event = Event()
        event.add("uid", f"pelatihan-{training.pk}-{start:%Y%m%d}@{host}")
        summary = training.title
        if len(days) > 1:
            summary += " " + _("(day %(number)d of %(days)d)") % {
                "number": number,
                "days": len(days),
            }
        event.add("summary", summary)
        event.add("dtstart", start.astimezone(UTC))
        event.add("dtend", end.astimezone(UTC))
        event.add("dtstamp", timezone.now().astimezone(UTC))
        event.add("location", location)
        event.add("url", url)
        event.add("description", f"{training.office_name}\n{url}")
        if training.status == Training.Status.CANCELLED:
            event.add("status", "CANCELLED")
        calendar.add_component(event)


def training_ics(training: Training) -> bytes:
    """One event per day of the training."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar()
        calendar.add("x-wr-calname", training.title)
        _add_events(calendar, training)
    return calendar.to_ical()


def trainings_ics(trainings) -> bytes:
    """The calendar feed of every published training (prefetch their sessions)."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar()
        calendar.add("x-wr-calname", _("Trainings") + " · " + settings.PORTAL_SITE_NAME)
        for training in trainings:
            _add_events(calendar, training)
    return calendar.to_ical()


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url``, drawn on the server (safe: segno escapes the URL and
    the URL is the portal's own)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=6, border=2, title=url))


# --- The certificate ------------------------------------------------------------------------


def _certificate_document() -> FPDF:
    return pdf_fonts_add(FPDF(orientation="L", unit="mm", format="A4"))


def date_range_text(training: Training) -> str:
    start, end = training.start_date, training.end_date
    if start == end:
        return formats.date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{formats.date_format(end, 'j F Y')}"
    return f"{formats.date_format(start, 'j F Y')} – {formats.date_format(end, 'j F Y')}"


def certificate_verify_url(registration: Registration) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL + reverse(
        "certificate-verify", kwargs={"code": registration.certificate_code}
    )


def certificate_pdf(registration: Registration) -> bytes:
    """An A4 landscape certificate of participation with a verification code and QR code."""
    training = registration.training
    with translation.override(settings.LANGUAGE_CODE):
        verify_url = certificate_verify_url(registration)
        pdf = _certificate_document()
        pdf.set_title(pdf_text(_("Certificate") + " " + training.title))
        pdf.set_author(pdf_text(training.office_name))
        pdf.set_auto_page_break(False)
        pdf.add_page()
        green = (11, 93, 75)
        pdf.set_draw_color(*green)
        pdf.set_line_width(2.5)
        pdf.rect(8, 8, 281, 194)
        pdf.set_line_width(0.6)
        pdf.rect(13, 13, 271, 184)

        def line(text, size, style="", height=None, color=(33, 37, 41)):
            pdf.set_font("DejaVu", style, size)
            pdf.set_text_color(*color)
            pdf.set_x(20)
            pdf.multi_cell(257, height or size * 0.55, pdf_text(text), align="C")

        pdf.set_y(24)
        line(training.office_name.upper(), 13, "B", color=green)
        line(settings.PORTAL_REGION_NAME, 11)
        pdf.ln(8)
        line(_("CERTIFICATE"), 34, "B", color=green)
        pdf.ln(8)
        line(_("is awarded to"), 12)
        pdf.ln(2)
        # Long names and titles get a smaller size so the page keeps its layout.
        line(registration.name, 26 if len(registration.name) <= 40 else 20, "B")
        if registration.institution:
            line(registration.institution, 12)
        pdf.ln(5)
        line(_("for taking part in"), 12)
        pdf.ln(1)
        line(training.title, 17 if len(training.title) <= 70 else 14, "B")
        place = ", ".join(p for p in (training.venue_name, training.venue_address) if p)
        line(f"{date_range_text(training)} · {place}", 11)
        pdf.ln(2)
        line(_("held by %(office)s") % {"office": training.office_name}, 11)

        qr = io.BytesIO()
        segno.make(verify_url, error="m").save(qr, kind="png", scale=5, border=1)
        qr.seek(0)
        pdf.image(qr, x=24, y=158, w=30, h=30)
        pdf.set_xy(58, 166)
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(33, 37, 41)
        pdf.cell(0, 5, pdf_text(_("Verification code") + ":"))
        pdf.set_font("DejaVuMono", "B", 12)
        pdf.set_xy(58, 171)
        pdf.cell(0, 6, registration.certificate_code)
        pdf.set_font("DejaVu", "", 8)
        pdf.set_xy(58, 178)
        pdf.cell(0, 5, pdf_text(_("Check it at %(url)s") % {"url": verify_url}))
        issued = registration.certificate_issued_at or timezone.now()
        pdf.set_xy(190, 166)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(
            80,
            5,
            pdf_text(
                _("Issued on %(date)s")
                % {"date": formats.date_format(timezone.localtime(issued), "j F Y")}
                + "\n"
                + training.office_name
            ),
            align="C",
        )
        return bytes(pdf.output())
