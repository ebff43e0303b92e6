"""The KIM blocks other apps' pages show, each fetching its own KIMs: a village's KIMs
(``{% village_kims village %}``) on the village's page."""

from django import template

from groups.selectors import kim_list_for_village

register = template.Library()


@register.inclusion_tag("groups/partials/_village_kims.html")
def village_kims(village):
    return {"kims": kim_list_for_village(village=village)}
