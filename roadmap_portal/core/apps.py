from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roadmap_portal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from roadmap_portal.core import pagecache

        pagecache.install()
