import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import (
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    Role,
)
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, member_of
from tests.registrations.conftest import colleague_of

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def register(activity, organisation, by, **kwargs):
    return services.register_person(
        activity=activity,
        person=colleague_of(organisation, **kwargs),
        organisation=organisation,
        mode="onsite",
        by=by,
    )


PAGES = ["registration_list", "capacity", "invitations"]


@pytest.mark.parametrize("page", PAGES)
def test_console_pages_send_anonymous_visitors_to_sign_in(page, client, activity):
    response = client.get(reverse(f"activity_console:{page}", kwargs={"pk": activity.pk}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("actor", ["member", "focal_point", "outsider"])
def test_console_pages_forbid_everyone_but_staff(page, actor, request, client, activity):
    user = UserFactory() if actor == "outsider" else request.getfixturevalue(actor)
    client.force_login(user)

    response = client.get(reverse(f"activity_console:{page}", kwargs={"pk": activity.pk}))

    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_console_pages_open_for_staff(page, client, activity, staff):
    client.force_login(staff)

    response = client.get(reverse(f"activity_console:{page}", kwargs={"pk": activity.pk}))

    assert response.status_code == 200
    assert activity.title in response.content.decode()


def test_console_answers_404_for_an_unknown_activity(client, staff):
    client.force_login(staff)

    response = client.get(reverse("activity_console:registration_list", kwargs={"pk": 999999}))

    assert response.status_code == 404


def test_activity_list_forbids_members_and_opens_for_staff(client, member, staff, activity):
    url = reverse("activity_console:activity_list")
    client.force_login(member)
    forbidden = client.get(url)
    client.force_login(staff)

    response = client.get(url)

    assert forbidden.status_code == 403
    assert response.status_code == 200
    assert activity.title in response.content.decode()


@pytest.mark.parametrize("activities", [1, 15])
def test_activity_list_costs_a_fixed_number_of_queries(
    activities, client, staff, django_assert_num_queries
):
    for _ in range(activities):
        ActivityFactory()
    client.force_login(staff)

    # The session comes from the cache: the user, the permissions (2), the count, the page.
    with django_assert_num_queries(5):
        client.get(reverse("activity_console:activity_list"))


@pytest.mark.parametrize("rows", [2, 14])
def test_registration_list_costs_a_fixed_number_of_queries(
    rows, client, organisation, focal_point, staff, django_assert_num_queries
):
    activity = ActivityFactory(onsite_capacity=4)
    for _ in range(rows):
        register(activity, organisation, focal_point)
    client.force_login(staff)

    with django_assert_num_queries(8):
        response = client.get(
            reverse("activity_console:registration_list", kwargs={"pk": activity.pk})
        )

    assert response.status_code == 200


def test_registration_list_filters_by_status(client, organisation, focal_point, staff):
    activity = ActivityFactory(onsite_capacity=1)
    register(activity, organisation, focal_point, name="Carlo Sagun")
    register(activity, organisation, focal_point, name="Marian Dacawi")
    client.force_login(staff)

    response = client.get(
        reverse("activity_console:registration_list", kwargs={"pk": activity.pk}),
        {"status": "waitlisted"},
    )

    html = response.content.decode()
    assert "Marian Dacawi" in html
    assert "Carlo Sagun" not in html
    assert "no. 1" in html


def action_url(name, registration):
    return reverse(
        f"activity_console:{name}",
        kwargs={"pk": registration.activity_id, "registration_pk": registration.pk},
    )


@pytest.mark.parametrize("name", ["decide", "assign_role", "cancel"])
def test_registration_actions_are_for_staff_only(name, client, registration_for_actions, member):
    client.force_login(member)

    response = client.post(action_url(name, registration_for_actions), {"decision": "decline"})

    assert response.status_code == 403


@pytest.fixture
def registration_for_actions(organisation, focal_point):
    activity = ActivityFactory(requires_approval=True, onsite_capacity=1)
    return register(activity, organisation, focal_point, name="Carlo Sagun")


def test_decide_view_confirms(client, registration_for_actions, staff):
    client.force_login(staff)

    response = client.post(action_url("decide", registration_for_actions), {"decision": "confirm"})

    registration_for_actions.refresh_from_db()
    assert response.status_code == 302
    assert registration_for_actions.status == RegistrationStatus.CONFIRMED
    assert messages_of(response) == ["Decision recorded for Carlo Sagun."]


def test_decide_view_declines_with_a_reason(client, registration_for_actions, staff):
    client.force_login(staff)

    client.post(
        action_url("decide", registration_for_actions),
        {"decision": "decline", "reason": "Cohort is full of hosts"},
    )

    registration_for_actions.refresh_from_db()
    assert registration_for_actions.status == RegistrationStatus.DECLINED
    assert registration_for_actions.decision_reason == "Cohort is full of hosts"


def test_decide_view_reports_a_refusal(client, organisation, focal_point, staff):
    activity = ActivityFactory(requires_approval=True, onsite_capacity=0)
    registration = register(activity, organisation, focal_point)
    client.force_login(staff)

    response = client.post(action_url("decide", registration), {"decision": "confirm"})

    assert messages_of(response) == [
        "No onsite seat is left: raise the capacity or use the waitlist."
    ]


def test_decide_view_rejects_an_unknown_decision(client, registration_for_actions, staff):
    client.force_login(staff)

    response = client.post(action_url("decide", registration_for_actions), {"decision": "maybe"})

    registration_for_actions.refresh_from_db()
    assert registration_for_actions.status == RegistrationStatus.PENDING
    assert len(messages_of(response)) == 1


def test_action_on_a_registration_of_another_activity_is_404(
    client, registration_for_actions, staff
):
    client.force_login(staff)
    other = ActivityFactory()

    response = client.post(
        reverse(
            "activity_console:decide",
            kwargs={"pk": other.pk, "registration_pk": registration_for_actions.pk},
        ),
        {"decision": "confirm"},
    )

    assert response.status_code == 404


def test_assign_role_view_sets_the_role(client, registration_for_actions, staff):
    client.force_login(staff)

    client.post(
        action_url("assign_role", registration_for_actions),
        {"role": Role.MODERATOR, "role_label": "Panel Moderator"},
    )

    registration_for_actions.refresh_from_db()
    assert registration_for_actions.role == Role.MODERATOR
    assert registration_for_actions.role_display == "Panel Moderator"
    assert registration_for_actions.status == RegistrationStatus.CONFIRMED


def test_cancel_view_cancels(client, registration_for_actions, staff):
    client.force_login(staff)

    client.post(action_url("cancel", registration_for_actions))

    registration_for_actions.refresh_from_db()
    assert registration_for_actions.status == RegistrationStatus.CANCELLED


def test_capacity_view_promotes_the_waitlist(client, organisation, focal_point, staff):
    activity = ActivityFactory(onsite_capacity=1)
    register(activity, organisation, focal_point)
    waiting = register(activity, organisation, focal_point)
    client.force_login(staff)

    response = client.post(
        reverse("activity_console:capacity", kwargs={"pk": activity.pk}),
        {"onsite_capacity": "2", "online_capacity": ""},
    )

    activity.refresh_from_db()
    waiting.refresh_from_db()
    assert response.status_code == 302
    assert activity.onsite_capacity == 2
    assert activity.online_capacity is None
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert messages_of(response) == ["Capacity saved; 1 person moved from the waitlist to a seat."]


def test_capacity_view_rejects_a_negative_capacity(client, activity, staff):
    client.force_login(staff)

    response = client.post(
        reverse("activity_console:capacity", kwargs={"pk": activity.pk}),
        {"onsite_capacity": "-3", "online_capacity": ""},
    )

    activity.refresh_from_db()
    assert response.status_code == 200
    assert activity.onsite_capacity == 2


def test_invitations_view_invites_and_lists_the_answers(client, activity, staff):
    allied = OrganisationFactory(name="PARC Japan")
    focal = member_of(allied, focal_point=True)
    client.force_login(staff)

    response = client.post(
        reverse("activity_console:invitations", kwargs={"pk": activity.pk}),
        {"organisation": allied.pk, "message": "You are welcome in Manila."},
    )
    page = client.get(reverse("activity_console:invitations", kwargs={"pk": activity.pk}))

    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert invitation.organisation == allied
    assert invitation.status == InvitationStatus.PENDING
    assert OutboxMessage.objects.get(topic="invitation.sent").to_email == focal.email
    assert "PARC Japan" in page.content.decode()


def test_invitations_view_does_not_offer_an_organisation_already_invited(client, activity, staff):
    allied = OrganisationFactory(name="PARC Japan")
    Invitation.objects.create(activity=activity, organisation=allied)
    client.force_login(staff)

    response = client.post(
        reverse("activity_console:invitations", kwargs={"pk": activity.pk}),
        {"organisation": allied.pk},
    )

    assert response.status_code == 200
    assert Invitation.objects.count() == 1


def test_registrations_keep_their_history(client, registration_for_actions, staff):
    client.force_login(staff)

    client.post(action_url("decide", registration_for_actions), {"decision": "confirm"})

    history = Registration.history.filter(id=registration_for_actions.pk).order_by("history_id")
    assert [row.status for row in history] == ["pending", "confirmed"]
    assert history.last().history_user == staff
