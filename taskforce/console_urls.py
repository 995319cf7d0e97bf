"""/manage/taskforce/: the registry's console pages (mounted through the plug-in registry)."""

from django.urls import include, path

from .console import (
    affiliation_console,
    membership_console,
    merge_console,
    organisation_console,
    person_console,
    position_console,
)

app_name = "taskforce_console"

urlpatterns = [
    path("organisations/", include(organisation_console.urlpatterns())),
    path("people/", include(person_console.urlpatterns())),
    path("affiliations/", include(affiliation_console.urlpatterns())),
    path("memberships/", include(membership_console.urlpatterns())),
    path("positions/", include(position_console.urlpatterns())),
    path("merges/", include(merge_console.urlpatterns())),
]
