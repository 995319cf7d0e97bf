"""Public pages from the cache: reused for anonymous visitors, fresh after every change."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roadmap_portal.core import pagecache
from taskforce.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

DIRECTORY = "/taskforce/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def get(client, path=DIRECTORY, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def is_hit(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


# What counts as a change ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('INSERT INTO "taskforce_organisation" ("name") VALUES (%s)', True),
        ('UPDATE "registrations_registration" SET "status" = %s', True),
        ('DELETE FROM "dialogues_agendasession" WHERE "id" = %s', True),
        ("  insert into webinars_webinar (slug) values ('x')", True),
        ('TRUNCATE "taskforce_organisation", "core_outboxmessage"', True),
        ('SELECT "name" FROM "taskforce_organisation"', False),
        ('INSERT INTO "core_outboxmessage" ("to_email") VALUES (%s)', False),
        ('INSERT INTO "taskforce_historicalorganisation" ("name") VALUES (%s)', False),
        ('UPDATE "registrations_reminderledger" SET "status" = %s', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        (b"INSERT INTO taskforce_organisation", False),
    ],
)
def test_writes_to_the_public_apps_tables_count_as_changes(sql, expected):
    assert pagecache.writes_public_data(sql) is expected


def test_many_to_many_tables_of_the_public_apps_are_watched():
    assert "dialogues_convening_organised_by" in pagecache.watched_tables()


# Serving pages -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_visitor_gets_the_stored_page_without_a_query():
    OrganisationFactory(name="Kilusan Cooperative")
    first, _ = get(Client())
    second, queries = get(Client())
    assert not is_hit(first)
    assert is_hit(second)
    assert queries == 0
    assert "Kilusan Cooperative" in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_on_the_next_page():
    organisation = OrganisationFactory(name="Kilusan Cooperative")
    get(Client())
    organisation.name = "Kilusan Workers Cooperative"
    organisation.save()
    response, _ = get(Client())
    assert not is_hit(response)
    assert "Kilusan Workers Cooperative" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_is_a_change_too():
    OrganisationFactory(name="Kilusan Cooperative")
    get(Client())
    Organisation.objects.filter(name="Kilusan Cooperative").update(name="Bulk Renamed")
    response, _ = get(Client())
    assert "Bulk Renamed" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_transaction_reads_its_own_writes_and_stores_nothing_before_it_commits():
    OrganisationFactory(name="Kilusan Cooperative")
    get(Client())
    with transaction.atomic():
        Organisation.objects.filter(name="Kilusan Cooperative").update(name="Not Yet Committed")
        inside, _ = get(Client())
        assert not is_hit(inside)
        assert "Not Yet Committed" in inside.content.decode()
        transaction.set_rollback(True)
    after, _ = get(Client())
    assert "Kilusan Cooperative" in after.content.decode()
    assert "Not Yet Committed" not in after.content.decode()


@pytest.mark.django_db(transaction=True)
def test_each_language_has_its_own_page():
    get(Client())
    thai, _ = get(Client(HTTP_ACCEPT_LANGUAGE="th"))
    assert not is_hit(thai)
    assert 'lang="th"' in thai.content.decode()
    english, _ = get(Client())
    assert is_hit(english)
    assert 'lang="en"' in english.content.decode()


@pytest.mark.django_db(transaction=True)
def test_signed_in_users_never_get_a_stored_page():
    get(Client())
    client = Client()
    client.force_login(UserFactory())
    response, _ = get(client)
    assert not is_hit(response)
    assert "Sign out" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_with_a_message_waiting_gets_a_fresh_page():
    get(Client())
    client = Client()
    client.cookies["messages"] = "anything"
    response, _ = get(client)
    assert not is_hit(response)


@pytest.mark.django_db(transaction=True)
def test_each_visitor_gets_a_csrf_token_of_their_own_that_the_form_accepts():
    first_client = Client(enforce_csrf_checks=True)
    first, _ = get(first_client)
    second_client = Client(enforce_csrf_checks=True)
    second, _ = get(second_client)
    assert is_hit(second)
    (first_token,) = set(TOKEN.findall(first.content.decode()))
    (second_token,) = set(TOKEN.findall(second.content.decode()))
    assert first_token != second_token
    assert "csrftoken" in second.cookies
    switched = second_client.post(
        "/i18n/setlang/",
        {"language": "th", "next": DIRECTORY, "csrfmiddlewaretoken": second_token},
    )
    assert switched.status_code == 302
    refused = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/",
        {"language": "th", "next": DIRECTORY, "csrfmiddlewaretoken": second_token},
    )
    assert refused.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_no_ttl_turns_the_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_TTL = 0
    get(Client())
    response, _ = get(Client())
    assert not is_hit(response)


@pytest.mark.django_db(transaction=True)
def test_a_page_that_is_not_found_is_not_stored():
    Client().get("/taskforce/no-such-organisation/")
    response = Client().get("/taskforce/no-such-organisation/")
    assert response.status_code == 404
    assert not is_hit(response)


@pytest.mark.django_db(transaction=True)
def test_a_lost_version_gives_a_fresh_one_not_an_old_page():
    from django.core.cache import cache

    OrganisationFactory(name="Kilusan Cooperative")
    get(Client())
    cache.delete(pagecache.VERSION_KEY)
    response, _ = get(Client())
    assert not is_hit(response)


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_view_queued_a_message_is_not_stored():
    from django.contrib import messages
    from django.test import RequestFactory

    def view(request):
        messages.info(request, "Only for you")
        return HttpResponse("<p>page</p>")

    def request():
        made = RequestFactory().get("/somewhere/")
        made.user = AnonymousUser()
        made.session = SessionStore()
        made._messages = default_storage(made)
        return made

    wrapped = pagecache.public_page(view)
    wrapped(request())
    second = wrapped(request())
    assert not is_hit(second)
