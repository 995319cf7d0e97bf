"""The webinars in the secretariat console: the webinar and series lists and the dashboard."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, PersonFactory, member_of, staff_user
from webinars import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user(email="secretariat@example.org"))
    return client


def url(name, *args):
    return reverse(f"webinars_console:{name}", args=args)


def row_ids(response) -> list[int]:
    return [row["pk"] for row in response.context["rows"]]


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def soon(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["webinar_list", "series_list", "webinar_export"])
def test_console_lists_send_anonymous_visitors_to_sign_in(client, page):
    response = client.get(url(page))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", ["webinar_list", "series_list", "webinar_export"])
def test_console_lists_refuse_members_without_the_console_permission(client, page):
    client.force_login(member_of(OrganisationFactory()))

    response = client.get(url(page))

    assert response.status_code == 403


def test_webinar_page_links_to_the_staff_pages(staff_client, make_webinar):
    webinar = make_webinar(title="Cooperatives and SDG 8")

    listing = staff_client.get(url("webinar_list"))
    detail = staff_client.get(url("webinar_detail", webinar.pk))

    assert listing.status_code == 200
    assert row_ids(listing) == [webinar.pk]
    assert detail.status_code == 200
    for name in ("webinar_update", "webinar_cancel", "recording_update", "attendance_upload"):
        assert reverse(f"webinars:{name}", kwargs={"slug": webinar.slug}) in detail.content.decode()


def test_a_cancelled_webinar_offers_no_cancel_link(staff_client, make_webinar):
    webinar = make_webinar()
    services.cancel_webinar(webinar=webinar)

    detail = staff_client.get(url("webinar_detail", webinar.pk))

    assert detail.context["cancel_url"] == ""


def test_series_list_and_page_show_their_webinars(staff_client, series, make_webinar):
    webinar = make_webinar(title="Social finance")

    listing = staff_client.get(url("series_list"))
    detail = staff_client.get(url("series_detail", series.pk))

    assert row_ids(listing) == [series.pk]
    assert listing.context["rows"][0]["cells"][2]["value"] == "1"
    assert [w.pk for w in detail.context["webinars"]] == [webinar.pk]


# Filters ------------------------------------------------------------------------------------


def test_webinar_list_filters_by_series_language_and_status(staff_client, series, make_webinar):
    other_series = services.create_series(
        title="Another series", slug="another", organiser=OrganisationFactory()
    )
    wanted = make_webinar(language="th")
    make_webinar(language="en")
    make_webinar(series=other_series, language="th")
    cancelled = make_webinar(language="th")
    services.cancel_webinar(webinar=cancelled)

    response = staff_client.get(
        url("webinar_list"), {"series": series.pk, "language": "th", "status": "open"}
    )

    assert row_ids(response) == [wanted.pk]


def test_webinar_list_filters_by_dates(staff_client, make_webinar):
    make_webinar(starts_at=soon(3))
    wanted = make_webinar(starts_at=soon(20))
    make_webinar(starts_at=soon(40))
    after = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    before = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    response = staff_client.get(url("webinar_list"), {"date_after": after, "date_before": before})

    assert row_ids(response) == [wanted.pk]


def test_webinar_search_finds_speakers_without_diacritics(staff_client, make_webinar):
    speaker = PersonFactory(name="Nguyễn Thị Hằng")
    wanted = make_webinar(title="Women in cooperatives", speakers=[speaker])
    make_webinar(title="Social finance")

    by_speaker = staff_client.get(url("webinar_list"), {"q": "nguyen thi hang"})
    by_title = staff_client.get(url("webinar_list"), {"q": "COOPERATIVES"})

    assert row_ids(by_speaker) == [wanted.pk]
    assert row_ids(by_title) == [wanted.pk]


def test_webinar_list_sorts_by_start(staff_client, make_webinar):
    later = make_webinar(starts_at=soon(20))
    earlier = make_webinar(starts_at=soon(10))

    ascending = staff_client.get(url("webinar_list"), {"sort": "starts_at"})
    descending = staff_client.get(url("webinar_list"), {"sort": "-starts_at"})

    assert row_ids(ascending) == [earlier.pk, later.pk]
    assert row_ids(descending) == [later.pk, earlier.pk]


def test_an_unknown_filter_choice_matches_nothing(staff_client, make_webinar):
    make_webinar()

    response = staff_client.get(url("webinar_list"), {"language": "xx"})

    assert row_ids(response) == []


# Exports ------------------------------------------------------------------------------------


def test_webinar_export_leaves_the_join_link_out_unless_asked(staff_client, make_webinar):
    webinar = make_webinar(title="Cooperatives and SDG 8", language="id")

    default = staff_client.get(url("webinar_export"))
    chosen = staff_client.get(url("webinar_export"), {"columns": "title,language,join_url"})

    default_rows = rows_of(default)
    assert default_rows[0] == [
        "Title",
        "Series",
        "Starts",
        "Language",
        "Status",
        "Join link",
        "Confirmed",
        "Recording published",
        "Platform",
        "Time zone",
        "Recording link",
        "Address",
    ]
    assert webinar.join_url not in default_rows[1]
    assert rows_of(chosen) == [
        ["Title", "Language", "Join link (address)"],
        ["Cooperatives and SDG 8", "Indonesian", webinar.join_url],
    ]


def test_webinar_export_as_xlsx_keeps_the_filters(staff_client, make_webinar):
    from openpyxl import load_workbook

    make_webinar(title="In Thai", language="th")
    make_webinar(title="In English", language="en")

    response = staff_client.get(
        url("webinar_export"), {"format": "xlsx", "language": "th", "columns": "title"}
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["Title"], ["In Thai"]]


# Dashboard ----------------------------------------------------------------------------------


def test_dashboard_counts_webinars_next_week_without_a_join_link(staff_client, make_webinar):
    make_webinar(starts_at=soon(3), join_url="")
    make_webinar(starts_at=soon(3))
    make_webinar(starts_at=soon(20), join_url="")
    cancelled = make_webinar(starts_at=soon(2), join_url="")
    services.cancel_webinar(webinar=cancelled)

    response = staff_client.get(reverse("console:dashboard"))

    items = {item["key"]: item for item in response.context["items"]}
    assert items["webinars_without_join_link"]["count"] == 1
    assert items["webinars_without_join_link"]["url"] == (
        url("webinar_list") + "?starting=week&join_link=missing"
    )
    listing = staff_client.get(url("webinar_list"), {"starting": "week", "join_link": "missing"})
    assert len(row_ids(listing)) == 1


def test_console_menu_lists_the_webinar_pages(staff_client):
    response = staff_client.get(url("series_list"))

    links = {
        link.url: link for section in response.context["console_menu"] for link in section.links
    }
    assert url("webinar_list") in links
    assert links[url("series_list")].current is True


# Query counts -------------------------------------------------------------------------------


def _webinars(count, make_webinar, series):
    speaker = PersonFactory()
    for _ in range(count):
        make_webinar(speakers=[speaker])


def _series(count, make_webinar, series):
    for _ in range(count):
        other = services.create_series(
            title=f"Series {OrganisationFactory().pk}",
            slug=f"series-{OrganisationFactory().pk}",
            organiser=OrganisationFactory(),
        )
        make_webinar(series=other)


@pytest.mark.parametrize(
    ("page", "arrange"), [("webinar_list", _webinars), ("series_list", _series)]
)
def test_list_pages_cost_the_same_queries_for_few_and_many_rows(
    page, arrange, staff_client, make_webinar, series, django_assert_num_queries
):
    arrange(2, make_webinar, series)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url(page))
    arrange(25, make_webinar, series)

    with django_assert_num_queries(len(few)):
        response = staff_client.get(url(page))

    assert len(response.context["rows"]) > 2
