"""/manage/participation/: activities, registrations and invitations across every activity."""

from django.urls import include, path

from .console_lists import activity_console, invitation_console, registration_console

app_name = "participation_console"

urlpatterns = [
    path("activities/", include(activity_console.urlpatterns())),
    path("registrations/", include(registration_console.urlpatterns())),
    path("invitations/", include(invitation_console.urlpatterns())),
]
