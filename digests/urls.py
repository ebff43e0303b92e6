from django.urls import path

from digests import feeds, views

app_name = "digests"

urlpatterns = [
    path("langganan/", views.subscribe, name="subscribe"),
    path("langganan/konfirmasi/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<str:area>/", views.digest_latest, name="digest-latest"),
    path("<str:area>/feed/", feeds.DigestFeed(), name="feed"),
    path("<str:area>/<str:week>/", views.digest_detail, name="digest"),
]
