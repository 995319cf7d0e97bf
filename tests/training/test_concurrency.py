"""Training under contention, on PostgreSQL: the engine's lock keeps limits and capacity, the
cohort's lock keeps one certificate per completion."""

import threading

import pytest
from django.db import connection

from roadmap_portal.accounts.models import User
from roadmap_portal.registrations.models import Registration, RegistrationStatus
from tests.factories import OrganisationFactory, member_of, staff_user
from tests.training.builders import enrol, make_cohort, make_ended_cohort, make_nominee
from training import services
from training.models import Certificate, SessionAttendance
from training.services import TrainingRefused

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _race(callables):
    """Run the callables at once, each in its own thread and connection; return outcomes."""
    barrier = threading.Barrier(len(callables))
    outcomes, errors = [], []

    def run(work):
        try:
            barrier.wait(timeout=30)
            outcomes.append(work())
        except TrainingRefused as refused:
            outcomes.append(refused.code)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


def test_racing_nominations_never_pass_the_organisation_limit(require_postgres):
    cohort = make_cohort(seats_per_organisation=2)
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    nominees = [make_nominee(organisation) for _ in range(6)]

    def nominate(person):
        return lambda: (
            services.nominate_person(
                cohort=cohort,
                person=person,
                organisation=organisation,
                motivation="Racing.",
                by=User.objects.get(pk=focal_point.pk),
            ).status
        )

    outcomes, errors = _race([nominate(person) for person in nominees])

    assert errors == []
    assert sorted(outcomes) == ["organisation_limit"] * 4 + ["pending"] * 2
    assert Registration.objects.filter(activity=cohort.activity).count() == 2


def test_racing_acceptances_never_overfill_the_cohort(require_postgres):
    cohort = make_cohort(online_capacity=2)
    registrations = []
    for _ in range(5):
        organisation = OrganisationFactory()
        registrations.append(
            services.nominate_person(
                cohort=cohort,
                person=make_nominee(organisation),
                organisation=organisation,
                motivation="Waiting.",
                by=member_of(organisation, focal_point=True),
            )
        )
    staff = staff_user()

    def accept(registration):
        return lambda: (
            services.decide_nomination(
                registration=Registration.objects.get(pk=registration.pk),
                decision="confirm",
                by=User.objects.get(pk=staff.pk),
            ).status
        )

    outcomes, errors = _race([accept(registration) for registration in registrations])

    assert errors == []
    assert sorted(outcomes) == ["confirmed"] * 2 + ["no_seats"] * 3
    assert (
        Registration.objects.filter(
            activity=cohort.activity, status=RegistrationStatus.CONFIRMED
        ).count()
        == 2
    )


def test_racing_evaluations_issue_exactly_one_certificate(require_postgres):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(cohort)
    SessionAttendance.objects.create(
        session=cohort.sessions.get(), registration=registration, present=True
    )

    outcomes, errors = _race(
        [lambda: len(services.evaluate_completion(cohort=cohort)) for _ in range(4)]
    )

    assert errors == []
    assert sorted(outcomes) == [0, 0, 0, 1]
    assert Certificate.objects.filter(registration=registration).count() == 1
