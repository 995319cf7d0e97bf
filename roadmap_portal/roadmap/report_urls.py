"""/manage/reports/: staff pages of the reports (included by roadmap_portal.roadmap.urls)."""

from django.urls import path

from . import report_views as views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("jobs/<uuid:pk>/", views.ReportJobDetailView.as_view(), name="job_detail"),
    path(
        "snapshots/<uuid:pk>/download/",
        views.SnapshotDownloadView.as_view(),
        name="snapshot_download",
    ),
    path("<slug:kind>/<slug:slug>/", views.ReportExportView.as_view(), name="export"),
    path("<slug:kind>/<slug:slug>/preview/", views.ReportPreviewView.as_view(), name="preview"),
]
