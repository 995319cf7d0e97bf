import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services as engine
from roadmap_portal.registrations.models import Registration, RegistrationStatus
from taskforce.models import Country
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    member_of,
    staff_user,
)
from tests.training.builders import (
    attend_all,
    enrol,
    make_cohort,
    make_ended_cohort,
    make_nominee,
)
from training import services
from training.models import Certificate, DeliveryMode, SessionAttendance
from training.services import TrainingRefused

pytestmark = pytest.mark.django_db


def _focal_point(organisation):
    return member_of(organisation, focal_point=True)


def _nominate(cohort, organisation, *, by=None, person=None, motivation="Leads our SSE work."):
    by = by or _focal_point(organisation)
    person = person or make_nominee(organisation)
    return services.nominate_person(
        cohort=cohort, person=person, organisation=organisation, motivation=motivation, by=by
    )


# Cohorts -----------------------------------------------------------------------------------


def test_create_cohort_makes_a_training_activity_that_requires_approval():
    cohort = make_cohort(delivery_mode=DeliveryMode.HYBRID, onsite_capacity=10)

    activity = cohort.activity
    assert activity.kind == "training_cohort"
    assert activity.requires_approval is True
    assert (activity.allows_onsite, activity.allows_online) == (True, True)
    assert cohort.delivery_mode == DeliveryMode.HYBRID
    assert cohort.nomination_deadline == activity.registration_closes_at


def test_create_cohort_online_has_no_country_and_no_onsite_seats():
    cohort = make_cohort(delivery_mode=DeliveryMode.ONLINE, onsite_capacity=10)

    assert cohort.activity.country is None
    assert cohort.activity.onsite_capacity is None
    assert cohort.modes == ["online"]


def test_create_cohort_refuses_a_deadline_after_the_start():
    with pytest.raises(TrainingRefused) as refused:
        make_cohort(deadline_in=dt.timedelta(days=90))

    assert refused.value.code == "window"


def test_update_cohort_refuses_to_drop_a_mode_people_are_registered_in():
    cohort = make_cohort(delivery_mode=DeliveryMode.HYBRID)
    enrol(cohort, mode="onsite")
    schedule = services.CohortSchedule(
        starts_at=cohort.activity.starts_at,
        ends_at=cohort.activity.ends_at,
        time_zone="Asia/Manila",
        delivery_mode=DeliveryMode.ONLINE,
        nominations_open_at=cohort.activity.registration_opens_at,
        nomination_deadline=cohort.activity.registration_closes_at,
    )

    with pytest.raises(TrainingRefused) as refused:
        services.update_cohort(cohort=cohort, title="Renamed", schedule=schedule, by=staff_user())

    assert refused.value.code == "mode_in_use"
    cohort.refresh_from_db()
    assert cohort.title != "Renamed"


def _schedule_of(cohort, **changes):
    activity = cohort.activity
    values = {
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "time_zone": activity.time_zone,
        "delivery_mode": cohort.delivery_mode,
        "nominations_open_at": activity.registration_opens_at,
        "nomination_deadline": activity.registration_closes_at,
        "online_capacity": activity.online_capacity,
        "onsite_capacity": activity.onsite_capacity,
        "seats_per_organisation": activity.seats_per_organisation,
    }
    values.update(changes)
    return services.CohortSchedule(**values)


def test_update_cohort_growing_capacity_promotes_the_waitlist_through_the_engine():
    cohort = make_cohort(online_capacity=1)
    organisation = OrganisationFactory()
    first = _nominate(cohort, organisation)
    second = _nominate(cohort, organisation)
    staff = staff_user()
    services.decide_nomination(registration=first, decision="confirm", by=staff)
    services.decide_nomination(registration=second, decision="waitlist", by=staff)

    services.update_cohort(
        cohort=cohort,
        title=cohort.title,
        schedule=_schedule_of(cohort, online_capacity=2),
        by=staff,
    )

    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


