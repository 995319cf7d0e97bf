from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "roadmap_portal.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from . import badges

        badges.register()

        # The feedback results, as a section of the dialogue report.
        from . import reports

        reports.register()
