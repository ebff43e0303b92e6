from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("", views.RegionView.as_view(), name="region-list"),
    path("<str:code>/", views.RegionView.as_view(), name="region-detail"),
]
