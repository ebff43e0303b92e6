from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("", views.DistrictListView.as_view(), name="district-list"),
    path("<str:code>/", views.DistrictDetailView.as_view(), name="district-detail"),
]
