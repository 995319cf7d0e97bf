"""Staff pages for reports: the index, each report's export page, the HTML preview, the job
progress page and the permission-checked download of stored snapshots."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from roadmap_portal.accounts.roles import CONSOLE_PERMISSION
from roadmap_portal.core import reports

from . import report_services
from .models import ReportJob, ReportSnapshot
from .report_forms import ExportForm

logger = logging.getLogger(__name__)

# A job page refreshes itself this often (seconds) until the job is stored or failed.
PROGRESS_REFRESH_SECONDS = 2
RECENT = 10


class StaffOnlyMixin(PermissionRequiredMixin):
    """Anonymous -> sign-in; signed in without ``access_console`` -> 403 (DESIGN.md)."""

    permission_required = CONSOLE_PERMISSION


class ReportSubjectMixin:
    """Resolves ``kind`` and ``slug`` from the URL; an unknown one is a 404. Listed after
    ``StaffOnlyMixin``, so the permission is checked first and nothing leaks to others."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.kind = reports.get_kind(kwargs["kind"])
            self.subject = reports.find_subject(self.kind, kwargs["slug"])
        except reports.ReportError as error:
            raise Http404(str(error)) from error
        return super().dispatch(request, *args, **kwargs)


class ReportIndexView(StaffOnlyMixin, TemplateView):
    template_name = "roadmap/report_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = [(kind, kind.subjects()) for kind in reports.report_kinds()]
        context["recent_snapshots"] = ReportSnapshot.objects.select_related("created_by")[:RECENT]
        context["unfinished_jobs"] = ReportJob.objects.unfinished()[:RECENT]
        return context


class ReportExportView(StaffOnlyMixin, ReportSubjectMixin, FormView):
    """The export page of one report: choose the version, export, find earlier snapshots."""

    template_name = "roadmap/report_export.html"
    form_class = ExportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.kind.count_rows(self.subject)
        context.update(
            kind=self.kind,
            subject=self.subject,
            rows=rows,
            threshold=report_services.row_threshold(),
            runs_as_job=rows > report_services.row_threshold(),
            audiences=reports.Audience.choices,
            snapshots=ReportSnapshot.objects.filter(
                kind=self.kind.key, subject_slug=self.subject.slug
            ).select_related("created_by")[:RECENT],
            jobs=ReportJob.objects.for_subject(self.kind.key, self.subject.slug)[:RECENT],
        )
        return context

    def form_valid(self, form):
        try:
            issued = report_services.request_report(
                kind_key=self.kind.key,
                subject_slug=self.subject.slug,
                audience=form.cleaned_data["audience"],
                by=self.request.user,
            )
        except reports.ReportError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if isinstance(issued, ReportJob):
            messages.info(
                self.request,
                _("The report is large: it is being made in the background."),
            )
            return HttpResponseRedirect(reverse("reports:job_detail", args=[issued.pk]))
        return HttpResponseRedirect(reverse("reports:snapshot_download", args=[issued.pk]))


class ReportPreviewView(StaffOnlyMixin, ReportSubjectMixin, View):
    """The report's own template as HTML: the same content the PDF prints."""

    def get(self, request, *args, **kwargs):
        audience = request.GET.get("version", reports.Audience.PUBLIC)
        if audience not in reports.Audience.values:
            raise Http404(_("There is no such version of a report."))
        gathered = reports.gather(self.kind, self.subject, audience=audience)
        return HttpResponse(reports.render_html(gathered, preview=True))


class ReportJobDetailView(StaffOnlyMixin, DetailView):
    template_name = "roadmap/report_job.html"
    context_object_name = "job"
    queryset = ReportJob.objects.select_related("snapshot", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh_seconds"] = PROGRESS_REFRESH_SECONDS
        context["export_url"] = reverse(
            "reports:export", args=[self.object.kind, self.object.subject_slug]
        )
        return context


class SnapshotDownloadView(StaffOnlyMixin, View):
    """Stream a stored snapshot, exactly as issued, to staff only."""

    def get(self, request, pk):
        snapshot = get_object_or_404(ReportSnapshot, pk=pk)
        try:
            content = report_services.read_snapshot(snapshot=snapshot)
        except FileNotFoundError as error:
            logger.error("reports: the file of snapshot %s is missing", snapshot.pk)
            raise Http404(_("The stored file of this report is missing.")) from error
        except report_services.SnapshotDamaged as error:
            logger.error("reports: snapshot %s does not match its checksum", snapshot.pk)
            return HttpResponse(str(error), status=500, content_type="text/plain; charset=utf-8")
        response = HttpResponse(content, content_type="application/pdf")
        filename = report_services.snapshot_filename(snapshot)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
