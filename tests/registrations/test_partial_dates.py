"""Activities known only by their month or year: stored, dated and listed honestly."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from roadmap_portal.registrations.models import Activity, ActivityStatus, period_end
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

KL = ZoneInfo("Asia/Kuala_Lumpur")


def test_a_month_is_over_at_midnight_of_the_next_month_in_the_activitys_zone():
    ends = period_end(
        starts_at=dt.datetime(2025, 4, 1, tzinfo=KL),
        ends_at=None,
        precision="month",
        time_zone="Asia/Kuala_Lumpur",
    )

    assert ends == dt.datetime(2025, 5, 1, tzinfo=KL)


def test_a_december_is_over_at_the_new_year():
    ends = period_end(
        starts_at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
        ends_at=None,
        precision="month",
        time_zone="Asia/Manila",
    )

    assert ends == dt.datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Manila"))


def test_a_month_precision_start_is_kept_in_its_month_in_utc_and_locally():
    activity = ActivityFactory(
        starts_at=dt.datetime(2025, 4, 1, tzinfo=KL),  # 31 March 16:00 in UTC
        ends_at=None,
        date_precision="month",
        time_zone="Asia/Kuala_Lumpur",
        registration_opens_at=None,
        registration_closes_at=None,
    )

    assert activity.starts_at == dt.datetime(2025, 4, 1, 12, tzinfo=dt.UTC)
    assert activity.starts_at.astimezone(KL).month == 4
    assert activity.status == ActivityStatus.HELD


def test_upcoming_keeps_a_month_precision_activity_until_its_month_is_over():
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    this_month = ActivityFactory(
        starts_at=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC),
        ends_at=None,
        date_precision="month",
        registration_opens_at=None,
        registration_closes_at=None,
    )
    ActivityFactory(
        starts_at=dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC),
        ends_at=None,
        date_precision="month",
        registration_opens_at=None,
        registration_closes_at=None,
    )

    upcoming = Activity.objects.upcoming(now).exclude(kind="policy_dialogue")

    assert list(upcoming) == [this_month]


def test_the_rotation_years_before_this_one_are_not_upcoming(rotation):
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)

    years = [
        activity.starts_at.year
        for activity in Activity.objects.upcoming(now).filter(kind="policy_dialogue")
    ]

    assert years == [2026, 2027, 2028, 2029, 2030]
