"""/me/ and /me/settings/."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.registrations.models import Mode
from taskforce import services
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Bina Swadaya", slug="bina-swadaya")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context)


def test_me_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("me:home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/me/"


def test_me_asks_a_user_without_organisation_to_join_one(client):
    client.force_login(UserFactory(full_name="Siti Aminah"))

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ask to join your organisation" in html
    assert reverse("me:join") in html
    assert response.context["affiliations"] == []


def test_me_shows_my_organisations_and_pending_requests(client, organisation):
    user = member_of(organisation)
    other = OrganisationFactory(name="HomeNet Thailand")
    services.request_affiliation(user=user, organisation=other)
    client.force_login(user)

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert [a.organisation for a in response.context["affiliations"]] == [organisation]
    assert [r.organisation for r in response.context["pending_requests"]] == [other]
    assert "Ask to join your organisation" not in html
    assert "Programme officer" in html
    assert "Focal point" not in html
    assert "requests_to_decide" not in response.context


def test_me_shows_a_focal_point_its_people_and_requests_to_decide(client, organisation):
    focal_point = member_of(organisation, focal_point=True)
    colleague = member_of(organisation, full_name="Dewi")
    pending = services.request_affiliation(user=UserFactory(), organisation=organisation)
    client.force_login(focal_point)

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert sorted(a.person.user_id for a in response.context["people"]) == sorted(
        [focal_point.pk, colleague.pk]
    )
    assert response.context["requests_to_decide"] == [pending]
    assert reverse("taskforce:manage_people", args=[organisation.slug]) in html
    assert reverse("me:requests") in html


def test_me_lists_my_registrations_and_those_i_made(client, organisation):
    user = member_of(organisation)
    person = user.person
    mine = RegistrationFactory(
        person=person, organisation=organisation, activity=ActivityFactory(title="Forum 2026")
    )
    for_other = RegistrationFactory(
        person=PersonFactory(name="Dewi Lestari"),
        organisation=organisation,
        registered_by=user,
        mode=Mode.ONLINE,
        status="waitlisted",
        activity=ActivityFactory(title="Webinar on SSE"),
    )
    RegistrationFactory(person=person, registered_by=user, activity=ActivityFactory())
    client.force_login(user)

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert mine in response.context["registrations"]
    assert response.context["registrations_made"] == [for_other]
    for text in ["Forum 2026", "Webinar on SSE", "Dewi Lestari", "Online", "Waitlisted"]:
        assert text in html


@pytest.mark.parametrize("role", ["member", "focal_point", "staff"])
def test_me_costs_the_same_queries_with_few_and_many_registrations(
    client, organisation, django_assert_num_queries, role
):
    user = member_of(organisation, focal_point=role == "focal_point")
    if role == "staff":
        user.groups.add(*staff_user().groups.all())
    RegistrationFactory(person=user.person, organisation=organisation, registered_by=user)
    RegistrationFactory(organisation=organisation, registered_by=user)
    client.force_login(user)
    few = _queries(client, reverse("me:home"))
    RegistrationFactory.create_batch(12, person=user.person, organisation=organisation)
    RegistrationFactory.create_batch(12, organisation=organisation, registered_by=user)
    for _ in range(3):
        member_of(organisation)
        services.request_affiliation(user=UserFactory(), organisation=organisation)

    with django_assert_num_queries(few):
        response = client.get(reverse("me:home"))

    assert len(response.context["registrations"]) == 13
    assert len(response.context["registrations_made"]) == 13


def test_me_shows_only_the_most_recent_registrations(client, organisation, monkeypatch):
    monkeypatch.setattr("roadmap_portal.accounts.views.REGISTRATIONS_SHOWN", 3)
    user = member_of(organisation)
    RegistrationFactory.create_batch(4, person=user.person, organisation=organisation)
    client.force_login(user)

    response = client.get(reverse("me:home"))

    assert len(response.context["registrations"]) == 3
    assert response.context["more_registrations"] is True
    assert "Only the most recent registrations are shown." in response.content.decode()


def test_me_shows_only_the_longest_waiting_requests_to_decide(client, organisation, monkeypatch):
    monkeypatch.setattr("roadmap_portal.accounts.views.REQUESTS_SHOWN", 2)
    focal_point = member_of(organisation, focal_point=True)
    waiting = [
        services.request_affiliation(user=UserFactory(), organisation=organisation)
        for _ in range(3)
    ]
    client.force_login(focal_point)

    response = client.get(reverse("me:home"))

    assert response.context["requests_to_decide"] == waiting[:2]
    assert response.context["more_requests_to_decide"] is True
    assert "the requests page lists them all" in response.content.decode()


def test_me_reads_a_focal_points_affiliations_once(client, organisation):
    focal_point = member_of(organisation, focal_point=True)
    client.force_login(focal_point)
    client.get(reverse("me:home"))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("me:home"))

    affiliation_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "taskforce_affiliation"."id"')
        and 'WHERE ("taskforce_affiliation"."person_id" =' in query["sql"]
    ]
    assert len(affiliation_reads) == 1


def test_settings_page_shows_regional_time_zones_first(client):
    client.force_login(UserFactory(full_name="Lan", time_zone="Asia/Manila"))

    response = client.get(reverse("me:settings"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Asia/Manila") < html.index("Africa/Abidjan")
    assert '<option value="Asia/Manila" selected>' in html


def test_settings_save_the_full_name_and_time_zone(client):
    user = UserFactory(full_name="Lan")
    client.force_login(user)

    response = client.post(
        reverse("me:settings"), {"full_name": "Nguyễn  Thị Lan", "time_zone": "Asia/Ho_Chi_Minh"}
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("me:home")
    assert (user.full_name, user.time_zone) == ("Nguyễn Thị Lan", "Asia/Ho_Chi_Minh")


def test_settings_refuse_an_unknown_time_zone(client):
    user = UserFactory(full_name="Lan", time_zone="Asia/Manila")
    client.force_login(user)

    response = client.post(
        reverse("me:settings"), {"full_name": "Lan", "time_zone": "Asia/Atlantis"}
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"] == [
        "Asia/Atlantis is not a known time zone."
    ]
    assert user.time_zone == "Asia/Manila"


def test_settings_allow_no_time_zone(client):
    user = UserFactory(full_name="Lan", time_zone="Asia/Manila")
    client.force_login(user)

    client.post(reverse("me:settings"), {"full_name": "Lan", "time_zone": ""})

    user.refresh_from_db()
    assert user.time_zone == ""


def test_times_on_me_are_shown_in_the_preferred_time_zone(client, organisation):
    user = member_of(organisation, full_name="Lan", time_zone="Asia/Bangkok")
    starts_at = dt.datetime(2030, 3, 1, 2, 0, tzinfo=dt.UTC)
    RegistrationFactory(
        person=user.person,
        activity=ActivityFactory(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)),
    )
    client.force_login(user)

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert "Times in Asia/Bangkok" in html
    assert "1 Mar 2030, 09:00" in html
