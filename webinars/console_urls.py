"""/manage/webinars/: webinars and their series (mounted through the plug-in registry)."""

from django.urls import include, path

from .console import series_console, webinar_console

app_name = "webinars_console"

urlpatterns = [
    path("webinars/", include(webinar_console.urlpatterns())),
    path("series/", include(series_console.urlpatterns())),
]
