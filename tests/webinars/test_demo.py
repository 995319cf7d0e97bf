import pytest

from roadmap_portal.core.plugins import SeedContext
from roadmap_portal.registrations.models import Registration
from roadmap_portal.roadmap.management.commands.seed_demo import ensure_demo_accounts
from taskforce import demo as taskforce_demo
from webinars.demo import WEBINARS, seed_webinars
from webinars.models import Webinar, WebinarAttendance

pytestmark = pytest.mark.django_db


def _seed(*, accounts: bool) -> SeedContext:
    context = SeedContext()
    if accounts:
        context.accounts = ensure_demo_accounts(context)
    taskforce_demo.seed(SeedContext(accounts=context.accounts))
    webinar_context = SeedContext(accounts=context.accounts)
    seed_webinars(webinar_context)
    return webinar_context


def test_seed_builds_past_and_upcoming_webinars_with_registry_speakers():
    _seed(accounts=True)

    webinars = list(Webinar.objects.select_related("activity").order_by("activity__starts_at"))
    assert [w.slug for w in webinars] == [row.slug for row in WEBINARS]
    held = [w for w in webinars if w.activity.status == "held"]
    assert len(held) == 2
    assert all(w.has_recording for w in held)
    assert all(WebinarAttendance.objects.filter(webinar=w).exists() for w in held)
    speaker = webinars[0].speakers.order_by("webinar_speaker_slots__position").first()
    assert speaker == taskforce_demo.find_person("Denison Jayasooria")
    upcoming = webinars[2]
    assert Registration.objects.filter(activity=upcoming.activity, status="confirmed").count() == 1


def test_seed_twice_creates_nothing_the_second_time():
    _seed(accounts=True)
    counts = (
        Webinar.objects.count(),
        WebinarAttendance.objects.count(),
        Registration.objects.count(),
    )

    context = _seed(accounts=True)

    assert (
        Webinar.objects.count(),
        WebinarAttendance.objects.count(),
        Registration.objects.count(),
    ) == counts
    assert all(tally.created == 0 for tally in context.tallies.values())


def test_seed_without_demo_accounts_still_builds_the_series():
    _seed(accounts=False)

    assert Webinar.objects.count() == len(WEBINARS)
