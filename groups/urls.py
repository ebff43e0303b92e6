from django.urls import path

from groups.views import coverage, manage, public

app_name = "groups"

urlpatterns = [
    *(
        path(
            f"cakupan/{region}unduh.{fmt}",
            coverage.CoverageDownloadView.as_view(fmt=fmt),
            name=name,
        )
        for fmt in ("csv", "xlsx")
        for region, name in (("", f"coverage-{fmt}"), ("<str:code>/", f"coverage-region-{fmt}"))
    ),
    path("", public.KimListView.as_view(), name="kim-list"),
    path("cakupan/", coverage.CoverageView.as_view(), name="coverage"),
    path("cakupan/<str:code>/", coverage.CoverageView.as_view(), name="coverage-region"),
    path("<slug:slug>/", public.KimDetailView.as_view(), name="kim-detail"),
    path("<slug:slug>/gabung/", public.MembershipRequestView.as_view(), name="membership-request"),
    path("<slug:slug>/kelola/", manage.KimManageView.as_view(), name="kim-manage"),
    path(
        "<slug:slug>/kelola/profil/",
        manage.KimProfileUpdateView.as_view(),
        name="kim-profile-update",
    ),
    path(
        "<slug:slug>/kelola/anggota/<int:pk>/<str:action>/",
        manage.MembershipDecisionView.as_view(),
        name="membership-decide",
    ),
    path("<slug:slug>/status/", manage.KimStatusChangeView.as_view(), name="kim-status"),
    path("<slug:slug>/keluar/", manage.MembershipLeaveView.as_view(), name="membership-leave"),
]
