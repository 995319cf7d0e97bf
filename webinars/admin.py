from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import AttendanceImport, Series, Webinar, WebinarAttendance, WebinarSpeaker


@admin.register(Series)
class SeriesAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "organiser"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser", "partners"]


class WebinarSpeakerInline(admin.TabularInline):
    model = WebinarSpeaker
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Webinar)
class WebinarAdmin(SimpleHistoryAdmin):
    """Read and correct; times, seats and cancellation go through the webinar's own pages,
    whose services keep the calendars' SEQUENCE and the engine's waitlist right."""

    list_display = ["title", "series", "language", "platform", "sequence"]
    list_filter = ["series", "language", "platform"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["activity"]
    readonly_fields = ["activity", "sequence", "recording_url", "recording_published_at"]
    filter_horizontal = ["sdgs"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [WebinarSpeakerInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.WEBINAR_FIELDS
        }
        services.update_webinar(webinar=obj, by=request.user, **changes)


@admin.register(AttendanceImport)
class AttendanceImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "webinar", "status", "uploaded_at", "uploaded_by"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in AttendanceImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(WebinarAttendance)
class WebinarAttendanceAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "webinar", "minutes", "attended"]
    list_filter = ["attended", "webinar"]
    search_fields = ["email", "name"]
    raw_id_fields = ["registration", "person", "source_import"]
