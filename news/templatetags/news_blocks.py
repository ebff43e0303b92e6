"""The news blocks other apps' pages show, each fetching its own posts: a KIM's latest news
(``{% kim_news kim %}``), a village's (``{% village_news village %}``) and the printable
bulletin's links (``{% bulletin_links kim=kim %}`` or ``district=district``). The KIM profile
and the region pages thus show news without their views knowing about posts."""

from django import template

from news.bulletin import bulletin_months_recent
from news.selectors import post_list_for_kim, post_list_for_village

register = template.Library()


@register.inclusion_tag("news/partials/_kim_news.html", takes_context=True)
def kim_news(context, kim):
    return {"kim": kim, "posts": post_list_for_kim(kim=kim), "hemat": context.get("hemat")}


@register.inclusion_tag("news/partials/_village_news.html", takes_context=True)
def village_news(context, village):
    return {"posts": post_list_for_village(village=village), "hemat": context.get("hemat")}


@register.inclusion_tag("news/partials/_bulletin_links.html")
def bulletin_links(kim=None, district=None):
    return {"kim": kim, "district": district, "months": bulletin_months_recent()}
