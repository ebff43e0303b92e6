"""Public news pages. Being written."""

from django.http import Http404
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        raise Http404


PostListView = PostDetailView = SearchView = _Stub
