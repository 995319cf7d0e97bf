"""The admin site: for superusers. Staff work on the training pages, through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Certificate, Cohort, CohortSession, Course, Module, SessionAttendance


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers"]
    inlines = [ModuleInline]


class SessionInline(admin.TabularInline):
    model = CohortSession
    extra = 0
    fields = ["module", "title", "starts_at", "ends_at"]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    """Cohorts are created on /training/cohorts/new/, which also sets up their activity."""

    list_display = ["title", "course", "slug", "completion_threshold_percent"]
    list_select_related = ["course", "activity"]
    readonly_fields = ["activity"]
    filter_horizontal = ["eligible_countries"]
    inlines = [SessionInline]

    def has_add_permission(self, request):
        return False


@admin.register(SessionAttendance)
class SessionAttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["session", "registration", "present", "recorded_by", "recorded_at"]
    list_filter = ["present"]
    list_select_related = ["session__module", "registration__person", "recorded_by"]
    raw_id_fields = ["session", "registration", "recorded_by"]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    """Read-only: certificates are issued by completion and revoked on their page."""

    list_display = ["code", "registration", "issued_at", "revoked_at"]
    list_select_related = ["registration__person", "registration__activity"]
    search_fields = ["code", "registration__person__search_text"]
    readonly_fields = [
        "registration",
        "code",
        "issued_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
