"""Fixtures for the webinars tests: series and webinars built through the real services."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory
from webinars import services

_numbers = itertools.count(1)


@pytest.fixture
def series(db):
    organiser = OrganisationFactory(name="MySDG Academy", slug="mysdg-academy")
    partner = OrganisationFactory(name="Asian Solidarity Economy Council", slug="asec")
    return services.create_series(
        title="MySDG Academy x ASEC",
        slug="mysdg-asec",
        organiser=organiser,
        partners=[partner],
        description="Webinars for the Task Force.",
    )


@pytest.fixture
def make_webinar(db, series):
    """``create_webinar`` with defaults: 60 minutes, in 30 days, Asia/Kuala_Lumpur, Zoom."""

    def make(**overrides):
        number = next(_numbers)
        arguments = {
            "series": series,
            "slug": f"webinar-{number}",
            "title": f"Webinar {number}",
            "abstract": "Solidarity economy and the goals.",
            "starts_at": _minute(timezone.now() + dt.timedelta(days=30)),
            "duration_minutes": 60,
            "time_zone": "Asia/Kuala_Lumpur",
            "language": "en",
            "platform": "zoom",
            "join_url": f"https://zoom.example.org/j/secret{number}",
        }
        arguments.update(overrides)
        return services.create_webinar(**arguments)

    return make


@pytest.fixture
def past_webinar(make_webinar):
    """A 60-minute webinar held two days ago."""
    return make_webinar(
        starts_at=_minute(timezone.now() - dt.timedelta(days=2)), title="Held webinar"
    )


def _minute(moment: dt.datetime) -> dt.datetime:
    """Calendars carry whole seconds; webinars start on the minute."""
    return moment.replace(second=0, microsecond=0)
