from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "roadmap_portal.registrations"
    label = "registrations"
    verbose_name = "Activities and registrations"
