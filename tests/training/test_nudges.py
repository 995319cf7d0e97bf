"""The cohort nomination nudge: focal points of eligible organisations yet to nominate."""

import datetime as dt

import pytest
from django.core import mail

from roadmap_portal.core.mail import relay
from roadmap_portal.registrations import reminders
from roadmap_portal.registrations.models import ReminderLedger
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    country,
    member_of,
)
from tests.training.builders import make_cohort
from training.reminders import nomination_targets, organisations_to_nudge

pytestmark = pytest.mark.django_db

DAY = 24 * 60


def scan(now):
    result = reminders.scan(now=now)
    relay()
    return result


@pytest.fixture
def cohort():
    return make_cohort(eligible=("PH", "TH"), deadline_in=dt.timedelta(days=20))


def test_organisations_to_nudge_are_approved_eligible_and_without_nominees(cohort):
    philippine = OrganisationFactory(name="A Philippine cooperative", country=country("PH"))
    thai = OrganisationFactory(name="B Thai social enterprise", country=country("TH"))
    OrganisationFactory(name="C Malaysian cooperative", country=country("MY"))
    OrganisationFactory(name="D Unapproved", country=country("PH"), approved=False)
    nominated = OrganisationFactory(name="E Nominated", country=country("PH"))
    RegistrationFactory(activity=cohort.activity, organisation=nominated, status="pending")

    assert list(organisations_to_nudge(cohort)) == [philippine, thai]


def test_a_cohort_without_eligible_countries_nudges_every_country():
    cohort = make_cohort(deadline_in=dt.timedelta(days=20))
    malaysian = OrganisationFactory(country=country("MY"))

    assert list(organisations_to_nudge(cohort)) == [malaysian]


def test_focal_points_are_nudged_seven_days_and_one_day_before_the_deadline(cohort):
    organisation = OrganisationFactory(country=country("PH"))
    focal_point = member_of(organisation, focal_point=True)
    member_of(organisation)  # a plain member is not nudged
    deadline = cohort.activity.registration_closes_at

    counts = [
        scan(deadline - dt.timedelta(days=8)).queued,
        scan(deadline - dt.timedelta(days=6)).queued,
        scan(deadline - dt.timedelta(days=5)).queued,
        scan(deadline - dt.timedelta(hours=20)).queued,
        scan(deadline - dt.timedelta(hours=10)).queued,
    ]

    kinds = sorted(ReminderLedger.objects.values_list("reminder_kind", flat=True))
    assert counts == [0, 1, 0, 1, 0]
    assert kinds == [f"nudge:nomination:{7 * DAY}", f"nudge:nomination:{DAY}"]
    assert [message.to for message in mail.outbox] == [[focal_point.email]] * 2
    assert "Nominations for" in mail.outbox[0].subject


def test_an_organisation_that_nominates_before_the_nudge_is_sent_is_skipped(cohort):
    organisation = OrganisationFactory(country=country("PH"))
    member_of(organisation, focal_point=True)
    now = cohort.activity.registration_closes_at - dt.timedelta(days=6)
    targets = nomination_targets(now=now)
    reminders._insert(
        [
            ReminderLedger(
                recipient_email=t.recipient_email,
                activity_id=t.activity_id,
                reminder_kind=t.reminder_kind,
                target_starts_at=t.target_starts_at,
                due_at=t.due_at,
                payload=t.payload,
            )
            for t in targets
        ]
    )
    nominee = PersonFactory()
    AffiliationFactory(person=nominee, organisation=organisation)
    RegistrationFactory(
        activity=cohort.activity, organisation=organisation, person=nominee, status="pending"
    )

    scan(now)

    assert ReminderLedger.objects.get().skip_reason == "no_longer_applies"
    assert mail.outbox == []


def test_no_nudge_after_the_deadline(cohort):
    organisation = OrganisationFactory(country=country("PH"))
    member_of(organisation, focal_point=True)

    result = scan(cohort.activity.registration_closes_at + dt.timedelta(hours=1))

    assert result.queued == 0
