from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.CohortListView.as_view(), name="cohort_list"),
    path("cohorts/new/", views.CohortCreateView.as_view(), name="cohort_create"),
    path("cohorts/<slug:slug>/", views.CohortDetailView.as_view(), name="cohort_detail"),
    path("cohorts/<slug:slug>/edit/", views.CohortUpdateView.as_view(), name="cohort_update"),
    path("cohorts/<slug:slug>/nominate/", views.NominateView.as_view(), name="cohort_nominate"),
    path("cohorts/<slug:slug>/review/", views.CohortReviewView.as_view(), name="cohort_review"),
    path(
        "cohorts/<slug:slug>/progress/", views.CohortProgressView.as_view(), name="cohort_progress"
    ),
    path(
        "cohorts/<slug:slug>/issue-certificates/",
        views.IssueCertificatesView.as_view(),
        name="cohort_issue_certificates",
    ),
    path(
        "cohorts/<slug:slug>/sessions/new/",
        views.SessionCreateView.as_view(),
        name="session_create",
    ),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session_update"),
    path(
        "sessions/<int:pk>/attendance/",
        views.SessionAttendanceView.as_view(),
        name="session_attendance",
    ),
    path(
        "nominations/<int:pk>/decide/",
        views.DecideNominationView.as_view(),
        name="nomination_decide",
    ),
    path(
        "nominations/<int:pk>/withdraw/",
        views.WithdrawNominationView.as_view(),
        name="nomination_withdraw",
    ),
    path(
        "certificates/<str:code>/", views.CertificateVerifyView.as_view(), name="certificate_verify"
    ),
    path("certificates/<str:code>/pdf", views.CertificatePdfView.as_view(), name="certificate_pdf"),
    path(
        "certificates/<str:code>/revoke/",
        views.CertificateRevokeView.as_view(),
        name="certificate_revoke",
    ),
]