# Nominations -------------------------------------------------------------------------------


def test_focal_point_nominates_a_colleague_pending_with_motivation():
    cohort = make_cohort()
    organisation = OrganisationFactory()

    registration = _nominate(cohort, organisation, motivation="  Runs our cooperative school. ")

    assert registration.status == RegistrationStatus.PENDING
    assert registration.motivation == "Runs our cooperative school."
    assert registration.organisation == organisation
    assert registration.mode == "online"


def test_nomination_refused_to_a_member_who_is_not_focal_point():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    member = member_of(organisation)

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation, by=member)

    assert refused.value.code == "not_focal_point"
    assert Registration.objects.count() == 0


def test_nomination_refused_for_another_organisations_person():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    outsider = make_nominee(OrganisationFactory())

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation, person=outsider)

    assert refused.value.code == "not_affiliated"


def test_nomination_refused_by_a_focal_point_of_another_organisation():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    other_focal_point = _focal_point(OrganisationFactory())

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation, by=other_focal_point)

    assert refused.value.code == "not_focal_point"


def test_nomination_refused_before_nominations_open():
    cohort = make_cohort(opens_in=dt.timedelta(days=3))

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, OrganisationFactory())

    assert refused.value.code == "not_open"


def test_nomination_refused_after_the_deadline_and_says_when_it_passed():
    cohort = make_cohort(opens_in=dt.timedelta(days=-10), deadline_in=dt.timedelta(days=-1))

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, OrganisationFactory())

    assert refused.value.code == "deadline_passed"
    assert refused.value.message.startswith("The nomination deadline for this cohort passed on ")
    assert Registration.objects.count() == 0


def test_nomination_accepted_just_before_the_deadline():
    cohort = make_cohort(deadline_in=dt.timedelta(minutes=5))

    registration = _nominate(cohort, OrganisationFactory())

    assert registration.status == RegistrationStatus.PENDING


def test_nomination_refused_when_the_organisations_country_is_not_eligible():
    cohort = make_cohort(eligible=("TH", "MY"))
    organisation = OrganisationFactory(country=Country.objects.get(code="PH"))

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation)

    assert refused.value.code == "country_not_eligible"
    assert refused.value.message == (
        f"{organisation.name} is in Philippines; this cohort is open to organisations from "
        "Malaysia, Thailand only."
    )


def test_nomination_accepted_from_an_eligible_country():
    cohort = make_cohort(eligible=("PH",))

    registration = _nominate(cohort, OrganisationFactory())

    assert registration.status == RegistrationStatus.PENDING


def test_nomination_needs_a_motivation():
    cohort = make_cohort()

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, OrganisationFactory(), motivation="   ")

    assert refused.value.code == "motivation_required"


def test_nomination_to_a_hybrid_cohort_needs_a_mode():
    cohort = make_cohort(delivery_mode=DeliveryMode.HYBRID)

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, OrganisationFactory())

    assert refused.value.code == "mode"


def test_nomination_limit_per_organisation_counts_pending_nominations():
    cohort = make_cohort(seats_per_organisation=2)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    _nominate(cohort, organisation, by=focal_point)
    _nominate(cohort, organisation, by=focal_point)

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation, by=focal_point)

    assert refused.value.code == "organisation_limit"
    assert Registration.objects.filter(organisation=organisation).count() == 2


def test_nomination_limit_frees_a_seat_when_a_nomination_is_declined():
    cohort = make_cohort(seats_per_organisation=1)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    first = _nominate(cohort, organisation, by=focal_point)
    services.decide_nomination(
        registration=first, decision="decline", reason="Not this year.", by=staff_user()
    )

    second = _nominate(cohort, organisation, by=focal_point)

    assert second.status == RegistrationStatus.PENDING


