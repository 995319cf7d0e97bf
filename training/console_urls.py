"""/manage/training/: cohorts, nominations and certificates (mounted through the plug-in
registry)."""

from django.urls import include, path

from .console import certificate_console, cohort_console, nomination_console

app_name = "training_console"

urlpatterns = [
    path("cohorts/", include(cohort_console.urlpatterns())),
    path("nominations/", include(nomination_console.urlpatterns())),
    path("certificates/", include(certificate_console.urlpatterns())),
]
