from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap_portal.roadmap"
    label = "roadmap"
    verbose_name = "Roadmap"
