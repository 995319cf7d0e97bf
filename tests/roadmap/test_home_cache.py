import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roadmap_portal.core import plugins
from roadmap_portal.core.cache import HOME_FIGURES_TTL, cached_home_figures
from tests.factories import MembershipFactory, OrganisationFactory, country

pytestmark = pytest.mark.django_db


def figure(page: str, label: str) -> str:
    before = page.split(f"</strong>{label}</li>", 1)[0]
    return before.rsplit("<strong>", 1)[1]


def test_second_home_request_within_the_ttl_reads_the_figures_from_the_cache(client):
    MembershipFactory(organisation=OrganisationFactory(country=country("TH")))
    with CaptureQueriesContext(connection) as first:
        client.get("/")

    with CaptureQueriesContext(connection) as second:
        response = client.get("/")

    counted = [query["sql"] for query in second.captured_queries if "COUNT(" in query["sql"]]
    assert (len(second.captured_queries) < len(first.captured_queries), counted) == (True, [])
    assert figure(response.content.decode(), "organisations") == "1"


def test_cached_figures_are_those_the_cards_count():
    MembershipFactory(organisation=OrganisationFactory(country=country("TH")))
    MembershipFactory(organisation=OrganisationFactory(country=country("ID")))

    counted = [(card.key, card.figures()) for card in plugins.home_cards]
    cached_home_figures(plugins.home_cards)
    cached = [(card.key, figures) for card, figures in cached_home_figures(plugins.home_cards)]

    assert cached == counted


def test_home_figures_are_counted_again_once_the_cache_entry_is_gone(client):
    MembershipFactory(organisation=OrganisationFactory(country=country("TH")))
    client.get("/")
    MembershipFactory(organisation=OrganisationFactory(country=country("ID")))
    stale = client.get("/").content.decode()

    cache.clear()  # what the TTL does after HOME_FIGURES_TTL seconds
    fresh = client.get("/").content.decode()

    assert (figure(stale, "organisations"), figure(fresh, "organisations")) == ("1", "2")


def test_each_card_has_its_own_cache_entry_for_a_minute(monkeypatch):
    calls = []
    monkeypatch.setattr(cache, "set_many", lambda *args: calls.append(args))

    cached_home_figures(plugins.home_cards)

    [(stored, timeout)] = calls
    assert (sorted(stored), timeout) == (
        sorted(f"home:figures:{card.key}" for card in plugins.home_cards),
        HOME_FIGURES_TTL,
    )


def test_home_figures_are_counted_when_the_cache_fails(monkeypatch):
    # What FailOpenRedisCache answers while Redis is down: every read a miss, writes dropped.
    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "set_many", lambda data, timeout: [])
    MembershipFactory(organisation=OrganisationFactory(country=country("TH")))

    figures = dict(cached_home_figures(plugins.home_cards))

    taskforce = next(card for card in plugins.home_cards if card.key == "taskforce")
    assert [figure.value for figure in figures[taskforce]] == [1, 1]
