from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("profil/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("data-saya/", views.DataExportView.as_view(), name="data-export"),
    path("hapus-akun/", views.AccountDeleteView.as_view(), name="account-delete"),
]
