import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from core.page_cache import public_page
from core.sharing import short_link_target
from groups.permissions import RoleRequiredMixin, can_write_post, is_dinkominfo_staff
from groups.selectors import membership_list_for_user
from kim_portal.selectors import kim_activity_list
from news.selectors import post_count_waiting_for_review, post_list_home
from regions.selectors import region_area_parts, region_area_root
from regions.views import region_child_kind
from trainings.selectors import registration_list_for_user, training_list_home

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


@require_GET
def short_link(request, code, language=None):
    """A short link (``core.sharing.short_path``) sends the reader to the page it names,
    in its language; anything not public, or not there, is a 404. A temporary redirect: the
    page's address may change with its slug, the short link does not."""
    languages = dict(settings.LANGUAGES)
    if language is not None and (language == settings.LANGUAGE_CODE or language not in languages):
        raise Http404
    target = short_link_target(code)
    if target is None:
        raise Http404
    with translation.override(language or settings.LANGUAGE_CODE):
        return redirect(target.get_absolute_url())


@public_page
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


class DashboardView(LoginRequiredMixin, TemplateView):
    """The member area: a person's own account, KIMs, posts, trainings and certificates."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = membership_list_for_user(user=user)
        staff = is_dinkominfo_staff(user)
        return super().get_context_data(
            memberships=memberships,
            registrations=registration_list_for_user(user=user),
            is_dinkominfo_staff=staff,
            pending_post_count=post_count_waiting_for_review() if staff else None,
            # Members of an active KIM, and staff, write news.
            can_write_news=can_write_post(user, None)
            or any(can_write_post(user, membership.kim) for membership in memberships),
            **kwargs,
        )


@public_page
class PrivacyView(TemplateView):
    """The privacy policy (UU PDP): what is collected, why, who sees it, how long it is kept
    (the retention period staff set) and how to download or delete one's data."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        from aspirations.selectors import contact_retention_days
        from digests.services import CONFIRM_DAYS

        return super().get_context_data(
            retention_days=contact_retention_days(),
            digest_confirm_days=CONFIRM_DAYS,
            **kwargs,
        )


class KimActivityView(RoleRequiredMixin, ListView):
    """Dinkominfo staff see which KIMs are active and which have gone quiet."""

    template_name = "kim_activity.html"
    context_object_name = "kims"
    paginate_by = 50
    quiet_days = 90
    permission = staticmethod(is_dinkominfo_staff)

    def get_queryset(self):
        self.only_quiet = self.request.GET.get("sepi") == "1"
        this_year = timezone.localdate().year
        year = self.request.GET.get("tahun", "")
        self.trained_year = int(year) if year.isdigit() and 2000 <= int(year) <= this_year else None
        return kim_activity_list(
            quiet_days=self.quiet_days if self.only_quiet else None,
            trained_year=self.trained_year,
        )

    def get_context_data(self, **kwargs):
        this_year = timezone.localdate().year
        year = self.trained_year or this_year
        query = {"sepi": "1"} if self.only_quiet else {}
        if self.trained_year:
            query["tahun"] = str(self.trained_year)
        return super().get_context_data(
            only_quiet=self.only_quiet,
            quiet_days=self.quiet_days,
            quiet_since=timezone.now() - timedelta(days=self.quiet_days),
            trained_year=year,
            other_trained_year=this_year if year != this_year else this_year - 1,
            query_string=urlencode(query),
            **kwargs,
        )
