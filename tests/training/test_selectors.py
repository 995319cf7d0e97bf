import datetime as dt

import pytest
from django.utils import timezone

from roadmap_portal.registrations.models import ActivityKind, RegistrationStatus
from taskforce.models import Country
from tests.factories import ActivityFactory, OrganisationFactory, RegistrationFactory, staff_user
from tests.training.builders import attend_all, enrol, make_cohort, make_ended_cohort
from training import selectors, services
from training.selectors import ProgressState

pytestmark = pytest.mark.django_db


def _trained(country_code: str, *, organisation=None, cohort=None):
    """A person of ``country_code`` who completed a cohort; returns the certificate."""
    cohort = cohort or make_ended_cohort(sessions=1, threshold=100)
    organisation = organisation or OrganisationFactory(
        country=Country.objects.get(code=country_code)
    )
    registration = enrol(cohort, organisation=organisation)
    [certificate] = attend_all(cohort, [registration])
    return certificate


def _dialogue(country_code: str, *, days_ahead: int = 200, title: str = ""):
    return ActivityFactory(
        kind=ActivityKind.POLICY_DIALOGUE,
        title=title or f"Policy Dialogue in {country_code}",
        country=Country.objects.get(code=country_code),
        starts_at=timezone.now() + dt.timedelta(days=days_ahead),
    )


def _readiness_by_title():
    return {
        row.dialogue.title: (row.dialogue.country_id, row.people, row.organisations)
        for row in selectors.host_readiness()
    }


def test_readiness_counts_people_and_organisations_of_the_host_country():
    dialogue = _dialogue("TH", title="Policy Dialogue 2028 test")
    cohort = make_ended_cohort(sessions=1, threshold=100)
    homenet = OrganisationFactory(country=Country.objects.get(code="TH"))
    _trained("TH", organisation=homenet, cohort=cohort)
    _trained("TH", organisation=homenet, cohort=cohort)
    _trained("TH")
    _trained("PH")

    rows = _readiness_by_title()

    assert rows[dialogue.title] == ("TH", 3, 2)


def test_readiness_leaves_out_revoked_certificates_and_other_countries():
    dialogue = _dialogue("SG")
    kept = _trained("SG")
    revoked = _trained("SG")
    services.revoke_certificate(certificate=revoked, by=staff_user(), reason="Duplicate person.")
    _trained("MY")

    rows = _readiness_by_title()

    assert kept.registration.organisation.country_id == "SG"
    assert rows[dialogue.title] == ("SG", 1, 1)


def test_readiness_counts_a_person_once_across_cohorts():
    dialogue = _dialogue("VN")
    organisation = OrganisationFactory(country=Country.objects.get(code="VN"))
    first = _trained("VN", organisation=organisation)
    second_cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(second_cohort, person=first.registration.person, organisation=organisation)
    attend_all(second_cohort, [registration])

    rows = _readiness_by_title()

    assert rows[dialogue.title] == ("VN", 1, 1)


def test_readiness_shows_only_upcoming_policy_dialogues():
    past = ActivityFactory(
        kind=ActivityKind.POLICY_DIALOGUE,
        title="Past dialogue",
        starts_at=timezone.now() - dt.timedelta(days=30),
        registration_opens_at=None,
    )
    workshop = ActivityFactory(kind=ActivityKind.WORKSHOP, title="A workshop")
    upcoming = _dialogue("BN", title="Upcoming dialogue")

    titles = set(_readiness_by_title())

    assert upcoming.title in titles
    assert past.title not in titles
    assert workshop.title not in titles


def test_readiness_costs_two_queries_with_few_or_many_rows(django_assert_num_queries):
    _dialogue("TH")
    with django_assert_num_queries(2):
        selectors.host_readiness()
    for code in ("PH", "SG", "VN", "BN"):
        _dialogue(code)
        _trained(code)
        _trained(code)

    with django_assert_num_queries(2):
        selectors.host_readiness()


def test_cohort_progress_states():
    """Two of four sessions held, threshold 75% (3 sessions needed)."""
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-2, hours=1),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=4,
        threshold=75,
    )
    on_track, at_risk, lost = enrol(cohort), enrol(cohort), enrol(cohort)
    held = list(cohort.sessions.filter(starts_at__lte=timezone.now()).order_by("starts_at"))
    assert len(held) == 2
    services.record_attendance(
        session=held[0], present_registration_ids=[on_track.pk, at_risk.pk], by=None
    )
    services.record_attendance(session=held[1], present_registration_ids=[on_track.pk], by=None)

    progress = selectors.cohort_progress(cohort)

    states = {row.registration.pk: (row.attended, row.state) for row in progress.rows}
    assert (progress.sessions, progress.held, progress.needed) == (4, 2, 3)
    assert states == {
        on_track.pk: (2, ProgressState.ON_TRACK),
        at_risk.pk: (1, ProgressState.AT_RISK),
        lost.pk: (0, ProgressState.CANNOT_COMPLETE),
    }


def test_cohort_progress_after_the_end_shows_certificates_and_who_did_not_complete():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    done, revoked, missed = enrol(cohort), enrol(cohort), enrol(cohort)
    issued = attend_all(cohort, [done, revoked, missed], skip={0: [missed]})
    services.revoke_certificate(
        certificate=next(c for c in issued if c.registration_id == revoked.pk),
        by=staff_user(),
        reason="Attendance was wrongly recorded.",
    )

    states = {row.registration.pk: row.state for row in selectors.cohort_progress(cohort).rows}

    assert states == {
        done.pk: ProgressState.COMPLETED,
        revoked.pk: ProgressState.REVOKED,
        missed.pk: ProgressState.NOT_COMPLETED,
    }


def test_cohort_progress_costs_the_same_with_few_or_many_participants(
    django_assert_num_queries,
):
    cohort = make_ended_cohort(sessions=2, threshold=50)
    attend_all(cohort, [enrol(cohort)])
    with django_assert_num_queries(2):
        selectors.cohort_progress(cohort)
    attend_all(cohort, [enrol(cohort) for _ in range(6)])

    with django_assert_num_queries(2):
        selectors.cohort_progress(cohort)


def test_country_balance_counts_nominations_by_status():
    cohort = make_cohort()
    philippines = OrganisationFactory(country=Country.objects.get(code="PH"))
    thailand = OrganisationFactory(country=Country.objects.get(code="TH"))
    for organisation, status in [
        (philippines, RegistrationStatus.PENDING),
        (philippines, RegistrationStatus.CONFIRMED),
        (thailand, RegistrationStatus.DECLINED),
        (thailand, RegistrationStatus.CANCELLED),
    ]:
        RegistrationFactory(activity=cohort.activity, organisation=organisation, status=status)

    balance = [
        (row.country, row.pending, row.confirmed, row.waitlisted, row.declined)
        for row in selectors.country_balance(cohort)
    ]

    assert balance == [("Philippines", 1, 1, 0, 0), ("Thailand", 0, 0, 0, 1)]


def test_training_figures_count_people_with_valid_certificates_and_cohorts():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    first, second = enrol(cohort), enrol(cohort)
    issued = attend_all(cohort, [first, second])
    services.revoke_certificate(certificate=issued[0], by=staff_user(), reason="Mistake.")
    make_cohort()

    assert selectors.training_figures() == {"people_trained": 1, "cohorts": 2}


def test_cohorts_for_listing_splits_upcoming_and_past():
    past = make_ended_cohort()
    upcoming = make_cohort()

    listing = selectors.cohorts_for_listing()

    assert (listing["upcoming"], listing["past"]) == ([upcoming], [past])
