from django.urls import path

from . import views

app_name = "webinars"

urlpatterns = [
    path("", views.WebinarListView.as_view(), name="webinar_list"),
    path("new/", views.WebinarCreateView.as_view(), name="webinar_create"),
    path("series/<slug:slug>/feed.ics", views.SeriesFeedView.as_view(), name="series_feed"),
    path("<slug:slug>.ics", views.WebinarCalendarView.as_view(), name="webinar_calendar"),
    path("<slug:slug>/", views.WebinarDetailView.as_view(), name="webinar_detail"),
    path("<slug:slug>/edit/", views.WebinarUpdateView.as_view(), name="webinar_update"),
    path("<slug:slug>/cancel/", views.WebinarCancelView.as_view(), name="webinar_cancel"),
    path("<slug:slug>/recording/", views.RecordingUpdateView.as_view(), name="recording_update"),
    path(
        "<slug:slug>/attendance/",
        views.AttendanceUploadView.as_view(),
        name="attendance_upload",
    ),
    path(
        "<slug:slug>/attendance/<str:token>/",
        views.AttendancePreviewView.as_view(),
        name="attendance_preview",
    ),
]
