from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path(
        "activities/<int:activity_pk>/register/",
        views.ActivityRegisterView.as_view(),
        name="register",
    ),
    path("<int:pk>/cancel/", views.CancelRegistrationView.as_view(), name="cancel"),
    path("<int:pk>/leave-waitlist/", views.LeaveWaitlistView.as_view(), name="leave_waitlist"),
    path(
        "invitations/<int:pk>/answer/",
        views.InvitationAnswerView.as_view(),
        name="invitation_answer",
    ),
    path("decline/<str:token>/", views.DeclineByLinkView.as_view(), name="decline"),
]
