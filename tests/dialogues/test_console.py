"""The dialogues in the console: convenings, sessions, and the yearly fill-in."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialogues import services
from dialogues.models import AgendaSession, Convening
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services as registrations
from roadmap_portal.registrations.models import (
    Access,
    Activity,
    ActivityReminderOverride,
    Invitation,
    InvitationStatus,
)
from roadmap_portal.registrations.reminders import set_activity_reminders
from tests.factories import OrganisationFactory, UserFactory, country, member_of, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return staff_user(email="secretariat@example.org")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def url(name, *args):
    return reverse(f"dialogues_console:{name}", args=args)


def dialogue(rotation, year) -> Convening:
    return next(convening for convening in rotation if convening.year == year)


def set_dates(convening, first_day: dt.date, *, time_zone: str):
    return services.update_convening(
        convening=convening,
        starts_at=services.local_datetime(first_day, dt.time(9), time_zone),
        ends_at=services.local_datetime(first_day + dt.timedelta(days=1), dt.time(17), time_zone),
        date_precision="day",
    )


@pytest.fixture
def last_year(rotation, staff):
    """The 2025 dialogue in Kuala Lumpur, prepared: sessions, settings, invitations."""
    convening = set_dates(
        dialogue(rotation, 2025), dt.date(2025, 10, 20), time_zone="Asia/Kuala_Lumpur"
    )
    zone = "Asia/Kuala_Lumpur"
    services.add_agenda_session(
        convening=convening,
        title="Opening",
        starts_at=services.local_datetime(dt.date(2025, 10, 20), dt.time(9), zone),
        ends_at=services.local_datetime(dt.date(2025, 10, 20), dt.time(10, 30), zone),
    )
    services.add_agenda_session(
        convening=convening,
        title="Country reports",
        starts_at=services.local_datetime(dt.date(2025, 10, 21), dt.time(14), zone),
        ends_at=services.local_datetime(dt.date(2025, 10, 21), dt.time(16), zone),
    )
    activity = convening.activity
    Activity.objects.filter(pk=activity.pk).update(
        access=Access.INVITATION,
        requires_approval=True,
        seats_per_organisation=3,
        onsite_capacity=120,
        registration_opens_at=activity.starts_at - dt.timedelta(days=60),
        registration_closes_at=activity.starts_at - dt.timedelta(days=14),
    )
    return convening


def invite(convening, organisation, by, status=InvitationStatus.PENDING):
    invitation = registrations.invite_organisation(
        activity=convening.activity, organisation=organisation, by=by
    )
    Invitation.objects.filter(pk=invitation.pk).update(status=status)
    return invitation


# The fill-in --------------------------------------------------------------------------------


def test_fill_in_copies_sessions_with_this_years_dates_settings_and_invitations(
    rotation, last_year, staff
):
    this_year = set_dates(dialogue(rotation, 2026), dt.date(2026, 11, 9), time_zone="Asia/Manila")
    accepted, declined, withdrawn = (OrganisationFactory() for _ in range(3))
    member_of(accepted, focal_point=True)
    invite(last_year, accepted, staff, InvitationStatus.ACCEPTED)
    invite(last_year, declined, staff, InvitationStatus.DECLINED)
    invite(last_year, withdrawn, staff, InvitationStatus.WITHDRAWN)
    OutboxMessage.objects.all().delete()

    plan = services.fill_in_from_previous_year(convening=this_year, by=staff)

    manila = "Asia/Manila"
    sessions = AgendaSession.objects.filter(convening=this_year).order_by("position")
    assert [(s.title, s.starts_at, s.ends_at) for s in sessions] == [
        (
            "Opening",
            services.local_datetime(dt.date(2026, 11, 9), dt.time(9), manila),
            services.local_datetime(dt.date(2026, 11, 9), dt.time(10, 30), manila),
        ),
        (
            "Country reports",
            services.local_datetime(dt.date(2026, 11, 10), dt.time(14), manila),
            services.local_datetime(dt.date(2026, 11, 10), dt.time(16), manila),
        ),
    ]
    activity = Activity.objects.get(pk=this_year.activity_id)
    assert (
        activity.access,
        activity.requires_approval,
        activity.seats_per_organisation,
        activity.onsite_capacity,
    ) == ("invitation", True, 3, 120)
    assert activity.registration_opens_at == activity.starts_at - dt.timedelta(days=60)
    assert activity.registration_closes_at == activity.starts_at - dt.timedelta(days=14)
    invited = Invitation.objects.filter(activity=activity).order_by("organisation__name")
    assert sorted(i.organisation_id for i in invited) == sorted([accepted.pk, declined.pk])
    assert {i.status for i in invited} == {"pending"}
    assert OutboxMessage.objects.filter(topic="invitation.sent").count() == 1
    assert plan.source == last_year
    assert Convening.objects.policy_dialogues().filter(year=2026).count() == 1


def test_fill_in_leaves_session_dates_empty_when_this_years_dates_are_unknown(
    rotation, last_year, staff
):
    this_year = dialogue(rotation, 2026)

    services.fill_in_from_previous_year(convening=this_year, by=staff)

    sessions = AgendaSession.objects.filter(convening=this_year)
    assert [(s.title, s.starts_at) for s in sessions.order_by("position")] == [
        ("Opening", None),
        ("Country reports", None),
    ]
    activity = Activity.objects.get(pk=this_year.activity_id)
    assert activity.registration_opens_at is None


def test_fill_in_keeps_what_this_year_already_has(rotation, last_year, staff):
    this_year = set_dates(dialogue(rotation, 2026), dt.date(2026, 11, 9), time_zone="Asia/Manila")
    Activity.objects.filter(pk=this_year.activity_id).update(
        seats_per_organisation=5, onsite_capacity=80
    )
    organisation = OrganisationFactory()
    invite(last_year, organisation, staff, InvitationStatus.ACCEPTED)
    invite(this_year, organisation, staff, InvitationStatus.DECLINED)

    plan = services.fill_in_from_previous_year(convening=this_year, by=staff)

    activity = Activity.objects.get(pk=this_year.activity_id)
    assert (activity.seats_per_organisation, activity.onsite_capacity) == (5, 80)
    assert plan.invitations == []
    assert Invitation.objects.get(activity=activity).status == "declined"


def test_fill_in_copies_last_years_own_reminders(rotation, last_year, staff, staff_client):
    previous = dialogue(rotation, 2025)
    set_activity_reminders(activity=previous.activity, enabled=True, offsets=[30 * 1440, 1440])
    this_year = dialogue(rotation, 2026)

    page = staff_client.get(url("convening_fill_in", this_year.pk)).content.decode()
    services.fill_in_from_previous_year(convening=this_year, by=staff)

    override = ActivityReminderOverride.objects.get(activity_id=this_year.activity_id)
    assert (override.enabled, override.offsets) == (True, [30 * 1440, 1440])
    assert "30 days, 1 day before the start" in page


def test_fill_in_is_done_once(rotation, last_year, staff):
    this_year = dialogue(rotation, 2026)
    services.fill_in_from_previous_year(convening=this_year, by=staff)

    with pytest.raises(ValidationError) as refusal:
        services.fill_in_from_previous_year(convening=this_year, by=staff)

    assert refusal.value.messages == [
        "The 2026 dialogue already has its agenda: the fill-in from the year before is done "
        "once, on an empty agenda."
    ]
    assert AgendaSession.objects.filter(convening=this_year).count() == 2


def test_fill_in_needs_last_years_dialogue_and_a_policy_dialogue(rotation, staff, make_convening):
    forum = make_convening(kind="forum", year=2026)

    for convening, message in (
        (
            dialogue(rotation, 2025),
            "There is no policy dialogue of 2024 to fill this one in from.",
        ),
        (forum, "Only a policy dialogue is filled in from the year before."),
    ):
        with pytest.raises(ValidationError) as refusal:
            services.fill_in_from_previous_year(convening=convening, by=staff)
        assert refusal.value.messages == [message]


def test_fill_in_is_for_staff_only(rotation, last_year):
    with pytest.raises(PermissionDenied):
        services.fill_in_from_previous_year(convening=dialogue(rotation, 2026), by=UserFactory())


def test_fill_in_page_shows_the_plan_then_fills_in(rotation, last_year, staff_client):
    this_year = dialogue(rotation, 2026)

    page = staff_client.get(url("convening_fill_in", this_year.pk))
    response = staff_client.post(url("convening_fill_in", this_year.pk))
    again = staff_client.get(url("convening_fill_in", this_year.pk))

    assert [session["title"] for session in page.context["plan"].sessions] == [
        "Opening",
        "Country reports",
    ]
    assert AgendaSession.objects.filter(convening=this_year).count() == 2
    assert response.url == url("convening_detail", this_year.pk)
    assert again.url == url("convening_detail", this_year.pk)


def test_convening_page_offers_the_fill_in_while_the_agenda_is_empty(
    rotation, last_year, staff_client
):
    this_year = dialogue(rotation, 2026)

    page = staff_client.get(url("convening_detail", this_year.pk))

    assert page.context["fill_in"].source == last_year
    assert url("convening_fill_in", this_year.pk) in page.content.decode()


# Convenings and sessions --------------------------------------------------------------------


def test_staff_create_a_forum_with_its_registration_settings(staff_client):
    response = staff_client.post(
        url("convening_create"),
        {
            "kind": "forum",
            "title": "SSE Forum 2026",
            "slug": "sse-forum-2026",
            "year": 2026,
            "host_country": "TH",
            "date_precision": "day",
            "first_day": "2026-03-02",
            "last_day": "2026-03-03",
            "registration_opens": "2026-01-05",
            "registration_closes": "2026-02-20",
            "access": "open",
            "seats_per_organisation": 2,
            "allows_onsite": "on",
        },
    )

    convening = Convening.objects.get(slug="sse-forum-2026")
    assert response.url == url("convening_detail", convening.pk)
    activity = convening.activity
    bangkok = "Asia/Bangkok"
    assert activity.starts_at == services.local_datetime(dt.date(2026, 3, 2), dt.time(9), bangkok)
    assert activity.registration_closes_at == services.local_datetime(
        dt.date(2026, 2, 20), dt.time(23, 59), bangkok
    )
    assert (activity.seats_per_organisation, activity.allows_online) == (2, False)


def test_a_second_policy_dialogue_for_a_year_is_refused_with_a_clear_message(
    rotation, staff_client
):
    response = staff_client.post(
        url("convening_create"),
        {
            "kind": "policy_dialogue",
            "title": "Another 2026 dialogue",
            "slug": "another-2026",
            "year": 2026,
            "date_precision": "year",
            "access": "open",
            "allows_onsite": "on",
        },
    )

    assert response.context["form"].errors["year"] == [
        "The 2026 policy dialogue already exists: open it and fill it in instead of creating "
        "a second one."
    ]
    assert Convening.objects.policy_dialogues().filter(year=2026).count() == 1


def test_editing_a_convening_keeps_its_address_and_records_history(rotation, staff_client, staff):
    convening = dialogue(rotation, 2027)

    staff_client.post(
        url("convening_update", convening.pk),
        {
            "title": convening.title,
            "year": 2027,
            "host_country": "SG",
            "city": "Singapore",
            "date_precision": "month",
            "first_day": "2027-10-01",
            "access": "invitation",
            "allows_onsite": "on",
            "allows_online": "on",
        },
    )

    convening.refresh_from_db()
    assert (convening.city, convening.slug, convening.activity.access) == (
        "Singapore",
        "policy-dialogue-2027",
        "invitation",
    )
    page = staff_client.get(url("convening_detail", convening.pk))
    assert page.context["history"][0].user == staff.email


def test_sessions_are_added_from_the_convening_and_edited(rotation, staff_client):
    convening = set_dates(dialogue(rotation, 2026), dt.date(2026, 11, 9), time_zone="Asia/Manila")

    staff_client.post(
        url("session_create") + f"?convening={convening.pk}",
        {"title": "Opening", "day": "2026-11-09", "starts": "09:00", "ends": "10:00"},
    )
    session = AgendaSession.objects.get(convening=convening)
    bad = staff_client.post(
        url("session_update", session.pk),
        {"title": "Opening plenary", "day": "2026-11-09", "starts": "11:00", "ends": "10:00"},
    )
    staff_client.post(
        url("session_update", session.pk),
        {"title": "Opening plenary", "day": "2026-11-09", "starts": "09:30", "ends": "10:30"},
    )

    assert bad.context["form"].errors == {"ends": ["The session ends before it starts."]}
    session.refresh_from_db()
    assert (session.title, session.starts_at) == (
        "Opening plenary",
        services.local_datetime(dt.date(2026, 11, 9), dt.time(9, 30), "Asia/Manila"),
    )
    assert staff_client.get(url("session_create")).status_code == 404


def test_convening_list_filters_by_kind_and_year(rotation, staff_client, make_convening):
    forum = make_convening(kind="forum", year=2026, host_country=country("TH"))

    response = staff_client.get(url("convening_list"), {"kind": "forum", "year": 2026})

    assert [row["pk"] for row in response.context["rows"]] == [forum.pk]


def _convenings(count, make_convening):
    for number in range(count):
        convening = make_convening(year=2010 + number % 10)
        services.add_agenda_session(convening=convening, title="Session")


def _sessions(count, make_convening):
    convening = make_convening()
    for number in range(count):
        services.add_agenda_session(convening=convening, title=f"Session {number}")


@pytest.mark.parametrize(
    ("page", "arrange"), [("convening_list", _convenings), ("session_list", _sessions)]
)
def test_list_pages_cost_the_same_queries_for_few_and_many_rows(
    page, arrange, staff_client, make_convening, django_assert_num_queries
):
    arrange(2, make_convening)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url(page))
    arrange(25, make_convening)

    with django_assert_num_queries(len(few)):
        response = staff_client.get(url(page))

    assert len(response.context["rows"]) > 2


def test_fill_in_from_an_empty_dialogue_offers_nothing_to_do(rotation, staff_client):
    this_year = dialogue(rotation, 2026)

    detail = staff_client.get(url("convening_detail", this_year.pk))
    page = staff_client.get(url("convening_fill_in", this_year.pk))

    assert detail.context["fill_in"].is_empty
    assert url("convening_fill_in", this_year.pk) not in detail.content.decode()
    assert "there is nothing to fill in" in page.content.decode()
