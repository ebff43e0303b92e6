"""Lists filtered from the query string are filtered one way: a django-filter ``FilterSet`` in
the app's ``filters.py`` (``groups.filters``, ``news.filters``, ``aspirations.filters``), whose
form the page renders and whose ``qs`` the view lists."""

import django_filters


class StrictFilterSet(django_filters.FilterSet):
    """A filter set that lists nothing when a value is not one it knows (an old link, an
    address typed by hand), rather than dropping that filter and listing everything."""

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs
