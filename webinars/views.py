import zoneinfo

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View
from django_filters.views import FilterView

from roadmap_portal.accounts.membership import is_staff
from roadmap_portal.accounts.roles import CONSOLE_PERMISSION
from roadmap_portal.core.pagecache import public_page

from . import calendars, selectors, services
from .filters import WebinarFilter
from .forms import AttendanceConfirmForm, AttendanceUploadForm, RecordingForm, WebinarForm
from .imports import ImportRefused
from .models import AttendanceImport, ImportStatus, Series, Webinar


class StaffRequiredMixin(PermissionRequiredMixin):
    """Anonymous: to sign-in; signed in without ``access_console``: 403."""

    permission_required = CONSOLE_PERMISSION


@method_decorator(public_page, name="dispatch")
class WebinarListView(FilterView):
    filterset_class = WebinarFilter
    template_name = "webinars/webinar_list.html"
    context_object_name = "webinars"
    paginate_by = 20

    def get_queryset(self):
        return selectors.webinar_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_staff"] = is_staff(self.request.user)
        return context


def _webinar_for_page(slug: str) -> Webinar:
    return get_object_or_404(
        Webinar.objects.for_pages().select_related("series__organiser"), slug=slug
    )


@method_decorator(public_page, name="dispatch")
class WebinarDetailView(DetailView):
    template_name = "webinars/webinar_detail.html"
    context_object_name = "webinar"

    def get_object(self, queryset=None):
        return _webinar_for_page(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        webinar = self.object
        activity = webinar.activity
        user = self.request.user
        registration = selectors.own_registration(webinar, user)
        context["activity"] = activity
        context["registration"] = registration
        context["is_staff"] = is_staff(user)
        context["show_join_link"] = selectors.may_see_join_link(webinar, user, registration)
        context["partners"] = list(webinar.series.partners.all())
        context.update(self._times(activity))
        return context

    def _times(self, activity) -> dict:
        """The start in the webinar's zone and, when it differs, in the viewer's own."""
        if activity.starts_at is None:
            return {}
        webinar_zone = zoneinfo.ZoneInfo(activity.time_zone)
        viewer_zone_name = getattr(self.request.user, "time_zone", "") or ""
        viewer_zone = timezone.get_current_timezone() if viewer_zone_name else None
        times = {
            "webinar_zone": activity.time_zone,
            "local_start": timezone.localtime(activity.starts_at, webinar_zone),
            "local_end": timezone.localtime(activity.ends_at, webinar_zone)
            if activity.ends_at
            else None,
            "viewer_zone": viewer_zone_name,
        }
        times["webinar_offset"] = offset_label(times["local_start"])
        if viewer_zone is not None:
            viewer_start = timezone.localtime(activity.starts_at, viewer_zone)
            if viewer_start.utcoffset() != times["local_start"].utcoffset():
                times["viewer_start"] = viewer_start
                times["viewer_offset"] = offset_label(viewer_start)
                times["viewer_end"] = (
                    timezone.localtime(activity.ends_at, viewer_zone) if activity.ends_at else None
                )
        return times


def offset_label(moment) -> str:
    """A moment's UTC offset as people write it: "UTC+10", "UTC+5:30", "UTC"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class WebinarCalendarView(View):
    """``/webinars/<slug>.ics``: public, without the join link."""

    def get(self, request, slug):
        webinar = get_object_or_404(Webinar.objects.select_related("activity"), slug=slug)
        text = calendars.webinar_calendar(webinar)
        if text is None:
            raise Http404(_("This webinar has no date yet."))
        return _calendar_response(text, f"{webinar.slug}.ics")


class SeriesFeedView(View):
    """``/webinars/series/<slug>/feed.ics``: every dated webinar of the series, public."""

    def get(self, request, slug):
        series = get_object_or_404(Series, slug=slug)
        text = calendars.series_calendar(series, selectors.series_webinars(series))
        return _calendar_response(text, f"{series.slug}.ics")


# Secretariat pages ------------------------------------------------------------------------


class WebinarCreateView(StaffRequiredMixin, FormView):
    form_class = WebinarForm
    template_name = "webinars/webinar_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            webinar = services.create_webinar(
                series=data["series"],
                slug=data["slug"],
                title=data["title"],
                abstract=data["abstract"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
                language=data["language"],
                platform=data["platform"],
                join_url=data["join_url"],
                online_capacity=data["online_capacity"],
                speakers=list(data["speakers"]),
                sdgs=list(data["sdgs"]),
                by=self.request.user,
            )
        except services.WebinarRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The webinar is published."))
        return redirect(webinar)


class StaffWebinarMixin(StaffRequiredMixin):
    """A secretariat page about one webinar, found by its slug."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.webinar = _webinar_for_page(kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["webinar"] = self.webinar
        return context


class WebinarUpdateView(StaffWebinarMixin, FormView):
    form_class = WebinarForm
    template_name = "webinars/webinar_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "webinar": self.webinar}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            webinar = services.update_webinar(
                webinar=self.webinar,
                by=self.request.user,
                series=data["series"],
                slug=data["slug"],
                title=data["title"],
                abstract=data["abstract"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
                language=data["language"],
                platform=data["platform"],
                join_url=data["join_url"],
                online_capacity=data["online_capacity"],
                speakers=list(data["speakers"]),
                sdgs=list(data["sdgs"]),
            )
        except services.WebinarRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The webinar is saved."))
        return redirect(webinar)


class WebinarCancelView(StaffWebinarMixin, DetailView):
    template_name = "webinars/webinar_cancel.html"
    context_object_name = "webinar"

    def get_object(self, queryset=None):
        return self.webinar

    def post(self, request, *args, **kwargs):
        try:
            services.cancel_webinar(webinar=self.webinar, by=request.user)
        except services.WebinarRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The webinar is cancelled; its registrants are told."))
        return redirect(self.webinar)


class RecordingUpdateView(StaffWebinarMixin, FormView):
    form_class = RecordingForm
    template_name = "webinars/recording_form.html"

    def get_initial(self):
        return {"recording_url": self.webinar.recording_url}

    def form_valid(self, form):
        url = form.cleaned_data["recording_url"]
        if not url:
            services.withdraw_recording(webinar=self.webinar, by=self.request.user)
            messages.success(self.request, _("The recording is taken down."))
            return redirect(self.webinar)
        first_time = self.webinar.recording_published_at is None
        try:
            services.publish_recording(
                webinar=self.webinar, recording_url=url, by=self.request.user
            )
        except services.WebinarRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        if first_time:
            messages.success(self.request, _("The recording is published; registrants are told."))
        else:
            messages.success(self.request, _("The recording link is saved."))
        return redirect(self.webinar)


class AttendanceUploadView(StaffWebinarMixin, FormView):
    form_class = AttendanceUploadForm
    template_name = "webinars/attendance_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attendance"] = list(selectors.attendance_rows(self.webinar))
        context["imports"] = AttendanceImport.objects.filter(webinar=self.webinar).select_related(
            "uploaded_by", "confirmed_by"
        )[:10]
        context["threshold"] = services.attendance_threshold(self.webinar)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            attendance_import = services.preview_attendance_import(
                webinar=self.webinar,
                data=upload.read(),
                file_name=upload.name,
                by=self.request.user,
            )
        except ImportRefused as refusal:
            form.add_error("file", refusal.message)
            return self.form_invalid(form)
        return redirect(
            "webinars:attendance_preview", slug=self.webinar.slug, token=attendance_import.token
        )


class AttendancePreviewView(StaffWebinarMixin, FormView):
    """The preview of an upload (GET) and its confirmation (POST)."""

    form_class = AttendanceConfirmForm
    template_name = "webinars/attendance_preview.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.webinar = _webinar_for_page(kwargs["slug"])
        self.attendance_import = get_object_or_404(
            AttendanceImport.objects.select_related("uploaded_by"),
            webinar=self.webinar,
            token=kwargs["token"],
        )
        return super(StaffWebinarMixin, self).dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendance_import = self.attendance_import
        context["import"] = attendance_import
        context["summary"] = attendance_import.summary
        context["is_open"] = (
            attendance_import.status == ImportStatus.PREVIEWED
            and attendance_import.expires_at > timezone.now()
        )
        return context

    def form_valid(self, form):
        try:
            services.confirm_attendance_import(
                attendance_import=self.attendance_import,
                by=self.request.user,
                keep_unmatched=form.cleaned_data["keep_unmatched"],
            )
        except ImportRefused as refusal:
            messages.error(self.request, refusal.message)
            return redirect("webinars:attendance_upload", slug=self.webinar.slug)
        messages.success(self.request, _("The attendance is recorded."))
        return redirect(reverse("webinars:attendance_upload", kwargs={"slug": self.webinar.slug}))
