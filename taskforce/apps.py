from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = "Task Force"

    def ready(self):
        from . import plugins

        plugins.register()
