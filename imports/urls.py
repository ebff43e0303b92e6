from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("<uuid:pk>/", views.ImportJobDetailView.as_view(), name="job-detail"),
    path("<uuid:pk>/status/", views.ImportJobStatusView.as_view(), name="job-status"),
    path("<uuid:pk>/konfirmasi/", views.ImportJobConfirmView.as_view(), name="job-confirm"),
    path("<uuid:pk>/batal/", views.ImportJobCancelView.as_view(), name="job-cancel"),
]
