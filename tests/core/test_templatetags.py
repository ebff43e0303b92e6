import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from core.templatetags.portal import html_datetime


def test_html_datetime_is_local_time_to_the_second_without_microseconds(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    moment = datetime.datetime(2026, 12, 4, 14, 12, 6, 819476, tzinfo=datetime.UTC)

    assert html_datetime(moment) == "2026-12-04T21:12:06+07:00"
    assert html_datetime(datetime.date(2026, 12, 4)) == "2026-12-04"
    assert html_datetime(None) == ""
    rendered = Template('{% load portal %}<time datetime="{{ t|html_datetime }}">').render(
        Context({"t": moment.astimezone(ZoneInfo("Asia/Jakarta"))})
    )
    assert rendered == '<time datetime="2026-12-04T21:12:06+07:00">'
