"""The personal calendar feed at /me/calendar/<token>.ics."""

import icalendar
import pytest
from django.urls import reverse

from roadmap_portal.accounts.calendar import renew_calendar_token
from tests.factories import ActivityFactory, RegistrationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    from tests.factories import OrganisationFactory

    return member_of(OrganisationFactory())


def _summaries(response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_the_feed_lists_only_the_confirmed_activities_of_the_person(client, member):
    confirmed = ActivityFactory(title="Forum in Manila")
    RegistrationFactory(person=member.person, activity=confirmed, status="confirmed")
    RegistrationFactory(person=member.person, status="waitlisted")
    RegistrationFactory(activity=ActivityFactory(title="Someone else's"), status="confirmed")
    token = renew_calendar_token(user=member)

    response = client.get(reverse("me:calendar_feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert _summaries(response) == ["Forum in Manila"]


def test_a_renewed_address_replaces_the_old_one(client, member):
    old = renew_calendar_token(user=member)
    new = renew_calendar_token(user=member)

    assert client.get(reverse("me:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("me:calendar_feed", args=[new])).status_code == 200


def test_revoking_stops_the_feed(client, member):
    token = renew_calendar_token(user=member)
    client.force_login(member)

    client.post(reverse("me:calendar"), {"action": "revoke"})

    member.refresh_from_db()
    assert member.calendar_token is None
    assert client.get(reverse("me:calendar_feed", args=[token])).status_code == 404


def test_the_settings_page_creates_an_address(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("me:calendar"), {"action": "renew"})
    page = client.get(reverse("me:calendar")).content.decode()

    user.refresh_from_db()
    assert response.status_code == 302
    assert f"/me/calendar/{user.calendar_token}.ics" in page


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(reverse("me:calendar"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_token_is_not_found(client):
    assert client.get("/me/calendar/not-a-token.ics").status_code == 404
