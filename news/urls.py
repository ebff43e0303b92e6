from django.urls import path

from news import feeds
from news.views import bulletin, moderate, public, write

app_name = "news"

urlpatterns = [
    path("", public.PostListView.as_view(), name="post-list"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/kim/<slug:slug>/", feeds.KimPostsFeed(), name="feed-kim"),
    path("feed/kecamatan/<str:code>/", feeds.DistrictPostsFeed(), name="feed-district"),
    # Member area: writing
    path("saya/", write.PostMineView.as_view(), name="post-mine"),
    path("tulis/", write.PostCreateView.as_view(), name="post-create"),
    path("<slug:slug>/ubah/", write.PostUpdateView.as_view(), name="post-update"),
    path("<slug:slug>/foto/", write.PhotoAddView.as_view(), name="photo-add"),
    path("<slug:slug>/foto/<int:pk>/hapus/", write.PhotoRemoveView.as_view(), name="photo-remove"),
    path("<slug:slug>/ajukan/", write.PostSubmitView.as_view(), name="post-submit"),
    # Dinkominfo: review
    path("moderasi/", moderate.ModerationQueueView.as_view(), name="moderation-queue"),
    path("<slug:slug>/tinjau/", moderate.PostReviewView.as_view(), name="post-review"),
    path(
        "<slug:slug>/tinjau/<str:action>/",
        moderate.PostModerateView.as_view(),
        name="post-moderate",
    ),
    path("<slug:slug>/", public.PostDetailView.as_view(), name="post-detail"),
    path("<slug:slug>/whatsapp/", public.PostWhatsAppView.as_view(), name="post-whatsapp"),
]

# The printable bulletins sit under the KIM's and the district's own addresses and keep their
# names there: kim_portal/urls.py adds these to the groups (/kim/) and regions (/wilayah/) URLs.
kim_bulletin_urlpatterns = [
    path(
        "<slug:slug>/buletin/<str:period>/<str:paper>.pdf",
        bulletin.kim_bulletin,
        name="kim-bulletin",
    ),
]
district_bulletin_urlpatterns = [
    path(
        "<str:code>/buletin/<str:period>/<str:paper>.pdf",
        bulletin.district_bulletin,
        name="district-bulletin",
    ),
]
