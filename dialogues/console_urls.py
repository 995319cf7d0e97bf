"""/manage/dialogues/: convenings and agenda sessions (mounted through the plug-in registry)."""

from django.urls import include, path

from .console import FillInView, convening_console, session_console

app_name = "dialogues_console"

urlpatterns = [
    path("convenings/", include(convening_console.urlpatterns())),
    path("convenings/<int:pk>/fill-in/", FillInView.as_view(), name="convening_fill_in"),
    path("sessions/", include(session_console.urlpatterns())),
]
