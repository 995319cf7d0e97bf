"""The engine under contention, on PostgreSQL: row locks, not luck, keep the seat count."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count

from roadmap_portal.accounts.models import User
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import Activity, Registration, RegistrationStatus
from roadmap_portal.registrations.services import RefusalCode, RegistrationRefused
from tests.factories import ActivityFactory, OrganisationFactory, member_of
from tests.registrations.conftest import colleague_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_many_people_racing_for_the_last_seats_never_overfill_the_activity(require_postgres):
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    activity = ActivityFactory(onsite_capacity=10)
    for _ in range(7):
        services.register_person(
            activity=activity,
            person=colleague_of(organisation),
            organisation=organisation,
            mode="onsite",
            by=focal_point,
        )
    racers = [colleague_of(organisation) for _ in range(20)]
    barrier = threading.Barrier(len(racers))
    outcomes, errors = [], []

    def attempt(person):
        try:
            by = User.objects.get(pk=focal_point.pk)
            barrier.wait(timeout=30)
            registration = services.register_person(
                activity=activity, person=person, organisation=organisation, mode="onsite", by=by
            )
            outcomes.append(registration.status)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counts = dict(
        Registration.objects.filter(activity=activity)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    duplicates = (
        Registration.objects.active()
        .filter(activity=activity)
        .values("person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    assert errors == []
    assert sorted(outcomes) == ["confirmed"] * 3 + ["waitlisted"] * 17
    assert counts == {RegistrationStatus.CONFIRMED: 10, RegistrationStatus.WAITLISTED: 17}
    assert duplicates == 0


def test_a_registration_that_waits_too_long_for_the_lock_is_refused_as_busy(
    require_postgres, settings
):
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 100
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    activity = ActivityFactory()
    person = colleague_of(organisation)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Activity.objects.select_for_update().get(pk=activity.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait(timeout=10)
    try:
        with pytest.raises(RegistrationRefused) as caught:
            services.register_person(
                activity=activity,
                person=person,
                organisation=organisation,
                mode="onsite",
                by=focal_point,
            )
    finally:
        release.set()
        holder.join()

    assert caught.value.code == RefusalCode.BUSY
    assert caught.value.message == "This activity is busy, please try again."
    assert Registration.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
