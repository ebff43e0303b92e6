from django.urls import path

from accounts import views

app_name = "accounts"

# The member area's front page ("accounts:dashboard", /dasbor/) shows every app, so it lives on
# the top floor: kim_portal.urls adds it to this namespace.
urlpatterns = [
    path("profil/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("data-saya/", views.DataExportView.as_view(), name="data-export"),
    path("hapus-akun/", views.AccountDeleteView.as_view(), name="account-delete"),
]
