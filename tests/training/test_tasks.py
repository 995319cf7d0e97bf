import datetime as dt

import pytest

from tests.training.builders import enrol, make_cohort
from training import services, tasks
from training.models import Certificate

pytestmark = pytest.mark.django_db


def test_issue_due_certificates_issues_once_the_cohort_has_ended():
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-2),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=1,
    )
    registration = enrol(cohort)
    services.record_attendance(
        session=cohort.sessions.get(),
        present_registration_ids=[registration.pk],
        by=None,
        now=cohort.activity.starts_at + dt.timedelta(minutes=10),
    )

    first = tasks.issue_due_certificates()
    second = tasks.issue_due_certificates()

    assert (first, second) == (1, 0)
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_issue_due_certificates_with_nothing_due_issues_nothing():
    make_cohort()

    assert tasks.issue_due_certificates() == 0