def test_nominating_the_same_person_twice_is_refused():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    person = make_nominee(organisation)
    _nominate(cohort, organisation, by=focal_point, person=person)

    with pytest.raises(TrainingRefused) as refused:
        _nominate(cohort, organisation, by=focal_point, person=person)

    assert refused.value.code == "already_registered"


def test_withdraw_nomination_cancels_it_through_the_engine():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    registration = _nominate(cohort, organisation, by=focal_point)

    services.withdraw_nomination(registration=registration, by=focal_point)
    services.withdraw_nomination(registration=registration, by=focal_point)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_withdraw_nomination_refused_to_another_organisations_focal_point():
    cohort = make_cohort()
    registration = _nominate(cohort, OrganisationFactory())

    with pytest.raises(TrainingRefused):
        services.withdraw_nomination(
            registration=registration, by=_focal_point(OrganisationFactory())
        )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


# Review ------------------------------------------------------------------------------------


def test_accepting_a_nomination_confirms_it_and_tells_nominee_and_focal_point():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    nominee = make_nominee(organisation, email="nominee@example.org")
    registration = _nominate(cohort, organisation, by=focal_point, person=nominee)

    decided = services.decide_nomination(
        registration=registration, decision="confirm", by=staff_user()
    )

    assert decided.status == RegistrationStatus.CONFIRMED
    topics = set(OutboxMessage.objects.values_list("to_email", "topic"))
    assert ("nominee@example.org", "registration.confirmed") in topics
    assert (focal_point.email, "training.nomination.confirmed") in topics


def test_waitlisting_a_nomination_tells_the_focal_point():
    cohort = make_cohort(online_capacity=0)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    registration = _nominate(cohort, organisation, by=focal_point)

    decided = services.decide_nomination(
        registration=registration, decision="waitlist", reason="Full for now.", by=staff_user()
    )

    assert decided.status == RegistrationStatus.WAITLISTED
    assert decided.decision_reason == "Full for now."
    assert (
        OutboxMessage.objects.filter(
            to_email=focal_point.email, topic="training.nomination.waitlisted"
        ).count()
        == 1
    )


def test_declining_needs_a_reason_and_changes_nothing_without_one():
    cohort = make_cohort()
    registration = _nominate(cohort, OrganisationFactory())

    with pytest.raises(TrainingRefused) as refused:
        services.decide_nomination(registration=registration, decision="decline", by=staff_user())

    assert refused.value.code == "reason_required"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_declining_with_a_reason_tells_the_focal_point_the_reason():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    registration = _nominate(cohort, organisation, by=focal_point)

    decided = services.decide_nomination(
        registration=registration,
        decision="decline",
        reason="Your country's quota is met.",
        by=staff_user(),
    )

    assert decided.status == RegistrationStatus.DECLINED
    message = OutboxMessage.objects.get(
        to_email=focal_point.email, topic="training.nomination.declined"
    )
    assert "Your country's quota is met." in message.body_text


def test_deciding_the_same_way_twice_sends_nothing_more():
    cohort = make_cohort()
    registration = _nominate(cohort, OrganisationFactory())
    staff = staff_user()
    services.decide_nomination(registration=registration, decision="confirm", by=staff)
    sent = OutboxMessage.objects.count()

    services.decide_nomination(registration=registration, decision="confirm", by=staff)

    assert OutboxMessage.objects.count() == sent


def test_accepting_beyond_capacity_is_refused_by_the_engine():
    cohort = make_cohort(online_capacity=1)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    first = _nominate(cohort, organisation, by=focal_point)
    second = _nominate(cohort, organisation, by=focal_point)
    staff = staff_user()
    services.decide_nomination(registration=first, decision="confirm", by=staff)

    with pytest.raises(TrainingRefused) as refused:
        services.decide_nomination(registration=second, decision="confirm", by=staff)

    assert refused.value.code == "no_seats"
    second.refresh_from_db()
    assert second.status == RegistrationStatus.PENDING


