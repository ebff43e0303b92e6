from django.urls import path

from aspirations.views import handle, public

app_name = "aspirations"

urlpatterns = [
    path("", public.PublicListView.as_view(), name="public-list"),
    path("kirim/", public.SubmissionCreateView.as_view(), name="submit"),
    path("laporkan-hoaks/", public.HoaxReportCreateView.as_view(), name="report-hoax"),
    path("terkirim/", public.SubmissionSentView.as_view(), name="sent"),
    path("lacak/", public.TrackView.as_view(), name="track"),
    path("saya/", public.MySubmissionsView.as_view(), name="mine"),
    # The office (OPD) a submission was forwarded to, by the signed link emailed to it
    path("opd/<str:token>/", public.OpdAnswerView.as_view(), name="opd-answer"),
    path("<int:pk>/", public.PublicDetailView.as_view(), name="public-detail"),
    path("<int:pk>/whatsapp/", public.PublicWhatsAppView.as_view(), name="public-whatsapp"),
    # KIM managers of the village and Dinkominfo staff
    path("kelola/", handle.QueueView.as_view(), name="queue"),
    path("kelola/<int:pk>/", handle.HandleDetailView.as_view(), name="handle-detail"),
    path("kelola/<int:pk>/<str:action>/", handle.HandleActionView.as_view(), name="handle-action"),
    path("statistik/", handle.StatisticsView.as_view(), name="statistics"),
]
