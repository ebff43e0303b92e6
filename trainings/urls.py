from django.urls import path

from trainings.views import member, public, staff

app_name = "trainings"

urlpatterns = [
    path("", public.TrainingListView.as_view(), name="training-list"),
    path("kalender.ics", public.TrainingCalendarFeedView.as_view(), name="calendar-feed"),
    path("kelola/", staff.TrainingStaffListView.as_view(), name="staff-list"),
    path("kelola/baru/", staff.TrainingCreateView.as_view(), name="training-create"),
    path("kelola/contoh-peserta.csv", staff.ImportTemplateView.as_view(), name="import-template"),
    # A participant's own ticket
    path("tiket/<str:code>/", member.TicketView.as_view(), name="ticket"),
    path("tiket/<str:code>/batal/", member.RegistrationCancelView.as_view(), name="cancel"),
    path(
        "tiket/<str:code>/sertifikat/",
        member.CertificateDownloadView.as_view(),
        name="certificate",
    ),
    # Staff: where a ticket's QR code leads
    path("cek/<str:code>/", staff.CheckInView.as_view(), name="check-in"),
    path("<slug:slug>/", public.TrainingDetailView.as_view(), name="training-detail"),
    path("<slug:slug>/whatsapp/", public.TrainingWhatsAppView.as_view(), name="training-whatsapp"),
    path("<slug:slug>/kalender.ics", public.TrainingIcsView.as_view(), name="training-ics"),
    path(
        "<slug:slug>/materi/<int:pk>/",
        public.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path("<slug:slug>/daftar/", member.RegisterView.as_view(), name="register"),
    # Staff
    path("<slug:slug>/kelola/", staff.TrainingManageView.as_view(), name="training-manage"),
    path("<slug:slug>/kelola/selesai/", staff.TrainingFinishView.as_view(), name="finish"),
    path("<slug:slug>/kelola/ubah/", staff.TrainingUpdateView.as_view(), name="training-edit"),
    path("<slug:slug>/kelola/agenda/", staff.AgendaView.as_view(), name="agenda"),
    path(
        "<slug:slug>/kelola/agenda/<str:kind>/<int:pk>/hapus/",
        staff.AgendaDeleteView.as_view(),
        name="agenda-delete",
    ),
    path(
        "<slug:slug>/kelola/status/<str:to>/",
        staff.TrainingStatusView.as_view(),
        name="training-status",
    ),
    path(
        "<slug:slug>/kelola/peserta/tambah/",
        staff.ParticipantAddView.as_view(),
        name="participant-add",
    ),
    path(
        "<slug:slug>/kelola/peserta/impor/",
        staff.ParticipantImportView.as_view(),
        name="participant-import",
    ),
    path("<slug:slug>/hadir/<str:day>/", staff.AttendanceDayView.as_view(), name="attendance"),
    path(
        "<slug:slug>/hadir/<str:day>/datang-langsung/",
        staff.WalkInView.as_view(),
        name="walk-in",
    ),
    path(
        "<slug:slug>/kelola/tunggu/<int:pk>/beri-kursi/",
        staff.SeatGiveView.as_view(),
        name="seat-give",
    ),
    path(
        "<slug:slug>/daftar-hadir/<str:day>/",
        staff.AttendanceSheetView.as_view(),
        name="attendance-sheet",
    ),
    path(
        "<slug:slug>/ekspor/<str:kind>.<str:fmt>",
        staff.TrainingExportView.as_view(),
        name="export",
    ),
]