def test_withdrawing_an_accepted_nominee_promotes_the_first_waitlisted():
    cohort = make_cohort(online_capacity=1)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    first = _nominate(cohort, organisation, by=focal_point)
    second = _nominate(cohort, organisation, by=focal_point)
    staff = staff_user()
    services.decide_nomination(registration=first, decision="confirm", by=staff)
    services.decide_nomination(registration=second, decision="waitlist", by=staff)

    services.withdraw_nomination(registration=first, by=focal_point)

    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


def test_only_staff_decide_nominations():
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    registration = _nominate(cohort, organisation, by=focal_point)

    with pytest.raises(TrainingRefused) as refused:
        services.decide_nomination(registration=registration, decision="confirm", by=focal_point)

    assert refused.value.code == "not_allowed"


# Attendance --------------------------------------------------------------------------------


def test_record_attendance_saves_everyone_on_the_roster_present_or_absent():
    cohort = make_ended_cohort()
    present, absent = enrol(cohort), enrol(cohort)
    session = cohort.sessions.order_by("starts_at").first()
    staff = staff_user()

    services.record_attendance(session=session, present_registration_ids=[present.pk], by=staff)

    rows = dict(session.attendances.values_list("registration_id", "present"))
    assert rows == {present.pk: True, absent.pk: False}
    assert set(session.attendances.values_list("recorded_by", flat=True)) == {staff.pk}


def test_record_attendance_twice_keeps_unchanged_rows_and_flips_changed_ones():
    cohort = make_ended_cohort()
    first, second = enrol(cohort), enrol(cohort)
    session = cohort.sessions.order_by("starts_at").first()
    services.record_attendance(session=session, present_registration_ids=[first.pk], by=None)
    recorded_at = SessionAttendance.objects.get(registration=first).recorded_at

    services.record_attendance(
        session=session, present_registration_ids=[first.pk, second.pk], by=None
    )

    assert SessionAttendance.objects.get(registration=first).recorded_at == recorded_at
    assert SessionAttendance.objects.get(registration=second).present is True
    assert SessionAttendance.objects.count() == 2


def test_record_attendance_refuses_someone_not_on_the_roster_and_writes_nothing():
    cohort = make_ended_cohort()
    enrolled = enrol(cohort)
    other_cohort = make_ended_cohort()
    stranger = enrol(other_cohort)
    session = cohort.sessions.first()

    with pytest.raises(TrainingRefused) as refused:
        services.record_attendance(
            session=session, present_registration_ids=[enrolled.pk, stranger.pk], by=None
        )

    assert refused.value.code == "not_on_roster"
    assert SessionAttendance.objects.count() == 0


def test_record_attendance_refuses_a_session_that_has_not_started():
    cohort = make_cohort()
    registration = enrol(cohort)

    with pytest.raises(TrainingRefused) as refused:
        services.record_attendance(
            session=cohort.sessions.first(), present_registration_ids=[registration.pk], by=None
        )

    assert refused.value.code == "not_started"


def test_pending_and_declined_nominees_are_not_on_the_roster():
    cohort = make_ended_cohort()
    confirmed = enrol(cohort)
    pending = Registration.objects.create(
        activity=cohort.activity, person=PersonFactory(), status=RegistrationStatus.PENDING
    )

    with pytest.raises(TrainingRefused):
        services.record_attendance(
            session=cohort.sessions.first(),
            present_registration_ids=[confirmed.pk, pending.pk],
            by=None,
        )


# Completion and certificates ---------------------------------------------------------------


def test_completion_at_the_threshold_issues_one_certificate_after_the_cohort_ended():
    cohort = make_ended_cohort(sessions=5, threshold=80)
    registration = enrol(cohort)

    issued = attend_all(cohort, [registration], skip={0: [registration]})

    assert [certificate.registration for certificate in issued] == [registration]
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_no_certificate_below_the_threshold():
    cohort = make_ended_cohort(sessions=5, threshold=80)
    registration = enrol(cohort)

    issued = attend_all(cohort, [registration], skip={0: [registration], 1: [registration]})

    assert issued == []
    assert Certificate.objects.count() == 0


