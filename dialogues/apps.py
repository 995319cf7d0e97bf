from django.apps import AppConfig


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = "Dialogues"

    def ready(self):
        from . import plugins

        plugins.register()
