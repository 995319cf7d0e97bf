import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogues import services
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, country

pytestmark = pytest.mark.django_db


def figure(page: str, label: str) -> str:
    """The value printed before ``label`` on a home-page card."""
    before = page.split(f"</strong>{label}</li>", 1)[0]
    return before.rsplit("<strong>", 1)[1]


def _convening(number: int, *, first_day: dt.date, kind: str = "forum"):
    return services.create_convening(
        kind=kind,
        title=f"Convening {number}",
        slug=f"convening-{number}",
        host_country=country("PH"),
        starts_at=services.local_datetime(first_day, dt.time(9), "Asia/Manila"),
    )


def test_home_counts_current_task_force_organisations_and_their_countries(client):
    for code in ("TH", "TH", "ID"):
        MembershipFactory(organisation=OrganisationFactory(country=country(code)))
    MembershipFactory(organisation=OrganisationFactory(approved=False))
    MembershipFactory(since=dt.date(2020, 1, 1), until=dt.date(2021, 1, 1))
    OrganisationFactory(name="Not in the Task Force")

    page = client.get("/").content.decode()

    assert (figure(page, "organisations"), figure(page, "countries")) == ("3", "2")


def test_home_counts_dialogues_and_convenings_held(client):
    _convening(1, first_day=dt.date(2024, 6, 18), kind="workshop")
    _convening(2, first_day=dt.date(2024, 11, 12))
    _convening(3, first_day=dt.date.today() + dt.timedelta(days=90))

    page = client.get("/").content.decode()

    # The rotation's 2025 policy dialogue counts too: its year (all that is known) is over.
    assert (figure(page, "dialogues held"), figure(page, "convenings")) == ("1", "3")


def test_home_shows_the_six_years_of_the_rotation(client):
    page = client.get("/").content.decode()

    for year in range(2025, 2031):
        assert f'href="/dialogues/policy-dialogue-{year}/"' in page


def test_home_is_public_to_a_signed_in_user_too(client):
    client.force_login(UserFactory())

    response = client.get("/")

    assert response.status_code == 200


def test_home_costs_the_same_queries_for_few_and_many(client, django_assert_num_queries):
    for number in range(2):
        MembershipFactory(organisation=OrganisationFactory(country=country("TH")))
        _convening(number, first_day=dt.date(2024, 3, 1 + number))
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for number in range(2, 30):
        MembershipFactory(organisation=OrganisationFactory(country=country("ID")))
        _convening(number, first_day=dt.date(2024, 3, 1 + number % 28))
    cache.clear()  # the figures are cached for a minute: count them again

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/")

    assert figure(response.content.decode(), "organisations") == "30"
