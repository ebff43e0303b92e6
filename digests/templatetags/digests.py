"""``{% digest_box kim=kim %}`` / ``{% digest_box district=district %}`` / ``{% digest_box %}``:
the link to the last week's digest and the subscribe form, for the KIM profile, the district
page and the home page (no query: the last finished week is a date)."""

from django import template

from digests.forms import SubscribeForm
from digests.periods import Area, week_label, week_last_finished, week_title

register = template.Library()


@register.inclusion_tag("digests/partials/_box.html", takes_context=True)
def digest_box(context, kim=None, district=None, subscribe=True):
    area = Area(kim=kim, district=district)
    monday = week_last_finished()
    return {
        "area": area,
        "week": week_label(monday),
        "week_title": week_title(monday),
        "subscribe": subscribe,
        "subscribe_form": SubscribeForm(initial={"area": area.slug}),
        "subscribe_areas": area.wider(),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
