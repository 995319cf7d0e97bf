"""Member pages under /me/, mounted into the platform's "me" namespace by name.

The names join that namespace: ``me:join``, ``me:requests``, ...
"""

from django.urls import path

from . import member_views

urlpatterns = [
    path("join/", member_views.JoinView.as_view(), name="join"),
    path("join/<slug:slug>/", member_views.RequestToJoinView.as_view(), name="join_organisation"),
    path("propose/", member_views.ProposeOrganisationView.as_view(), name="propose_organisation"),
    path("requests/", member_views.RequestListView.as_view(), name="requests"),
    path(
        "requests/<int:pk>/approve/",
        member_views.ApproveRequestView.as_view(),
        name="request_approve",
    ),
    path(
        "requests/<int:pk>/decline/",
        member_views.DeclineRequestView.as_view(),
        name="request_decline",
    ),
    path(
        "requests/<int:pk>/withdraw/",
        member_views.WithdrawRequestView.as_view(),
        name="request_withdraw",
    ),
]
