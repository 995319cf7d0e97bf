"""The .ics files, parsed back with icalendar."""

import datetime as dt
import zoneinfo

import icalendar
import pytest

from webinars import services

pytestmark = pytest.mark.django_db

SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")


def _events(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar.walk("VEVENT")


def test_webinar_calendar_is_public_and_carries_the_event(client, make_webinar, settings):
    settings.SITE_URL = "https://roadmap.example.org"
    webinar = make_webinar(slug="sse-and-the-sdgs", title="SSE and the SDGs")

    response = client.get("/webinars/sse-and-the-sdgs.ics")

    assert response.status_code == 200
    [event] = _events(response)
    assert str(event["UID"]) == f"webinar-{webinar.pk}@roadmap.example.org"
    assert str(event["SUMMARY"]) == "SSE and the SDGs"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == "https://roadmap.example.org/webinars/sse-and-the-sdgs/"
    assert str(event["LOCATION"]) == "Online (Zoom)"
    assert event.decoded("DTSTART") == webinar.activity.starts_at
    assert event.decoded("DTEND") == webinar.activity.ends_at
    assert event["DTSTART"].params["TZID"] == "Asia/Kuala_Lumpur"


def test_webinar_calendar_never_carries_the_join_link(client, make_webinar):
    webinar = make_webinar(join_url="https://zoom.example.org/j/very-secret")

    response = client.get(f"/webinars/{webinar.slug}.ics")

    assert b"very-secret" not in response.content


def test_webinar_calendar_in_sydney_keeps_local_time_across_daylight_saving(client, make_webinar):
    """Sydney leaves daylight saving on Sunday 4 April 2027: 10:00 is UTC+11 before, +10 after."""
    before = make_webinar(
        starts_at=dt.datetime(2027, 3, 25, 10, 0, tzinfo=SYDNEY), time_zone="Australia/Sydney"
    )
    after = make_webinar(
        starts_at=dt.datetime(2027, 4, 8, 10, 0, tzinfo=SYDNEY), time_zone="Australia/Sydney"
    )

    events = {}
    for webinar in (before, after):
        response = client.get(f"/webinars/{webinar.slug}.ics")
        calendar = icalendar.Calendar.from_ical(response.content)
        [event] = calendar.walk("VEVENT")
        [zone] = calendar.walk("VTIMEZONE")
        events[webinar.slug] = (event, zone)

    before_event, before_zone = events[before.slug]
    after_event, after_zone = events[after.slug]
    for event in (before_event, after_event):
        assert event["DTSTART"].params["TZID"] == "Australia/Sydney"
        assert event.decoded("DTSTART").time() == dt.time(10, 0)
    assert before_event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=11)
    assert after_event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=10)
    assert after_event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2027, 4, 8, 0, 0, tzinfo=dt.UTC
    )
    assert str(after_zone["TZID"]) == "Australia/Sydney"
    assert {component.name for component in after_zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert "DTSTART;TZID=Australia/Sydney:20270408T100000" in response.content.decode()


def test_webinar_calendar_bumps_the_sequence_on_change_and_keeps_the_uid(client, make_webinar):
    webinar = make_webinar()
    first = _events(client.get(f"/webinars/{webinar.slug}.ics"))[0]

    services.update_webinar(
        webinar=webinar, starts_at=webinar.activity.starts_at + dt.timedelta(days=1)
    )
    second = _events(client.get(f"/webinars/{webinar.slug}.ics"))[0]

    assert str(second["UID"]) == str(first["UID"])
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second.decoded("DTSTART") - first.decoded("DTSTART") == dt.timedelta(days=1)


def test_webinar_calendar_marks_a_cancelled_webinar_cancelled(client, make_webinar):
    webinar = services.cancel_webinar(webinar=make_webinar())

    [event] = _events(client.get(f"/webinars/{webinar.slug}.ics"))

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_webinar_calendar_tells_the_recording_once_published(client, past_webinar):
    services.publish_recording(webinar=past_webinar, recording_url="https://video.example.org/9")

    [event] = _events(client.get(f"/webinars/{past_webinar.slug}.ics"))

    assert "Recording: https://video.example.org/9" in str(event["DESCRIPTION"])


def test_webinar_calendar_of_an_unknown_webinar_is_404(client, db):
    assert client.get("/webinars/nothing-here.ics").status_code == 404


def test_series_feed_lists_every_webinar_without_join_links(client, series, make_webinar):
    first = make_webinar(join_url="https://zoom.example.org/j/secret-one")
    second = make_webinar(time_zone="Asia/Manila", join_url="https://meet.example.org/secret-two")
    services.cancel_webinar(webinar=second)

    response = client.get(f"/webinars/series/{series.slug}/feed.ics")

    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == series.title
    statuses = {
        str(event["UID"]).split("@")[0]: str(event["STATUS"]) for event in _events(response)
    }
    assert statuses == {f"webinar-{first.pk}": "CONFIRMED", f"webinar-{second.pk}": "CANCELLED"}
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {
        "Asia/Kuala_Lumpur",
        "Asia/Manila",
    }
    assert b"secret" not in response.content


def test_series_feed_of_an_unknown_series_is_404(client, db):
    assert client.get("/webinars/series/nothing/feed.ics").status_code == 404
