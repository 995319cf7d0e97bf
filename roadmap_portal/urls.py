from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("roadmap_portal.roadmap.urls")),
    path("taskforce/", include("taskforce.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("webinars/", include("webinars.urls")),
    path("training/", include("training.urls")),
    path("readiness/", include("training.readiness_urls")),
    path("me/", include("roadmap_portal.accounts.urls")),
    path("registrations/", include("roadmap_portal.registrations.urls")),
    path("manage/activities/", include("roadmap_portal.registrations.console_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