def test_no_certificate_before_the_last_session_is_over():
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-2),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=5,
        threshold=40,
    )
    registration = enrol(cohort)
    held = list(cohort.sessions.filter(starts_at__lte=timezone.now()))

    for session in held:
        services.record_attendance(
            session=session, present_registration_ids=[registration.pk], by=None
        )

    assert len(held) >= 2
    assert Certificate.objects.count() == 0


def test_recording_attendance_again_never_issues_a_second_certificate():
    cohort = make_ended_cohort(sessions=2, threshold=50)
    registration = enrol(cohort)
    attend_all(cohort, [registration])

    again = attend_all(cohort, [registration])
    evaluated = services.evaluate_completion(cohort=cohort)

    assert again == []
    assert evaluated == []
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_a_revoked_certificate_is_not_issued_again():
    cohort = make_ended_cohort(sessions=2, threshold=50)
    registration = enrol(cohort)
    [certificate] = attend_all(cohort, [registration])
    services.revoke_certificate(certificate=certificate, by=staff_user(), reason="Fraud.")

    issued = services.evaluate_completion(cohort=cohort)

    assert issued == []
    assert Certificate.objects.get().is_revoked is True


def test_editing_a_cohort_never_issues_certificates():
    """Attendance recorded before the last session ended issues nothing; a later edit of the
    cohort (even to lower the threshold) still issues nothing; only evaluation does."""
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-4),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=2,
        threshold=100,
    )
    registration = enrol(cohort)
    last_session = cohort.sessions.order_by("starts_at").last()
    during_last_session = last_session.starts_at + dt.timedelta(minutes=30)
    for session in cohort.sessions.all():
        services.record_attendance(
            session=session,
            present_registration_ids=[registration.pk],
            by=None,
            now=during_last_session,
        )
    staff = staff_user()

    services.update_cohort(
        cohort=cohort,
        title="Renamed cohort",
        schedule=_schedule_of(cohort),
        completion_threshold_percent=50,
        by=staff,
    )
    session = cohort.sessions.first()
    services.update_session(
        session=session,
        module=session.module,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        title="Renamed session",
    )

    assert Certificate.objects.count() == 0
    assert len(services.evaluate_completion(cohort=cohort)) == 1


def test_issue_certificate_if_complete_returns_the_existing_certificate():
    cohort = make_ended_cohort(sessions=2, threshold=50)
    registration = enrol(cohort)
    [certificate] = attend_all(cohort, [registration])

    again = services.issue_certificate_if_complete(registration=registration)

    assert again == certificate


def test_issue_certificate_if_complete_returns_none_without_completion():
    cohort = make_ended_cohort(sessions=2, threshold=100)
    registration = enrol(cohort)
    attend_all(cohort, [registration], skip={1: [registration]})

    assert services.issue_certificate_if_complete(registration=registration) is None


def test_issue_certificate_if_complete_issues_for_a_cohort_that_ended_after_attendance():
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-4),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=2,
    )
    registration = enrol(cohort)
    early = cohort.activity.starts_at + dt.timedelta(minutes=30)
    for session in cohort.sessions.order_by("starts_at"):
        services.record_attendance(
            session=session,
            present_registration_ids=[registration.pk],
            by=None,
            now=max(early, session.starts_at),
        )
    assert Certificate.objects.count() == 0

    certificate = services.issue_certificate_if_complete(registration=registration)

    assert certificate.registration == registration


def test_certificate_codes_are_unique_unguessable_and_url_safe():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registrations = [enrol(cohort) for _ in range(3)]

    issued = attend_all(cohort, registrations)

    codes = [certificate.code for certificate in issued]
    assert len(set(codes)) == 3
    assert all(len(code) == 27 for code in codes)
    assert all(
        set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for code in codes
    )


