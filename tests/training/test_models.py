import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.training.builders import attend_all, enrol, make_course, make_ended_cohort
from training.models import (
    Certificate,
    DeliveryMode,
    Module,
    SessionAttendance,
    delivery_mode_flags,
    is_well_formed_certificate_code,
    new_certificate_code,
)

pytestmark = pytest.mark.django_db


def test_new_certificate_codes_are_well_formed_and_differ():
    codes = {new_certificate_code() for _ in range(100)}

    assert len(codes) == 100
    assert all(is_well_formed_certificate_code(code) for code in codes)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "short",
        "x" * 28,
        "has space in it 0123456789ab",
        "ĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀĀ",
        "a/b" * 9,
    ],
)
def test_malformed_codes_are_recognised(code):
    assert is_well_formed_certificate_code(code) is False


def test_delivery_mode_flags_map_to_the_activity():
    assert delivery_mode_flags(DeliveryMode.ONSITE) == (True, False)
    assert delivery_mode_flags(DeliveryMode.ONLINE) == (False, True)
    assert delivery_mode_flags(DeliveryMode.HYBRID) == (True, True)


def test_module_positions_are_unique_within_a_course():
    course = make_course(modules=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(course=course, position=1, title="Twice")


def test_attendance_is_recorded_once_per_session_and_registration():
    cohort = make_ended_cohort(sessions=1)
    registration = enrol(cohort)
    session = cohort.sessions.get()
    SessionAttendance.objects.create(session=session, registration=registration, present=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAttendance.objects.create(session=session, registration=registration, present=False)


def test_database_refuses_a_malformed_certificate_code():
    cohort = make_ended_cohort(sessions=1)
    registration = enrol(cohort)

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(registration=registration, code="guessable")


def test_database_refuses_a_revocation_without_a_reason():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    [certificate] = attend_all(cohort, [enrol(cohort)])

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
