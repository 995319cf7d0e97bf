"""The generic console views: the outbox list, safe returns, limits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import console_lists
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def message(number: int, status: str = "sent") -> OutboxMessage:
    return OutboxMessage.objects.create(
        to_email=f"person{number}@example.org",
        subject=f"Subject {number}",
        body_text="Hello",
        message_id=f"<{number}@example.org>",
        status=status,
        last_error="550 mailbox unavailable" if status == "failed" else "",
    )


def test_failed_messages_are_listed_with_their_error(staff_client):
    failed = message(1, "failed")
    message(2, "sent")

    listing = staff_client.get(reverse("console:message_list"), {"status": "failed"})
    detail = staff_client.get(reverse("console:message_detail", args=[failed.pk]))

    assert [row["pk"] for row in listing.context["rows"]] == [failed.pk]
    assert ("Last error", "550 mailbox unavailable", "") in detail.context["facts"]
    assert detail.context["history"] is None


def test_message_list_costs_the_same_queries_for_few_and_many_rows(
    staff_client, django_assert_num_queries
):
    for number in range(2):
        message(number)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse("console:message_list"))
    for number in range(2, 30):
        message(number)

    with django_assert_num_queries(len(few)):
        staff_client.get(reverse("console:message_list"))


def test_a_bulk_action_refuses_more_rows_than_its_limit(staff_client, monkeypatch):
    registrations = [RegistrationFactory(status="pending") for _ in range(3)]
    monkeypatch.setattr(console_lists.registration_console, "max_bulk_rows", 2)

    response = staff_client.post(
        reverse("participation_console:registration_bulk"),
        {"action": "confirm", "ids": [r.pk for r in registrations], "confirmed": "1"},
    )

    assert response.status_code == 302
    assert [r.status for r in type(registrations[0]).objects.order_by("pk")] == ["pending"] * 3


def test_a_bulk_action_never_sends_staff_to_another_site(staff_client):
    response = staff_client.post(
        reverse("participation_console:registration_bulk"),
        {"action": "confirm", "next": "https://evil.example.com/"},
    )

    assert response.url == reverse("participation_console:registration_list")


def test_sort_links_keep_the_filters(staff_client):
    RegistrationFactory(status="pending")

    response = staff_client.get(
        reverse("participation_console:registration_list"), {"status": "pending", "page": "1"}
    )

    person_header = response.context["headers"][0]
    assert person_header["sort_url"] == "?status=pending&sort=person"


def test_the_export_form_carries_the_filters_and_leaves_personal_columns_unticked(staff_client):
    response = staff_client.get(
        reverse("participation_console:registration_list"), {"status": "pending"}
    )

    assert response.context["export_filter_fields"] == [("status", "pending")]
    unticked = [f["column"].key for f in response.context["export_fields"] if not f["checked"]]
    assert unticked == ["email", "registered_by", "motivation"]


def test_a_list_counts_exactly_up_to_its_limit(staff_client, monkeypatch):
    from roadmap_portal.roadmap.console_views import message_console

    for number in range(3):
        message(number)
    monkeypatch.setattr(message_console, "count_limit", 3)

    response = staff_client.get(reverse("console:message_list"))

    assert response.context["paginator"].count == 3
    assert "3 rows" in response.content.decode()
    assert "Download 3 rows" in response.content.decode()


def test_a_list_beyond_its_limit_says_more_than_and_counts_no_further(staff_client, monkeypatch):
    from roadmap_portal.roadmap.console_views import message_console

    for number in range(5):
        message(number)
    monkeypatch.setattr(message_console, "count_limit", 3)
    monkeypatch.setattr(message_console, "paginate_by", 2)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("console:message_list"), {"page": 2})

    body = response.content.decode()
    assert "More than 3 rows: filter or search to narrow them down." in body
    assert "Download all rows (more than 3)" in body
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 4" in count
    assert response.context["paginator"].num_pages == 2
    assert len(response.context["rows"]) == 2


def _count_queries(client, path, data=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data or {})
    counts = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    return response.context["paginator"].count, len(counts)


@pytest.mark.django_db(transaction=True)
def test_a_list_of_public_data_keeps_its_count_until_the_data_changes(client):
    from tests.factories import PersonFactory, staff_user

    client.force_login(staff_user())
    PersonFactory.create_batch(3)
    people = reverse("taskforce_console:person_list")

    assert _count_queries(client, people) == (3, 1)
    assert _count_queries(client, people, {"page": "1", "sort": "-name"}) == (3, 0)
    assert _count_queries(client, people, {"gender": "woman"})[1] == 1

    PersonFactory()

    assert _count_queries(client, people) == (4, 1)


@pytest.mark.django_db(transaction=True)
def test_a_list_of_other_data_counts_every_time(client):
    from tests.factories import staff_user

    client.force_login(staff_user())
    message(1)
    messages = reverse("console:message_list")

    assert _count_queries(client, messages) == (1, 1)
    assert _count_queries(client, messages) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_list_of_public_data_keeps_its_page_of_ids_and_reads_the_rows_afresh(client):
    from tests.factories import PersonFactory, staff_user

    client.force_login(staff_user())
    for name in ["Ana", "Bui", "Chai"]:
        PersonFactory(name=name)
    people = reverse("taskforce_console:person_list")

    def names(response):
        return [row["cells"][0]["value"] for row in response.context["rows"]]

    first = client.get(people, {"sort": "-name"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(people, {"sort": "-name"})

    assert names(first) == names(again) == ["Chai", "Bui", "Ana"]
    person_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "taskforce_person"' in q["sql"]
    ]
    assert len(person_reads) == 1
    assert '"taskforce_person"."id" IN' in person_reads[0]
    assert "ORDER BY" not in person_reads[0]

    PersonFactory(name="Dara")
    assert names(client.get(people, {"sort": "-name"})) == ["Dara", "Chai", "Bui", "Ana"]
