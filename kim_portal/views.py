import logging

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from news.selectors import post_list_home
from regions.selectors import region_area_parts, region_area_root
from regions.views import region_child_kind
from trainings.selectors import training_list_home

logger = logging.getLogger(__name__)


@require_GET
def robots_txt(request):
    private = ["/admin/", "/akun/", "/dasbor/"]
    lines = ["User-agent: *"]
    for path in private:
        lines += [f"Disallow: {path}", f"Disallow: /en{path}"]
    lines.append(f"Disallow: {reverse('healthz')}")
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class HomeView(TemplateView):
    """Featured and latest news, upcoming trainings, and the parts of the area to jump to
    one's own."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        area = region_area_root()
        children = region_area_parts()
        return super().get_context_data(
            children=children,
            child_kind=region_child_kind(area),
            upcoming_trainings=training_list_home(),
            **post_list_home(),
            **kwargs,
        )


class PrivacyView(TemplateView):
    """The privacy policy (UU PDP): what is collected, why, who sees it, how long it is kept
    (the retention period staff set) and how to download or delete one's data."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        from aspirations.selectors import contact_retention_days

        return super().get_context_data(retention_days=contact_retention_days(), **kwargs)
