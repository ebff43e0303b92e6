"""A spreadsheet import's page: progress while the worker runs it (a bar that a small script
updates from the status URL, or a refresh without JavaScript), then the preview to confirm, the
result, or the bad rows. Staff who may import that kind see it; anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from imports.models import ImportJob
from imports.registry import IMPORTERS
from imports.services import can_view_import_job, import_job_cancel, import_job_confirm


def rows_text(job: ImportJob) -> str:
    return _("%(done)s of %(total)s rows") % {"done": job.rows_done, "total": job.rows_total}


def phase_text(job: ImportJob) -> str:
    if job.status == ImportJob.Status.QUEUED:
        return _("Waiting for the background worker…")
    if not job.rows_total:
        return _("Reading the file…")
    if job.dry_run:
        return _("Checking the file…")
    return _("Importing…")


class ImportJobAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.job = (
            ImportJob.objects.without_file()
            .select_related("training", "created_by")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if self.job is None or not can_view_import_job(request.user, self.job):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ImportJobDetailView(ImportJobAccessMixin, TemplateView):
    template_name = "imports/job_detail.html"

    def get_context_data(self, **kwargs):
        job = self.job
        result = job.result or {}
        importer = IMPORTERS[job.kind]
        back_url, back_label, again_url = importer.links(job)
        return super().get_context_data(
            job=job,
            back_url=back_url,
            back_label=back_label,
            again_url=again_url,
            phase=phase_text(job),
            rows_text=rows_text(job),
            rows_template=_("%(done)s of %(total)s rows"),
            summary=importer.summary(result) if job.status == ImportJob.Status.DONE else "",
            errors=result.get("errors", []),
            bad_rows=result.get("bad_rows", len(result.get("errors", []))),
            preview=result.get("preview", []),
            totals=result.get("totals", {}),
            **kwargs,
        )


class ImportJobStatusView(ImportJobAccessMixin, View):
    """The progress as JSON, polled by static/js/import-progress.js."""

    def get(self, request, pk):
        job = self.job
        return JsonResponse(
            {
                "status": job.status,
                "active": job.is_active,
                "phase": phase_text(job),
                "rows_done": job.rows_done,
                "rows_total": job.rows_total,
                "percent": job.percent,
                "rows_text": rows_text(job),
            },
            headers={"Cache-Control": "no-store"},
        )


class ImportJobConfirmView(ImportJobAccessMixin, View):
    http_method_names = ["post"]
    service = staticmethod(import_job_confirm)

    def post(self, request, pk):
        try:
            self.service(job=self.job, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        return redirect(self.job)


class ImportJobCancelView(ImportJobConfirmView):
    service = staticmethod(import_job_cancel)
