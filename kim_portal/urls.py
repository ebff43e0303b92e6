from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import urls as accounts_urls
from core import health, hemat, offline, outage, private_files, share_cards
from core.page_cache import public_page
from groups import urls as groups_urls
from kim_portal import views
from kim_portal.sitemaps import SITEMAPS
from news import urls as news_urls
from news.views import public as news_public
from regions import urls as regions_urls
from trainings.views import public as trainings_public

admin.site.site_header = "KIM Portal — Dinkominfo"
admin.site.site_title = "KIM Portal — Dinkominfo"
admin.site.index_title = _("Site administration")

urlpatterns = [
    # Answered by core.health.HealthCheckMiddleware before the host check; these
    # patterns name the addresses.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.healthz_live, name="healthz-live"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # The footer's data saver buttons (a cookie), from a page in any language.
    path("hemat-kuota/", hemat.hemat_toggle, name="hemat-kuota"),
    # Short links for WhatsApp messages (core.sharing.short_path), in no language prefix
    path("s/<str:code>", views.short_link, name="short-link"),
    path("s/<str:language>/<str:code>", views.short_link, name="short-link-language"),
    # Link-preview cards of things that may stop being public (core.share_cards)
    path("kartu/<str:code>/<str:filename>", share_cards.card_file, name="share-card"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path(
        "berkas/<slug:kind>/<int:pk>/<slug:field>/<str:filename>",
        private_files.private_file,
        name="private-file",
    ),
    path(
        "sitemap.xml",
        public_page(sitemaps_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemaps_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]


def _app_urls(app_urls, added):
    """An app's URLs with the ``added`` patterns of a floor above it, under the app's
    addresses and in its namespace (the member dashboard, the KIM activity report, the news
    bulletins of a KIM and of a district). They come first: ``aktivitas/`` before the KIM
    profile's ``<slug>/``."""
    return include(([*added, *app_urls.urlpatterns], app_urls.app_name))


urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("akun/", include("allauth.urls")),
    # The member area: its front page composes the apps, the rest is the accounts app's.
    path(
        "dasbor/",
        _app_urls(accounts_urls, [path("", views.DashboardView.as_view(), name="dashboard")]),
    ),
    path("wilayah/", _app_urls(regions_urls, news_urls.district_bulletin_urlpatterns)),
    path(
        "kim/",
        _app_urls(
            groups_urls,
            [
                path("aktivitas/", views.KimActivityView.as_view(), name="kim-activity"),
                *news_urls.kim_bulletin_urlpatterns,
            ],
        ),
    ),
    path("berita/", include("news.urls")),
    path("aspirasi/", include("aspirations.urls")),
    path("cari/", news_public.SearchView.as_view(), name="search"),
    path("privasi/", views.PrivacyView.as_view(), name="privacy"),
    path("offline/", offline.OfflineView.as_view(), name="offline"),
    path("pelatihan/", include("trainings.urls")),
    path("sertifikat/", trainings_public.certificate_lookup, name="certificate-lookup"),
    path("sertifikat/<str:code>/", trainings_public.certificate_verify, name="certificate-verify"),
    path("impor/", include("imports.urls")),
    path("ringkasan/", include("digests.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database outage met outside a view is a 503 too; allauth's rate limits answer this 429 page.
handler500 = outage.server_error
handler429 = outage.rate_limited
