import datetime as dt

import icalendar
import pytest

from roadmap_portal.core.ics import CalendarEvent, event_uid, render_calendar, sequence_from

MANILA = dt.timezone(dt.timedelta(hours=8))


def forum(**kwargs):
    values = {
        "uid": "activity-7@roadmap.example.org",
        "summary": "SSE-for-SDGs Forum",
        "starts_at": dt.datetime(2024, 11, 12, 1, 0, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2024, 11, 13, 9, 0, tzinfo=dt.UTC),
        "time_zone": "Asia/Manila",
        "sequence": 3,
        "location": "Philippines",
        "url": "https://roadmap.example.org/dialogues/forum-2024/",
    }
    return CalendarEvent(**{**values, **kwargs})


def test_render_calendar_writes_local_times_with_their_time_zone():
    text = render_calendar([forum()], name="Forum")

    assert "DTSTART;TZID=Asia/Manila:20241112T090000" in text
    assert "DTEND;TZID=Asia/Manila:20241113T170000" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Manila" in text
    assert text.count("BEGIN:VTIMEZONE") == 1


def test_render_calendar_is_valid_rfc_5545_with_crlf_lines():
    text = render_calendar([forum()])

    calendar = icalendar.Calendar.from_ical(text)
    event = calendar.walk("VEVENT")[0]
    assert text.endswith("END:VCALENDAR\r\n")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == "activity-7@roadmap.example.org"
    assert int(event["SEQUENCE"]) == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == dt.datetime(2024, 11, 12, 9, 0, tzinfo=MANILA)


def test_render_calendar_marks_a_cancelled_event():
    event = icalendar.Calendar.from_ical(render_calendar([forum(cancelled=True)])).walk("VEVENT")[0]

    assert str(event["STATUS"]) == "CANCELLED"


def test_render_calendar_holds_several_events_and_zones():
    webinar = forum(uid="webinar-1@x", time_zone="Asia/Kuala_Lumpur", ends_at=None)

    text = render_calendar([forum(), webinar])

    assert text.count("BEGIN:VEVENT") == 2
    assert "TZID:Asia/Kuala_Lumpur" in text
    assert "DTSTART;TZID=Asia/Kuala_Lumpur:20241112T090000" in text


def test_render_calendar_falls_back_to_utc_for_an_unknown_zone():
    text = render_calendar([forum(time_zone="Mars/Olympus")])

    assert "DTSTART:20241112T010000Z" in text


def test_render_calendar_of_no_events_is_an_empty_calendar():
    text = render_calendar([], name="Nothing yet")

    assert "BEGIN:VEVENT" not in text
    assert "X-WR-CALNAME:Nothing yet" in text


def test_event_uid_is_stable_and_names_the_site(settings):
    settings.SITE_URL = "https://roadmap.example.org"

    assert event_uid("activity", 12) == "activity-12@roadmap.example.org"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, 0, 0, 1, tzinfo=dt.UTC)),
        (dt.datetime(2024, 6, 1, tzinfo=dt.UTC), dt.datetime(2030, 12, 31, tzinfo=dt.UTC)),
    ],
)
def test_sequence_grows_with_each_save_and_fits_32_bits(earlier, later):
    assert sequence_from(earlier) < sequence_from(later) < 2**31


def test_sequence_of_an_unsaved_object_is_zero():
    assert sequence_from(None) == 0