def test_certificate_issue_tells_participant_and_focal_point():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    organisation = OrganisationFactory()
    focal_point = _focal_point(organisation)
    person = make_nominee(organisation, email="trainee@example.org")
    registration = enrol(cohort, person=person, organisation=organisation)

    [certificate] = attend_all(cohort, [registration])

    recipients = set(
        OutboxMessage.objects.filter(topic="training.certificate.issued").values_list(
            "to_email", flat=True
        )
    )
    assert recipients == {"trainee@example.org", focal_point.email}
    message = OutboxMessage.objects.get(to_email="trainee@example.org")
    assert certificate.code in message.body_text


def test_no_certificate_for_a_cancelled_cohort():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(cohort)
    session = cohort.sessions.get()
    services.record_attendance(session=session, present_registration_ids=[], by=None)
    SessionAttendance.objects.update(present=True)
    cohort.activity.status = "cancelled"
    cohort.activity.save()

    assert services.evaluate_completion(cohort=cohort) == []
    assert services.issue_certificate_if_complete(registration=registration) is None


def test_evaluate_ended_cohorts_issues_what_early_attendance_left():
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-4),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=1,
    )
    registration = enrol(cohort)
    services.record_attendance(
        session=cohort.sessions.get(),
        present_registration_ids=[registration.pk],
        by=None,
        now=cohort.activity.starts_at + dt.timedelta(minutes=5),
    )

    assert services.evaluate_ended_cohorts() == 1
    assert services.evaluate_ended_cohorts() == 0


def test_meets_threshold_uses_whole_numbers():
    assert services.meets_threshold(attended=4, sessions=5, threshold_percent=80) is True
    assert services.meets_threshold(attended=3, sessions=5, threshold_percent=80) is False
    assert services.meets_threshold(attended=0, sessions=0, threshold_percent=80) is False
    assert services.meets_threshold(attended=2, sessions=3, threshold_percent=67) is False
    assert services.meets_threshold(attended=2, sessions=3, threshold_percent=66) is True


# Revocation --------------------------------------------------------------------------------


def test_revoke_certificate_records_who_why_and_tells_the_participant():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    person = make_nominee(email="trainee@example.org")
    registration = enrol(cohort, person=person)
    [certificate] = attend_all(cohort, [registration])
    staff = staff_user()

    revoked = services.revoke_certificate(certificate=certificate, by=staff, reason=" Error. ")

    assert (revoked.is_revoked, revoked.revoked_by, revoked.revoke_reason) == (
        True,
        staff,
        "Error.",
    )
    assert (
        OutboxMessage.objects.filter(
            to_email="trainee@example.org", topic="training.certificate.revoked"
        ).count()
        == 1
    )


def test_revoke_needs_a_reason():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    [certificate] = attend_all(cohort, [enrol(cohort)])

    with pytest.raises(TrainingRefused):
        services.revoke_certificate(certificate=certificate, by=staff_user(), reason="  ")

    certificate.refresh_from_db()
    assert certificate.is_revoked is False


def test_revoking_twice_keeps_the_first_reason():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    [certificate] = attend_all(cohort, [enrol(cohort)])
    staff = staff_user()
    services.revoke_certificate(certificate=certificate, by=staff, reason="First.")

    services.revoke_certificate(certificate=certificate, by=staff, reason="Second.")

    certificate.refresh_from_db()
    assert certificate.revoke_reason == "First."


def test_a_registration_holds_at_most_one_certificate_in_the_database():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(cohort)
    attend_all(cohort, [registration])

    with pytest.raises(IntegrityError):
        Certificate.objects.create(registration=registration)


def test_engine_staff_override_participants_count_for_completion():
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = engine.record_participant(
        activity=cohort.activity, person=PersonFactory(), organisation=None, mode="online"
    )

    issued = attend_all(cohort, [registration])

    assert len(issued) == 1
