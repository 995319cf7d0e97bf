from django.urls import path

from . import console_views as views

app_name = "activity_console"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("<int:pk>/", views.RegistrationListView.as_view(), name="registration_list"),
    path("<int:pk>/capacity/", views.CapacityView.as_view(), name="capacity"),
    path("<int:pk>/invitations/", views.InvitationsView.as_view(), name="invitations"),
    path("<int:pk>/reminders/", views.RemindersView.as_view(), name="reminders"),
    path("reminder-policies/", views.ReminderPolicyListView.as_view(), name="reminder_policies"),
    path(
        "reminder-policies/<str:kind>/",
        views.ReminderPolicyUpdateView.as_view(),
        name="reminder_policy_update",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/decide/",
        views.DecideRegistrationView.as_view(),
        name="decide",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/role/",
        views.AssignRoleView.as_view(),
        name="assign_role",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.CancelRegistrationView.as_view(),
        name="cancel",
    ),
]
