"""Pages at scale: the same number of queries with few and with many rows.

Complements the per-app tests (``tests/*/test_views.py``, ``tests/*/test_console.py``) for the
pages that had none or not across a page boundary: a dialogue with more participants than
one page shows, a webinar with many registrants, the directory with a filter and a search,
the console's people filtered by country, and the console dashboard. The rows come from
``generate_scale_data``: a small set, then a second, larger one beside it.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from dialogues.models import Convening
from tests.factories import staff_user
from webinars.models import Webinar

pytestmark = pytest.mark.django_db

FEW = {"organisations": 5, "people": 20, "activities": 9, "registrations": 40}
MANY = {"organisations": 60, "people": 500, "activities": 9, "registrations": 3000}


def generate(sizes: dict) -> None:
    call_command("generate_scale_data", stdout=StringIO(), seed=3, **sizes)


def _busiest(queryset, marker: str):
    return (
        queryset.filter(slug__startswith=f"{marker}-")
        .annotate(
            confirmed=Count(
                "activity__registrations",
                filter=Q(activity__registrations__status="confirmed"),
            )
        )
        .order_by("-confirmed", "pk")
        .first()
    )


def dialogue_page(marker: str) -> str:
    return _busiest(Convening.objects, marker).get_absolute_url()


def webinar_page(marker: str) -> str:
    return _busiest(Webinar.objects, marker).get_absolute_url()


PAGES = {
    "dialogue": (dialogue_page, False),
    "webinar": (webinar_page, False),
    "directory filtered and searched": (lambda marker: "/taskforce/?country=PH&q=a", False),
    "console people by country": (lambda marker: "/manage/taskforce/people/?country=PH", True),
    "console dashboard": (lambda marker: "/manage/", True),
}


def queries(client, path: str) -> tuple[int, int]:
    cache.clear()  # the home figures and other cached counts are counted afresh
    client.get(path)  # the session, the site's first-request work
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_page_costs_the_same_queries_with_few_and_many_rows(client, name):
    page, as_staff = PAGES[name]
    if as_staff:
        client.force_login(staff_user())
    generate(FEW)
    few = queries(client, page("scale1"))

    generate(MANY)
    many = queries(client, page("scale2"))

    assert many == few


def test_dialogue_page_shows_its_participants_a_page_at_a_time(client):
    generate(MANY)
    convening = _busiest(Convening.objects, "scale1")
    listed = convening.activity.registrations.filter(
        status="confirmed", person__listed_publicly=True
    ).count()

    first = client.get(convening.get_absolute_url()).content.decode()
    second = client.get(f"{convening.get_absolute_url()}?page=2").content.decode()

    # Page 2 numbers its rows on from page 1.
    assert (
        listed > 100,
        first.count('<td class="num">'),
        '<td class="num">101</td>' in second,
    ) == (
        True,
        100,
        True,
    )
