"""ISO weeks in the portal's time zone (WIB) and the areas a digest is of.

A week runs from Monday 00:00 to the next Monday 00:00 in ``TIME_ZONE`` (Asia/Jakarta): a
post published on Sunday at 23:30 WIB belongs to that week even though it is Sunday 16:30 UTC.
An area is named in one URL segment: ``kabupaten`` (the whole area the portal serves),
``kecamatan-<district code>`` or ``kim-<KIM slug>``.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Kim
from regions.models import District
from regions.selectors import region_display_name, region_find_in_area

FIRST_YEAR = 2000
WEEK = re.compile(r"(\d{4})-W(\d{2})")
AREA_WHOLE = "kabupaten"
DISTRICT_PREFIX = "kecamatan-"
KIM_PREFIX = "kim-"


def week_parse(text: str) -> date:
    """The Monday of ``2026-W49``; ValueError for a week that is not one (W00, W54, a W53 in
    a year of 52 weeks, another spelling) or lies in the future."""
    match = WEEK.fullmatch(text)
    if match is None:
        raise ValueError("not a week")
    year, week = int(match[1]), int(match[2])
    if year < FIRST_YEAR:
        raise ValueError("too early")
    monday = date.fromisocalendar(year, week, 1)  # ValueError for week 0, 54, a missing 53
    if monday > week_current():
        raise ValueError("a future week")
    return monday


def week_label(monday: date) -> str:
    """``2026-W49``, as the URL spells it."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_current(now: datetime | None = None) -> date:
    """The Monday of the week that is running now (WIB)."""
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def week_last_finished(now: datetime | None = None) -> date:
    """The Monday of the last whole week (the one the Monday job builds)."""
    return week_current(now) - timedelta(days=7)


def week_span(monday: date) -> tuple[datetime, datetime]:
    """Monday 00:00 and the next Monday 00:00, WIB (aware datetimes)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(monday, datetime.min.time(), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=zone)


@dataclass(frozen=True)
class Area:
    """What a digest is of: a KIM, a district, or (neither) the whole area."""

    kim: Kim | None = None
    district: District | None = None

    @property
    def slug(self) -> str:
        if self.kim is not None:
            return KIM_PREFIX + self.kim.slug
        if self.district is not None:
            return DISTRICT_PREFIX + self.district.code
        return AREA_WHOLE

    @property
    def name(self) -> str:
        if self.kim is not None:
            return self.kim.name
        if self.district is not None:
            return region_display_name(region=self.district)
        return settings.PORTAL_REGION_NAME

    @property
    def is_whole(self) -> bool:
        return self.kim is None and self.district is None

    def wider(self) -> list["Area"]:
        """This area and the ones containing it, smallest first (the subscribe form's
        choices)."""
        areas = [self]
        if self.kim is not None:
            areas.append(Area(district=self.kim.district))
        if not self.is_whole:
            areas.append(Area())
        return areas


def area_parse(slug: str) -> Area:
    """The area a URL segment names; LookupError for anything else (a KIM not shown publicly,
    a district outside the portal's area)."""
    if slug == AREA_WHOLE:
        return Area()
    if slug.startswith(DISTRICT_PREFIX):
        district = region_find_in_area(code=slug.removeprefix(DISTRICT_PREFIX))
        if isinstance(district, District):
            return Area(district=district)
    elif slug.startswith(KIM_PREFIX):
        kim = (
            Kim.objects.public()
            .in_area()
            .select_related("district__regency", "village")
            .filter(slug=slug.removeprefix(KIM_PREFIX))
            .first()
        )
        if kim is not None:
            return Area(kim=kim)
    raise LookupError(slug)


def week_title(monday: date) -> str:
    """``23–29 November 2026``, ``30 November – 6 December 2026`` or ``29 December 2025 –
    4 January 2026``, in the active language."""
    from django.utils.formats import date_format

    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        first = date_format(monday, "j")
        return _("%(first)s–%(last)s") % {"first": first, "last": date_format(sunday, "j F Y")}
    first = date_format(monday, "j F" if monday.year == sunday.year else "j F Y")
    return _("%(first)s – %(last)s") % {"first": first, "last": date_format(sunday, "j F Y")}
