from django.urls import path

from . import member_views, views

app_name = "taskforce"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    # What a focal point (or staff) keeps of an organisation.
    path("<slug:slug>/manage/", member_views.ManageProfileView.as_view(), name="manage_profile"),
    path(
        "<slug:slug>/manage/people/",
        member_views.ManagePeopleView.as_view(),
        name="manage_people",
    ),
    path(
        "<slug:slug>/manage/people/add/",
        member_views.AddPersonView.as_view(),
        name="manage_person_add",
    ),
    path(
        "<slug:slug>/manage/people/<int:pk>/edit/",
        member_views.EditPersonView.as_view(),
        name="manage_person_edit",
    ),
    path(
        "<slug:slug>/manage/people/<int:pk>/end/",
        member_views.EndAffiliationView.as_view(),
        name="manage_affiliation_end",
    ),
    path(
        "<slug:slug>/manage/people/<int:pk>/focal-point/",
        member_views.SetFocalPointView.as_view(),
        name="manage_focal_point_set",
    ),
    path(
        "<slug:slug>/manage/people/<int:pk>/focal-point/remove/",
        member_views.UnsetFocalPointView.as_view(),
        name="manage_focal_point_unset",
    ),
    path(
        "<slug:slug>/manage/requests/",
        member_views.ManageRequestsView.as_view(),
        name="manage_requests",
    ),
]
