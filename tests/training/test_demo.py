"""The training part of seed_demo: the course, a past cohort with completions, an open one."""

import pytest
from django.utils import timezone

from roadmap_portal.core import plugins
from roadmap_portal.core.plugins import SeedContext
from taskforce import demo as registry_demo
from training import demo
from training.models import Certificate, Cohort, CohortSession, Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    registry_demo.seed(SeedContext())
    context = SeedContext()
    demo.seed(context)
    return context


def test_demo_seeds_the_course_and_its_modules(seeded):
    course = Course.objects.get(slug=demo.COURSE_SLUG)

    assert course.modules.count() == len(demo.MODULES)
    assert sorted(course.organisers.values_list("slug", flat=True)) == ["appgm-sdg", "asec"]


def test_demo_past_cohort_has_completions_with_certificates(seeded):
    cohort = Cohort.objects.get(slug=demo.PAST_COHORT_SLUG)
    expected = [
        row.name
        for row in demo.TRAINEES
        if len(row.attended) * 100 >= cohort.completion_threshold_percent * 5
    ]

    holders = Certificate.objects.filter(registration__activity=cohort.activity).values_list(
        "registration__person__name", flat=True
    )

    assert cohort.activity.ends_at < timezone.now()
    assert sorted(holders) == sorted(expected)
    assert len(expected) == 6


def test_demo_upcoming_cohort_is_open_for_nomination(seeded):
    cohort = Cohort.objects.get(slug=demo.UPCOMING_COHORT_SLUG)

    assert list(Cohort.objects.open_for_nomination()) == [cohort]
    assert CohortSession.objects.filter(cohort=cohort).count() == len(demo.MODULES)
    assert cohort.delivery_mode == "hybrid"


def test_demo_seeding_twice_creates_nothing(seeded):
    counts = (Course.objects.count(), Cohort.objects.count(), Certificate.objects.count())
    context = SeedContext()

    demo.seed(context)

    assert (Course.objects.count(), Cohort.objects.count(), Certificate.objects.count()) == counts
    assert sum(tally.created for tally in context.tallies.values()) == 0


def test_training_seeder_is_plugged_in_after_taskforce_and_dialogues():
    keys = [seeder.key for seeder in plugins.demo_seeders]

    assert "training" in keys
    assert keys.index("training") > keys.index("taskforce")
