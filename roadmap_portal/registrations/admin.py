from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, Invitation, Registration


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_at", "country", "status", "access"]
    list_filter = ["kind", "status", "access", "country"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    """Superusers' view of the table; the engine in services.py decides registrations."""

    list_display = ["person", "activity", "organisation", "mode", "role", "status", "requested_at"]
    list_filter = ["status", "mode", "role", "activity__kind"]
    search_fields = ["person__search_text", "organisation__search_text", "activity__title"]
    raw_id_fields = ["activity", "person", "organisation", "registered_by"]
    list_select_related = ["person", "activity", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "activity", "status", "invited_at", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "organisation", "invited_by", "answered_by"]
