from django.urls import path

from news.views import bulletin
from regions import views

app_name = "regions"

urlpatterns = [
    path("", views.RegionView.as_view(), name="region-list"),
    path("<str:code>/", views.RegionView.as_view(), name="region-detail"),
    path(
        "<str:code>/buletin/<str:period>/<str:paper>.pdf",
        bulletin.district_bulletin,
        name="district-bulletin",
    ),
]
