"""RSS 2.0 feed of an area's weekly digests: one entry per built week that had something."""

import copy

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digests.models import Digest
from digests.periods import Area, area_parse, week_label, week_title

FEED_LENGTH = 20


class DigestFeed(Feed):
    language = "id"

    def get_object(self, request, area):
        try:
            self._area = area_parse(area)
        except LookupError as err:
            raise Http404 from err
        return self._area

    def title(self, obj: Area):
        return _("Weekly digest of %(area)s") % {"area": obj.name}

    def description(self, obj: Area):
        return _(
            "Each week's news, fact checks, trainings and answered aspirations of %(area)s."
        ) % {"area": obj.name}

    def link(self, obj: Area):
        return reverse("digests:digest-latest", kwargs={"area": obj.slug})

    def feed_url(self, obj: Area):
        return reverse("digests:feed", kwargs={"area": obj.slug})

    def items(self, obj: Area):
        return list(
            Digest.objects.filter(kim=obj.kim, district=obj.district)
            .select_related("week")
            .order_by("-week__week_start")[:FEED_LENGTH]
        )

    def item_title(self, item: Digest):
        return week_title(item.week.week_start)

    def item_description(self, item: Digest):
        parts = []
        if item.post_count:
            parts.append(
                ngettext("%(n)d post", "%(n)d posts", item.post_count) % {"n": item.post_count}
            )
        if item.fact_check_count:
            parts.append(
                ngettext("%(n)d fact check", "%(n)d fact checks", item.fact_check_count)
                % {"n": item.fact_check_count}
            )
        if item.training_count:
            parts.append(
                ngettext("%(n)d training", "%(n)d trainings", item.training_count)
                % {"n": item.training_count}
            )
        if item.aspiration_count:
            parts.append(
                ngettext(
                    "%(n)d answered aspiration", "%(n)d answered aspirations", item.aspiration_count
                )
                % {"n": item.aspiration_count}
            )
        return ", ".join(parts)

    def item_link(self, item: Digest):
        area = self._area
        return reverse(
            "digests:digest", kwargs={"area": area.slug, "week": week_label(item.week.week_start)}
        )

    def item_pubdate(self, item: Digest):
        return item.built_at

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request; each request keeps its area on a copy.
        feed = copy.copy(self)
        return Feed.__call__(feed, request, *args, **kwargs)
