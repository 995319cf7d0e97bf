from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Affiliation,
    AffiliationRequest,
    Country,
    Organisation,
    Person,
    TaskForceMembership,
    TaskForcePosition,
)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "time_zone", "is_region"]
    list_filter = ["group"]
    search_fields = ["code", "name"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["person", "organisation"]


class MembershipInline(admin.TabularInline):
    model = TaskForceMembership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "country", "kind", "is_asec_member", "approved"]
    list_filter = ["approved", "is_asec_member", "kind", "country__group", "country"]
    search_fields = ["name", "acronym", "search_text"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, AffiliationInline]


class PositionInline(admin.TabularInline):
    model = TaskForcePosition
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "name_latin", "gender", "listed_publicly", "user"]
    list_filter = ["listed_publicly", "gender"]
    search_fields = ["name", "name_latin", "search_text", "email"]
    raw_id_fields = ["user"]
    inlines = [AffiliationInline, PositionInline]


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "organisation", "position", "started", "ended", "is_focal_point"]
    list_filter = ["is_focal_point"]
    search_fields = ["person__search_text", "organisation__search_text"]
    autocomplete_fields = ["person", "organisation"]


@admin.register(TaskForceMembership)
class TaskForceMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "role", "since", "until"]
    list_filter = ["role"]
    autocomplete_fields = ["organisation"]


@admin.register(TaskForcePosition)
class TaskForcePositionAdmin(SimpleHistoryAdmin):
    list_display = ["person", "title", "since", "until"]
    list_filter = ["title"]
    autocomplete_fields = ["person"]


@admin.register(AffiliationRequest)
class AffiliationRequestAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "proposed_name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "organisation__search_text", "proposed_name"]
    raw_id_fields = ["user", "organisation", "proposed_organisation", "decided_by"]
