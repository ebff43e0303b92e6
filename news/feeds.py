"""RSS feeds. Being written."""

from django.http import Http404


class _StubFeed:
    def __call__(self, request, *args, **kwargs):
        raise Http404


LatestPostsFeed = KimPostsFeed = DistrictPostsFeed = _StubFeed
