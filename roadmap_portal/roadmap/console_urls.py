"""/manage/: the console's dashboard, the outbox, and every section the apps plug in.

Each plugged ``ConsoleSection`` names its URL module by string ("taskforce.console_urls"),
mounted here at ``/manage/<path>``; the platform imports no app (DESIGN.md, three floors).
The per-activity pages at ``/manage/activities/`` are mounted before this module.
"""

from django.urls import include, path

from roadmap_portal.core import plugins

from . import console_views as views

console_patterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("messages/", include(views.message_console.urlpatterns())),
]

urlpatterns = [
    path("", include((console_patterns, "console"))),
    *(
        path(section.path, include(section.urlconf))
        for section in plugins.console_sections
        if section.urlconf
    ),
]
