from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin signs in through allauth's sign-in page, with its rate limits and verification.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "ASEAN SSE Roadmap administration"

urlpatterns = [
    path("", include("roadmap_portal.roadmap.urls")),
    path("taskforce/", include("taskforce.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("webinars/", include("webinars.urls")),
    path("training/", include("training.urls")),
    path("readiness/", include("training.readiness_urls")),
    path("me/", include("roadmap_portal.accounts.urls")),
    path("registrations/", include("roadmap_portal.registrations.urls")),
    path("logistics/", include("roadmap_portal.logistics.urls")),
    path("manage/activities/", include("roadmap_portal.registrations.console_urls")),
    path("manage/logistics/", include("roadmap_portal.logistics.console_urls")),
    path("manage/reports/", include("roadmap_portal.roadmap.report_urls")),
    path("manage/privacy/", include("roadmap_portal.accounts.privacy_urls")),
    path("manage/", include("roadmap_portal.roadmap.console_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
