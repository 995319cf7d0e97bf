from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("roadmap_portal.roadmap.urls")),
    path("taskforce/", include("taskforce.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
