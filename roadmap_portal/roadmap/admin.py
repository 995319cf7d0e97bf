from django.contrib import admin

from .models import ReportJob, ReportSnapshot


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Issued reports are records: they are read here, never changed."""

    list_display = [
        "subject_title",
        "kind",
        "audience",
        "pages",
        "size",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "audience"]
    search_fields = ["subject_title", "subject_slug", "sha256"]
    readonly_fields = [field.name for field in ReportSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = [
        "subject_title",
        "kind",
        "audience",
        "state",
        "rows_done",
        "rows_total",
        "created_at",
        "heartbeat_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["subject_title", "subject_slug", "error"]
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
