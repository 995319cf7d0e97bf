import pytest

from roadmap_portal.core import plugins
from webinars import services
from webinars.models import WebinarAttendance

pytestmark = pytest.mark.django_db


def _figures() -> dict:
    card = next(card for card in plugins.home_cards if card.key == "webinars")
    return {str(figure.label): figure.value for figure in card.figures()}


def test_nav_entry_and_home_card_are_plugged_in():
    entry = next(entry for entry in plugins.nav_entries if entry.key == "webinars")

    assert (str(entry.label), entry.url_name, entry.order) == (
        "Webinars",
        "webinars:webinar_list",
        30,
    )
    assert _figures() == {"webinars held": 0, "people who attended": 0}


def test_home_card_counts_webinars_held_and_distinct_people_who_attended(
    make_webinar, past_webinar
):
    make_webinar()
    second_past = make_webinar(starts_at=past_webinar.activity.starts_at)
    for webinar, rows in [
        (past_webinar, "A,a@example.org,50\nB,b@example.org,5\n"),
        (second_past, "A,A@example.org,45\nC,c@example.org,40\n"),
    ]:
        preview = services.preview_attendance_import(
            webinar=webinar,
            data=f"Name,Email,Duration\n{rows}".encode(),
            file_name="export.csv",
            by=None,
        )
        services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=True)

    assert WebinarAttendance.objects.count() == 4
    assert _figures() == {"webinars held": 2, "people who attended": 2}


def test_home_page_shows_the_webinar_card(client, past_webinar):
    html = client.get("/").content.decode()

    assert "Webinar series" in html
    assert "webinars held" in html
