from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap_portal.roadmap"
    label = "roadmap"
    verbose_name = "Roadmap"

    def ready(self):
        # The Roadmap progress report is the platform's own; apps plug their sections in.
        from . import reports

        reports.register()

        # The console's own dashboard items and menu section; apps plug theirs in likewise.
        from . import console_views

        console_views.register()
