"""What registering costs, and that the shortcuts taken for it agree with the plain reads.

``register_person`` reads the person's active registration, the seats taken, the
organisation's seats and the waitlist in one query under the lock (``registration_census``),
and the acting user's rights in one query before it (``standing_in``); confirmations attach
a calendar rendered once per event. Each shortcut is held here to the reads it replaces.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from roadmap_portal.accounts import membership
from roadmap_portal.core.ics import render_calendar
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import selectors, services
from roadmap_portal.registrations.ics import activity_calendar, activity_event
from roadmap_portal.registrations.models import (
    Activity,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
)
from roadmap_portal.registrations.services import RefusalCode, RegistrationRefused
from tests.factories import (
    ActivityFactory,
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    member_of,
)
from tests.registrations.conftest import colleague_of, register

pytestmark = pytest.mark.django_db


# Queries ------------------------------------------------------------------------------------

# A focal point registering a colleague without an account: before the lock, the rights (1)
# and the activity with what its mails show (1); then, in the transaction (a savepoint
# inside the test's own transaction: 2), the lock timeout (1), the activity's row (1), the
# census (1), the registration and its history row (2) and the outbox row (1). The colleague
# has no account, so no verified address is looked up.
REGISTER_QUERIES = 2 + 2 + 1 + 1 + 1 + 2 + 1


@pytest.fixture
def full_activity(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=1)
    register(activity, colleague_of(organisation), organisation, focal_point)
    return activity


def test_registering_a_colleague_costs_a_fixed_number_of_queries(
    activity, organisation, focal_point, django_assert_num_queries, require_postgres
):
    person = colleague_of(organisation)
    focal_point.has_perm("accounts.access_console")  # the permission cache, as in a request
    focal_point.person  # noqa: B018 - loaded by the request's membership checks

    with django_assert_num_queries(REGISTER_QUERIES):
        registration = register(activity, person, organisation, focal_point)

    assert registration.status == RegistrationStatus.CONFIRMED


def test_waitlisting_costs_no_query_more_than_confirming(
    full_activity, organisation, focal_point, django_assert_num_queries, require_postgres
):
    person = colleague_of(organisation)
    focal_point.has_perm("accounts.access_console")
    focal_point.person  # noqa: B018

    with django_assert_num_queries(REGISTER_QUERIES):
        registration = register(full_activity, person, organisation, focal_point)

    assert registration.status == RegistrationStatus.WAITLISTED
    message = OutboxMessage.objects.get(to_email=person.email)
    assert "number 1 in line" in message.body_text


# The census ---------------------------------------------------------------------------------


def test_the_census_agrees_with_the_reads_it_replaces(organisation, focal_point, staff):
    other = OrganisationFactory()
    activity = ActivityFactory(onsite_capacity=2, online_capacity=1)
    by_other = member_of(other, focal_point=True)
    people = [colleague_of(organisation) for _ in range(5)]
    others = [colleague_of(other) for _ in range(3)]
    register(activity, people[0], organisation, focal_point)
    register(activity, others[0], other, by_other)
    register(activity, people[1], organisation, focal_point)  # waitlisted onsite
    register(activity, people[2], organisation, focal_point, mode=Mode.ONLINE)
    register(activity, others[1], other, by_other, mode=Mode.ONLINE)  # waitlisted online
    register(activity, people[3], organisation, staff, role=Role.SPEAKER)  # outside capacity
    cancelled = register(activity, others[2], other, by_other)
    services.cancel_registration(registration=cancelled, by=by_other)
    # Someone waiting since the same instant as another: the id decides.
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITLISTED).first()
    tied = register(activity, people[4], organisation, focal_point)
    Registration.objects.filter(pk=tied.pk).update(requested_at=waiting.requested_at)
    now = timezone.now()

    for mode in (Mode.ONSITE, Mode.ONLINE):
        for person in [*people, *others, PersonFactory()]:
            for org in (organisation, other, None):
                census = selectors.registration_census(
                    activity, person=person, organisation=org, mode=mode, now=now
                )
                active = Registration.objects.active().filter(activity=activity, person=person)
                assert census.existing_status == (active.get().status if active.exists() else None)
                assert census.seats_taken == selectors.seats_taken_in(activity, mode)
                assert census.organisation_seats_used == (
                    selectors.organisation_seats_used(activity, org) if org else 0
                )
        # The position of the next registration of the mode, saved now.
        census = selectors.registration_census(
            activity, person=PersonFactory(), organisation=None, mode=mode, now=now
        )
        following = Registration.objects.create(
            activity=activity,
            person=PersonFactory(),
            mode=mode,
            status=RegistrationStatus.WAITLISTED,
            requested_at=now,
        )
        assert census.waitlisted_ahead + 1 == selectors.waitlist_position(following)


def test_the_census_counts_nothing_of_another_activity(organisation, focal_point):
    activity, elsewhere = ActivityFactory(), ActivityFactory()
    person = colleague_of(organisation)
    register(elsewhere, person, organisation, focal_point)

    census = selectors.registration_census(
        activity, person=person, organisation=organisation, mode=Mode.ONSITE, now=timezone.now()
    )

    assert census == selectors.Census(
        existing_status=None, seats_taken=0, organisation_seats_used=0, waitlisted_ahead=0
    )


# Rights in one query ------------------------------------------------------------------------


def test_standing_in_agrees_with_the_membership_checks(organisation):
    unapproved = OrganisationFactory(approved=False)
    focal_point = member_of(organisation, focal_point=True)
    AffiliationFactory(person=focal_point.person, organisation=unapproved, is_focal_point=True)
    member = member_of(organisation)
    former = member_of(organisation)
    former.person.affiliations.update(ended=dt.date(2025, 1, 1))
    outsider = member_of(OrganisationFactory())
    colleague = colleague_of(organisation)
    AffiliationFactory(person=colleague, organisation=unapproved)
    people = [colleague, PersonFactory(), focal_point.person, member.person, former.person]

    for user in (focal_point, member, former, outsider):
        for org in (organisation, unapproved):
            for person in people:
                standing = selectors.standing_in(
                    org, acting_person=membership.person_of(user), person=person
                )
                assert standing == selectors.Standing(
                    is_member=membership.is_member_of(user, org),
                    is_focal_point=membership.is_focal_point_of(user, org),
                    person_is_active=selectors.is_active_in(person, org),
                )


# The rare insert that the lock cannot protect -----------------------------------------------


def test_an_insert_refused_by_the_database_is_already_registered_and_leaves_nothing(
    activity, organisation, focal_point, monkeypatch
):
    """Only a write outside the engine (the admin) can get there: the census misses it."""
    person = colleague_of(organisation)
    register(activity, person, organisation, focal_point)
    missed = selectors.Census(
        existing_status=None, seats_taken=0, organisation_seats_used=0, waitlisted_ahead=0
    )
    monkeypatch.setattr(selectors, "registration_census", lambda *args, **kwargs: missed)

    with pytest.raises(RegistrationRefused) as caught:
        register(activity, person, organisation, focal_point, mode=Mode.ONLINE)

    assert caught.value.code == RefusalCode.ALREADY_REGISTERED
    assert isinstance(caught.value.__cause__, IntegrityError)
    # The transaction is usable afterwards and holds one registration, one history row and
    # one message.
    assert Registration.objects.filter(person=person).count() == 1
    assert Registration.history.filter(person=person).count() == 1
    assert OutboxMessage.objects.filter(to_email=person.email).count() == 1
    assert not connection.needs_rollback


# The calendar -------------------------------------------------------------------------------


def test_the_calendar_is_the_one_render_calendar_writes_now(activity, monkeypatch):
    clock = [dt.datetime(2026, 3, 1, 8, 0, 0, 250000, tzinfo=dt.UTC)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])

    first = activity_calendar(activity)
    fresh = render_calendar([activity_event(activity)], name=activity.title)
    clock[0] = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)
    later = activity_calendar(activity)
    later_fresh = render_calendar([activity_event(activity)], name=activity.title)

    assert first == fresh
    assert "DTSTAMP:20260301T080000Z" in first
    assert later == later_fresh
    assert "DTSTAMP:20260302T093015Z" in later


def test_a_saved_activity_gets_a_new_calendar(activity):
    before = activity_calendar(activity)
    activity.title = "SSE for SDGs Forum, second day added"
    activity.updated_at = activity.updated_at + dt.timedelta(minutes=5)

    after = activity_calendar(activity)

    assert "second day added" in after
    assert "second day added" not in before
    assert activity_calendar(activity, mode=Mode.ONLINE) != after  # the location differs


# The activity under the lock -----------------------------------------------------------------


def test_the_decision_reads_the_locked_row_and_the_mail_needs_no_query_more(
    organisation, focal_point, django_assert_num_queries
):
    """The caller's copy of the activity may be stale: the locked row decides."""
    activity = ActivityFactory(onsite_capacity=0)
    stale = Activity.objects.get(pk=activity.pk)
    Activity.objects.filter(pk=activity.pk).update(onsite_capacity=1)

    registration = register(stale, colleague_of(organisation), organisation, focal_point)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.activity.onsite_capacity == 1
    with django_assert_num_queries(0):
        registration.activity.page_url()
        assert registration.activity.country.code == "PH"
