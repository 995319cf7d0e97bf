from django.urls import include, path

from . import privacy_views, views

app_name = "me"

urlpatterns = [
    path("", views.MeView.as_view(), name="home"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("mail/", views.MailPreferencesView.as_view(), name="mail_preferences"),
    path("calendar/", views.CalendarSettingsView.as_view(), name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("privacy/", privacy_views.MyDataView.as_view(), name="privacy"),
    path("privacy/download/", privacy_views.MyDataDownloadView.as_view(), name="privacy_download"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    # Joining an organisation and deciding requests write to the registry, which serves these
    # pages; they are included by name, as the root URLconf includes the apps, because the
    # platform does not import the registry (DESIGN.md). Their names join this namespace.
    path("", include("taskforce.member_urls")),
]
