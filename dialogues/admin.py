from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaSession, Convening, StrategicAction


class StrategicActionInline(admin.StackedInline):
    model = StrategicAction
    extra = 0


class AgendaSessionInline(admin.StackedInline):
    model = AgendaSession
    extra = 0
    autocomplete_fields = ["moderators", "speakers"]


@admin.register(Convening)
class ConveningAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "year", "host_country", "city"]
    list_filter = ["kind", "year", "host_country"]
    search_fields = ["title", "slug", "city"]
    raw_id_fields = ["activity"]
    autocomplete_fields = ["organised_by", "report_prepared_by"]
    inlines = [StrategicActionInline, AgendaSessionInline]
