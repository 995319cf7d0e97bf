import datetime as dt

import icalendar
import pytest

from roadmap_portal.registrations.ics import activity_calendar, activity_event
from roadmap_portal.registrations.models import DatePrecision, Mode
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_activity_event_is_zoned_and_keeps_one_uid(settings):
    settings.SITE_URL = "https://roadmap.example.org"
    activity = ActivityFactory(
        title="ILO Regional Workshop on SSE",
        starts_at=dt.datetime(2030, 6, 18, 2, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 6, 19, 10, 0, tzinfo=dt.UTC),
        time_zone="Asia/Bangkok",
        registration_opens_at=None,
        registration_closes_at=None,
    )

    text = activity_calendar(activity)

    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert "DTSTART;TZID=Asia/Bangkok:20300618T090000" in text
    assert str(event["UID"]) == f"activity-{activity.pk}@roadmap.example.org"
    assert str(event["LOCATION"]) == "Philippines"


def test_activity_event_online_is_located_online(activity):
    assert activity_event(activity, mode=Mode.ONLINE).location == "Online"


def test_activity_event_sequence_grows_when_the_activity_changes(activity):
    before = activity_event(activity).sequence
    activity.updated_at = activity.updated_at + dt.timedelta(seconds=5)

    assert activity_event(activity).sequence == before + 5


@pytest.mark.parametrize("precision", [DatePrecision.MONTH, DatePrecision.YEAR])
def test_no_calendar_while_only_the_month_or_year_is_known(precision):
    activity = ActivityFactory(date_precision=precision)

    assert activity_calendar(activity) is None


def test_no_calendar_without_dates():
    activity = ActivityFactory(starts_at=None, ends_at=None, registration_closes_at=None)

    assert activity_event(activity) is None
