import datetime as dt

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from roadmap_portal.core.mail import relay
from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import (
    Access,
    Activity,
    ActivityStatus,
    Invitation,
    InvitationStatus,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
)
from roadmap_portal.registrations.services import RefusalCode, RegistrationRefused
from roadmap_portal.registrations.signing import make_decline_token
from tests.core.brokers import unreachable_broker
from tests.factories import ActivityFactory, OrganisationFactory, member_of
from tests.registrations.conftest import colleague_of, register

pytestmark = pytest.mark.django_db


def refusal_of(call) -> str:
    with pytest.raises(RegistrationRefused) as caught:
        call()
    return caught.value.code


def topics_to(address):
    return list(
        OutboxMessage.objects.filter(to_email=address)
        .order_by("id")
        .values_list("topic", flat=True)
    )


# Outcomes -----------------------------------------------------------------------------------


def test_register_person_confirms_while_seats_are_free(activity, organisation, focal_point):
    person = colleague_of(organisation)

    registration = register(activity, person, organisation, focal_point)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.registered_by == focal_point
    assert registration.decided_at is not None
    assert topics_to(person.email) == ["registration.confirmed"]


def test_register_person_waitlists_when_the_mode_is_full(activity, organisation, focal_point):
    first, second, third = (colleague_of(organisation) for _ in range(3))
    register(activity, first, organisation, focal_point)
    register(activity, second, organisation, focal_point)

    registration = register(activity, third, organisation, focal_point)

    assert registration.status == RegistrationStatus.WAITLISTED
    assert topics_to(third.email) == ["registration.waitlisted"]


def test_register_person_counts_capacity_per_mode(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=1, online_capacity=1)
    onsite, online, late = (colleague_of(organisation) for _ in range(3))
    register(activity, onsite, organisation, focal_point, mode=Mode.ONSITE)

    online_registration = register(activity, online, organisation, focal_point, mode=Mode.ONLINE)
    late_registration = register(activity, late, organisation, focal_point, mode=Mode.ONLINE)

    assert online_registration.status == RegistrationStatus.CONFIRMED
    assert late_registration.status == RegistrationStatus.WAITLISTED


def test_register_person_is_pending_when_approval_is_required_and_holds_no_seat(
    organisation, focal_point
):
    activity = ActivityFactory(onsite_capacity=1, requires_approval=True)
    first, second = colleague_of(organisation), colleague_of(organisation)

    pending = register(activity, first, organisation, focal_point, motivation="Hosts in 2026")
    also_pending = register(activity, second, organisation, focal_point)

    assert pending.status == RegistrationStatus.PENDING
    assert pending.motivation == "Hosts in 2026"
    assert pending.decided_at is None
    assert also_pending.status == RegistrationStatus.PENDING
    assert topics_to(first.email) == ["registration.pending"]


def test_register_person_lets_a_member_register_themselves(activity, organisation, member):
    registration = register(activity, member.person, organisation, member)

    assert registration.status == RegistrationStatus.CONFIRMED


def test_register_person_lets_staff_register_anyone_of_an_organisation(
    activity, organisation, staff
):
    person = colleague_of(organisation)

    registration = register(activity, person, organisation, staff)

    assert registration.status == RegistrationStatus.CONFIRMED


def test_register_person_confirms_staff_roles_outside_capacity(activity, organisation, staff):
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, staff)
    speaker = colleague_of(organisation)

    registration = register(activity, speaker, organisation, staff, role=Role.SPEAKER)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(activity=activity).holding_seats(Mode.ONSITE).count() == 2


def test_register_person_allows_registering_again_after_cancelling(
    activity, organisation, focal_point
):
    person = colleague_of(organisation)
    first = register(activity, person, organisation, focal_point)
    services.cancel_registration(registration=first, by=focal_point)

    second = register(activity, person, organisation, focal_point)

    assert second.status == RegistrationStatus.CONFIRMED
    assert second.pk != first.pk


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "window",
    [
        {"registration_opens_at": timezone.now() + dt.timedelta(days=3)},
        {
            "registration_opens_at": timezone.now() - dt.timedelta(days=10),
            "registration_closes_at": timezone.now() - dt.timedelta(days=1),
        },
        {"registration_opens_at": None, "registration_closes_at": None},
        {"status": ActivityStatus.CANCELLED},
    ],
    ids=["not yet open", "closed", "no window", "cancelled"],
)
def test_register_person_refuses_outside_the_window(window, organisation, focal_point):
    activity = ActivityFactory(**window)

    code = refusal_of(
        lambda: register(activity, colleague_of(organisation), organisation, focal_point)
    )

    assert code == RefusalCode.WINDOW_CLOSED


def test_register_person_refuses_a_held_activity(organisation, focal_point):
    activity = ActivityFactory(
        starts_at=timezone.now() - dt.timedelta(days=3),
        registration_opens_at=timezone.now() - dt.timedelta(days=30),
        registration_closes_at=None,
    )

    code = refusal_of(
        lambda: register(activity, colleague_of(organisation), organisation, focal_point)
    )

    assert code == RefusalCode.WINDOW_CLOSED


def test_register_person_refuses_a_second_active_registration(activity, organisation, focal_point):
    person = colleague_of(organisation)
    register(activity, person, organisation, focal_point)

    code = refusal_of(
        lambda: register(activity, person, organisation, focal_point, mode=Mode.ONLINE)
    )

    assert code == RefusalCode.ALREADY_REGISTERED
    assert Registration.objects.filter(activity=activity, person=person).count() == 1


def test_register_person_refuses_over_the_organisation_limit_counting_confirmed_and_pending(
    organisation, focal_point
):
    activity = ActivityFactory(seats_per_organisation=2, requires_approval=True)
    register(activity, colleague_of(organisation), organisation, focal_point)
    register(activity, colleague_of(organisation), organisation, focal_point)

    code = refusal_of(
        lambda: register(activity, colleague_of(organisation), organisation, focal_point)
    )

    assert code == RefusalCode.ORGANISATION_LIMIT


def test_organisation_limit_leaves_waitlisted_people_out_of_the_count(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=1, seats_per_organisation=2)
    other = OrganisationFactory()
    register(activity, colleague_of(other), other, member_of(other, focal_point=True))
    waitlisted = register(activity, colleague_of(organisation), organisation, focal_point)

    also_waitlisted = register(activity, colleague_of(organisation), organisation, focal_point)
    third = register(activity, colleague_of(organisation), organisation, focal_point)

    assert waitlisted.status == RegistrationStatus.WAITLISTED
    assert also_waitlisted.status == RegistrationStatus.WAITLISTED
    assert third.status == RegistrationStatus.WAITLISTED


def test_register_person_refuses_a_person_not_of_the_organisation(
    activity, organisation, focal_point
):
    outsider = colleague_of(OrganisationFactory())

    code = refusal_of(lambda: register(activity, outsider, organisation, focal_point))

    assert code == RefusalCode.NOT_OF_ORGANISATION


def test_register_person_refuses_an_organisation_the_user_does_not_belong_to(activity, focal_point):
    other = OrganisationFactory()
    person = colleague_of(other)

    code = refusal_of(lambda: register(activity, person, other, focal_point))

    assert code == RefusalCode.NOT_OF_ORGANISATION


def test_register_person_refuses_a_plain_member_registering_a_colleague(
    activity, organisation, member
):
    code = refusal_of(lambda: register(activity, colleague_of(organisation), organisation, member))

    assert code == RefusalCode.NOT_ALLOWED


def test_register_person_refuses_roles_from_anyone_but_staff(activity, organisation, focal_point):
    person = colleague_of(organisation)

    code = refusal_of(
        lambda: register(activity, person, organisation, focal_point, role=Role.SPEAKER)
    )

    assert code == RefusalCode.NOT_ALLOWED


def test_register_person_refuses_staff_naming_the_wrong_organisation(activity, staff):
    person = colleague_of(OrganisationFactory())

    code = refusal_of(lambda: register(activity, person, OrganisationFactory(), staff))

    assert code == RefusalCode.NOT_OF_ORGANISATION


def test_register_person_refuses_a_mode_the_activity_does_not_offer(organisation, focal_point):
    activity = ActivityFactory(allows_online=False)

    code = refusal_of(
        lambda: register(
            activity, colleague_of(organisation), organisation, focal_point, mode=Mode.ONLINE
        )
    )

    assert code == RefusalCode.MODE_UNAVAILABLE


@pytest.mark.parametrize(
    "invitation_status",
    [None, InvitationStatus.PENDING, InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN],
)
def test_register_person_refuses_organisations_without_an_accepted_invitation(
    invitation_status, organisation, focal_point
):
    activity = ActivityFactory(access=Access.INVITATION)
    if invitation_status is not None:
        Invitation.objects.create(
            activity=activity, organisation=organisation, status=invitation_status
        )

    code = refusal_of(
        lambda: register(activity, colleague_of(organisation), organisation, focal_point)
    )

    assert code == RefusalCode.NOT_INVITED


def test_register_person_admits_an_organisation_that_accepted_its_invitation(
    organisation, focal_point
):
    activity = ActivityFactory(access=Access.INVITATION)
    Invitation.objects.create(
        activity=activity, organisation=organisation, status=InvitationStatus.ACCEPTED
    )

    registration = register(activity, colleague_of(organisation), organisation, focal_point)

    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_refusal_writes_nothing(activity, organisation, focal_point):
    outsider = colleague_of(OrganisationFactory())
    before = OutboxMessage.objects.count()

    refusal_of(lambda: register(activity, outsider, organisation, focal_point))

    assert Registration.objects.count() == 0
    assert OutboxMessage.objects.count() == before


def test_a_refusal_carries_a_sentence_for_people(activity, organisation, focal_point):
    person = colleague_of(organisation, name="Carlo Sagun")
    register(activity, person, organisation, focal_point)

    with pytest.raises(RegistrationRefused) as caught:
        register(activity, person, organisation, focal_point)

    assert caught.value.message == "Carlo Sagun is already registered (confirmed)."


# Mail ---------------------------------------------------------------------------------------


def test_confirmation_carries_a_calendar_and_a_decline_link_when_a_colleague_registered(
    activity, organisation, focal_point
):
    person = colleague_of(organisation)

    register(activity, person, organisation, focal_point)

    message = OutboxMessage.objects.get(to_email=person.email)
    assert [a["mimetype"] for a in message.attachments] == ["text/calendar"]
    assert "/registrations/decline/" in message.body_text
    assert "/registrations/decline/" in message.body_html


def test_confirmation_has_no_decline_link_when_people_register_themselves(
    activity, organisation, member
):
    register(activity, member.person, organisation, member)

    message = OutboxMessage.objects.get(topic="registration.confirmed")
    assert "/registrations/decline/" not in message.body_text


def test_mail_goes_to_the_registrar_when_the_person_has_no_address(
    activity, organisation, focal_point
):
    person = colleague_of(organisation, email="")

    register(activity, person, organisation, focal_point)

    assert topics_to(focal_point.email) == ["registration.confirmed"]


def test_waitlisted_mail_tells_the_position(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=0)
    register(activity, colleague_of(organisation), organisation, focal_point)
    second = colleague_of(organisation)

    register(activity, second, organisation, focal_point)

    message = OutboxMessage.objects.get(to_email=second.email)
    assert "number 2 in line" in message.body_text


# Cancelling and promotion -------------------------------------------------------------------


def test_cancel_registration_gives_the_seat_to_the_first_person_waiting_in_that_mode(
    activity, organisation, focal_point
):
    seated = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(2)
    ]
    online_waiting = register(
        activity, colleague_of(organisation), organisation, focal_point, mode=Mode.ONLINE
    )
    first_waiting = register(activity, colleague_of(organisation), organisation, focal_point)
    second_waiting = register(activity, colleague_of(organisation), organisation, focal_point)

    services.cancel_registration(registration=seated[0], by=focal_point)

    seated[0].refresh_from_db()
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    online_waiting.refresh_from_db()
    assert seated[0].status == RegistrationStatus.CANCELLED
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second_waiting.status == RegistrationStatus.WAITLISTED
    assert online_waiting.status == RegistrationStatus.CONFIRMED  # online has no limit
    assert topics_to(first_waiting.person.email) == [
        "registration.waitlisted",
        "registration.promoted",
    ]
    assert topics_to(seated[0].person.email) == [
        "registration.confirmed",
        "registration.cancelled",
    ]


def test_waitlist_order_is_first_come_first_served_by_request_time_then_id(
    activity, organisation, focal_point, staff
):
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, focal_point)
    later = register(activity, colleague_of(organisation), organisation, focal_point)
    earlier = register(activity, colleague_of(organisation), organisation, focal_point)
    Registration.objects.filter(pk=earlier.pk).update(
        requested_at=later.requested_at - dt.timedelta(minutes=1)
    )

    services.set_capacity(activity=activity, onsite_capacity=3, online_capacity=None, by=staff)

    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.status == RegistrationStatus.CONFIRMED
    assert later.status == RegistrationStatus.WAITLISTED


def test_cancel_registration_twice_changes_nothing(activity, organisation, focal_point):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)
    services.cancel_registration(registration=registration, by=focal_point)
    messages_before = OutboxMessage.objects.count()

    again = services.cancel_registration(registration=registration, by=focal_point)

    assert again.status == RegistrationStatus.CANCELLED
    assert OutboxMessage.objects.count() == messages_before


def test_cancel_registration_lets_the_person_cancel_their_own(activity, organisation, member):
    registration = register(activity, member.person, organisation, member)

    services.cancel_registration(registration=registration, by=member)

    assert registration.status == RegistrationStatus.CANCELLED


def test_cancel_registration_refuses_a_plain_member_for_a_colleague(
    activity, organisation, focal_point, member
):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)

    code = refusal_of(lambda: services.cancel_registration(registration=registration, by=member))

    assert code == RefusalCode.NOT_ALLOWED
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancelling_a_speaker_promotes_nobody(activity, organisation, staff):
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, staff)
    waiting = register(activity, colleague_of(organisation), organisation, staff)
    speaker = register(activity, colleague_of(organisation), organisation, staff, role=Role.SPEAKER)

    services.cancel_registration(registration=speaker, by=staff)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_promotion_passes_over_people_whose_organisation_reached_its_limit(staff):
    activity = ActivityFactory(onsite_capacity=1, seats_per_organisation=1)
    org_a, org_b, org_c = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    register(activity, colleague_of(org_b), org_b, staff)
    a_first = register(activity, colleague_of(org_a), org_a, staff)
    a_second = register(activity, colleague_of(org_a), org_a, staff)
    c_first = register(activity, colleague_of(org_c), org_c, staff)

    promoted = services.set_capacity(
        activity=activity, onsite_capacity=4, online_capacity=None, by=staff
    )

    a_second.refresh_from_db()
    assert [r.pk for r in promoted] == [a_first.pk, c_first.pk]
    assert a_second.status == RegistrationStatus.WAITLISTED


def test_nothing_is_promoted_once_the_activity_has_taken_place(organisation, staff):
    activity = ActivityFactory(onsite_capacity=1)
    seated = register(activity, colleague_of(organisation), organisation, staff)
    waiting = register(activity, colleague_of(organisation), organisation, staff)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
        registration_opens_at=timezone.now() - dt.timedelta(days=9),
        registration_closes_at=timezone.now() - dt.timedelta(days=3),
    )

    services.cancel_registration(registration=seated, by=staff)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_leave_waitlist_cancels_a_waitlisted_registration(organisation, member):
    activity = ActivityFactory(onsite_capacity=0)
    registration = register(activity, member.person, organisation, member)

    services.leave_waitlist(registration=registration, by=member)

    assert registration.status == RegistrationStatus.CANCELLED
    assert topics_to(member.email) == ["registration.waitlisted", "registration.cancelled"]
    assert "no longer on the waitlist" in OutboxMessage.objects.latest("id").body_text


def test_leave_waitlist_refuses_a_confirmed_registration(activity, organisation, member):
    registration = register(activity, member.person, organisation, member)

    code = refusal_of(lambda: services.leave_waitlist(registration=registration, by=member))

    assert code == RefusalCode.INVALID_STATE


# Staff decisions ----------------------------------------------------------------------------


@pytest.fixture
def approval_activity(db):
    return ActivityFactory(onsite_capacity=1, requires_approval=True)


def test_decide_registration_confirms_a_pending_registration(
    approval_activity, organisation, focal_point, staff
):
    registration = register(
        approval_activity, colleague_of(organisation), organisation, focal_point
    )

    services.decide_registration(registration=registration, decision="confirm", by=staff)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.decided_at is not None
    assert topics_to(registration.person.email) == [
        "registration.pending",
        "registration.confirmed",
    ]


def test_decide_registration_refuses_to_confirm_into_a_full_mode(
    approval_activity, organisation, focal_point, staff
):
    first = register(approval_activity, colleague_of(organisation), organisation, focal_point)
    second = register(approval_activity, colleague_of(organisation), organisation, focal_point)
    services.decide_registration(registration=first, decision="confirm", by=staff)

    code = refusal_of(
        lambda: services.decide_registration(registration=second, decision="confirm", by=staff)
    )

    assert code == RefusalCode.NO_SEATS
    second.refresh_from_db()
    assert second.status == RegistrationStatus.PENDING


def test_decide_registration_waitlists_a_pending_one_when_full(
    approval_activity, organisation, focal_point, staff
):
    first = register(approval_activity, colleague_of(organisation), organisation, focal_point)
    second = register(approval_activity, colleague_of(organisation), organisation, focal_point)
    services.decide_registration(registration=first, decision="confirm", by=staff)

    services.decide_registration(registration=second, decision="waitlist", by=staff)

    assert second.status == RegistrationStatus.WAITLISTED
    assert topics_to(second.person.email)[-1] == "registration.waitlisted"


def test_decide_registration_waitlist_with_a_free_seat_promotes_at_once(
    approval_activity, organisation, focal_point, staff
):
    registration = register(
        approval_activity, colleague_of(organisation), organisation, focal_point
    )

    services.decide_registration(registration=registration, decision="waitlist", by=staff)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert topics_to(registration.person.email) == [
        "registration.pending",
        "registration.promoted",
    ]


def test_decide_registration_decline_gives_the_seat_away_and_tells_the_reason(
    activity, organisation, focal_point, staff
):
    seated = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(2)
    ]
    waiting = register(activity, colleague_of(organisation), organisation, focal_point)

    services.decide_registration(
        registration=seated[1], decision="decline", by=staff, reason="Seats kept for hosts"
    )

    waiting.refresh_from_db()
    assert seated[1].status == RegistrationStatus.DECLINED
    assert seated[1].decision_reason == "Seats kept for hosts"
    assert waiting.status == RegistrationStatus.CONFIRMED
    declined = OutboxMessage.objects.get(topic="registration.declined")
    assert "Seats kept for hosts" in declined.body_text


def test_decide_registration_is_for_staff_only(approval_activity, organisation, focal_point):
    registration = register(
        approval_activity, colleague_of(organisation), organisation, focal_point
    )

    code = refusal_of(
        lambda: services.decide_registration(
            registration=registration, decision="confirm", by=focal_point
        )
    )

    assert code == RefusalCode.NOT_ALLOWED


def test_decide_registration_twice_changes_nothing(
    approval_activity, organisation, focal_point, staff
):
    registration = register(
        approval_activity, colleague_of(organisation), organisation, focal_point
    )
    services.decide_registration(registration=registration, decision="decline", by=staff)
    before = OutboxMessage.objects.count()

    services.decide_registration(registration=registration, decision="decline", by=staff)

    assert OutboxMessage.objects.count() == before


def test_decide_registration_refuses_to_confirm_a_cancelled_registration(
    activity, organisation, focal_point, staff
):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)
    services.cancel_registration(registration=registration, by=focal_point)

    code = refusal_of(
        lambda: services.decide_registration(
            registration=registration, decision="confirm", by=staff
        )
    )

    assert code == RefusalCode.INVALID_STATE


# Capacity and roles -------------------------------------------------------------------------


def test_set_capacity_promotes_whoever_the_new_seats_admit(
    activity, organisation, focal_point, staff
):
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, focal_point)
    waiting = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(3)
    ]

    promoted = services.set_capacity(
        activity=activity, onsite_capacity=4, online_capacity=None, by=staff
    )

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert activity.onsite_capacity == 4
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_set_capacity_to_no_limit_promotes_everyone_waiting(
    activity, organisation, focal_point, staff
):
    for _ in range(4):
        register(activity, colleague_of(organisation), organisation, focal_point)

    promoted = services.set_capacity(
        activity=activity, onsite_capacity=None, online_capacity=None, by=staff
    )

    assert len(promoted) == 2
    assert Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count() == 0


def test_set_capacity_lower_cancels_nobody(activity, organisation, focal_point, staff):
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, focal_point)

    services.set_capacity(activity=activity, onsite_capacity=1, online_capacity=None, by=staff)

    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_set_capacity_is_for_staff_only(activity, focal_point):
    code = refusal_of(
        lambda: services.set_capacity(
            activity=activity, onsite_capacity=10, online_capacity=None, by=focal_point
        )
    )

    assert code == RefusalCode.NOT_ALLOWED
    activity.refresh_from_db()
    assert activity.onsite_capacity == 2


def test_assign_role_beyond_participant_frees_the_seat_for_the_next_person(
    activity, organisation, focal_point, staff
):
    seated = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(2)
    ]
    waiting = register(activity, colleague_of(organisation), organisation, focal_point)

    services.assign_role(
        registration=seated[0], role=Role.SPEAKER, role_label="Panel Speaker", by=staff
    )

    waiting.refresh_from_db()
    assert seated[0].role == Role.SPEAKER
    assert seated[0].role_display == "Panel Speaker"
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_assign_role_confirms_a_waitlisted_registration(organisation, focal_point, staff):
    activity = ActivityFactory(onsite_capacity=0)
    registration = register(activity, colleague_of(organisation), organisation, focal_point)

    services.assign_role(registration=registration, role=Role.MODERATOR, by=staff)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert topics_to(registration.person.email)[-1] == "registration.confirmed"


def test_assign_role_participant_over_capacity_is_marked_as_an_override(
    activity, organisation, staff
):
    speaker = register(activity, colleague_of(organisation), organisation, staff, role=Role.SPEAKER)
    for _ in range(2):
        register(activity, colleague_of(organisation), organisation, staff)

    services.assign_role(registration=speaker, role=Role.PARTICIPANT, by=staff)

    assert speaker.status == RegistrationStatus.CONFIRMED
    assert speaker.is_staff_override is True


def test_assign_role_is_for_staff_only(activity, organisation, focal_point):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)

    code = refusal_of(
        lambda: services.assign_role(registration=registration, role=Role.SPEAKER, by=focal_point)
    )

    assert code == RefusalCode.NOT_ALLOWED


# Invitations --------------------------------------------------------------------------------


@pytest.fixture
def invitation_activity(db):
    return ActivityFactory(title="Policy Dialogue 2026", access=Access.INVITATION)


def test_invite_organisation_tells_its_focal_points(invitation_activity, organisation, staff):
    first = member_of(organisation, focal_point=True)
    second = member_of(organisation, focal_point=True)
    member_of(organisation)

    invitation = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff, message="Welcome"
    )

    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by == staff
    recipients = sorted(
        OutboxMessage.objects.filter(topic="invitation.sent").values_list("to_email", flat=True)
    )
    assert recipients == sorted([first.email, second.email])


def test_invite_organisation_twice_changes_nothing(invitation_activity, organisation, staff):
    member_of(organisation, focal_point=True)
    first = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )

    second = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )

    assert second.pk == first.pk
    assert OutboxMessage.objects.filter(topic="invitation.sent").count() == 1


def test_invite_organisation_again_after_a_decline_asks_afresh(
    invitation_activity, organisation, focal_point, staff
):
    invitation = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )
    services.answer_invitation(invitation=invitation, accept=False, by=focal_point)

    again = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )

    assert again.pk == invitation.pk
    assert again.status == InvitationStatus.PENDING
    assert again.answered_at is None


def test_invite_organisation_is_for_staff_only(invitation_activity, organisation, focal_point):
    code = refusal_of(
        lambda: services.invite_organisation(
            activity=invitation_activity, organisation=organisation, by=focal_point
        )
    )

    assert code == RefusalCode.NOT_ALLOWED


def test_answer_invitation_accept_opens_registration_to_the_organisation(
    invitation_activity, organisation, focal_point, staff
):
    invitation = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )

    services.answer_invitation(invitation=invitation, accept=True, by=focal_point)
    registration = register(
        invitation_activity, colleague_of(organisation), organisation, focal_point
    )

    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.answered_by == focal_point
    assert registration.status == RegistrationStatus.CONFIRMED
    assert topics_to(staff.email) == ["invitation.answered"]


def test_answer_invitation_is_for_the_organisations_focal_point(
    invitation_activity, organisation, member, staff
):
    invitation = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )
    other_focal_point = member_of(OrganisationFactory(), focal_point=True)

    codes = [
        refusal_of(
            lambda user=user: services.answer_invitation(
                invitation=invitation, accept=True, by=user
            )
        )
        for user in (member, other_focal_point)
    ]

    assert codes == [RefusalCode.NOT_ALLOWED, RefusalCode.NOT_ALLOWED]


def test_answer_invitation_decline_needs_the_registrations_cancelled_first(
    invitation_activity, organisation, focal_point, staff
):
    invitation = services.invite_organisation(
        activity=invitation_activity, organisation=organisation, by=staff
    )
    services.answer_invitation(invitation=invitation, accept=True, by=focal_point)
    register(invitation_activity, colleague_of(organisation), organisation, focal_point)

    code = refusal_of(
        lambda: services.answer_invitation(invitation=invitation, accept=False, by=focal_point)
    )

    assert code == RefusalCode.INVALID_STATE
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_answer_invitation_refuses_a_withdrawn_invitation(
    invitation_activity, organisation, focal_point
):
    invitation = Invitation.objects.create(
        activity=invitation_activity, organisation=organisation, status=InvitationStatus.WITHDRAWN
    )

    code = refusal_of(
        lambda: services.answer_invitation(invitation=invitation, accept=True, by=focal_point)
    )

    assert code == RefusalCode.INVALID_STATE


# The decline link ---------------------------------------------------------------------------


def test_decline_by_link_declines_promotes_and_tells_the_registrar(
    activity, organisation, focal_point
):
    seated = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(2)
    ]
    waiting = register(activity, colleague_of(organisation), organisation, focal_point)

    declined = services.decline_by_link(token=make_decline_token(seated[0]))

    waiting.refresh_from_db()
    assert declined.status == RegistrationStatus.DECLINED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert topics_to(focal_point.email) == ["registration.declined_by_person"]


def test_decline_by_link_twice_changes_nothing(activity, organisation, focal_point):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)
    token = make_decline_token(registration)
    services.decline_by_link(token=token)
    before = OutboxMessage.objects.count()

    again = services.decline_by_link(token=token)

    assert again.status == RegistrationStatus.DECLINED
    assert OutboxMessage.objects.count() == before


@pytest.mark.parametrize("token", ["nonsense", "eyJyIjoxLCJwIjoyfQ:forged:signature"])
def test_decline_by_link_refuses_a_token_not_signed_here(token):
    code = refusal_of(lambda: services.decline_by_link(token=token))

    assert code == RefusalCode.INVALID_LINK


def test_decline_by_link_refuses_a_token_naming_another_person(activity, organisation, focal_point):
    registration = register(activity, colleague_of(organisation), organisation, focal_point)
    registration.person_id = colleague_of(organisation).pk
    token = make_decline_token(registration)

    code = refusal_of(lambda: services.decline_by_link(token=token))

    assert code == RefusalCode.INVALID_LINK


# Staff override and housekeeping ------------------------------------------------------------


def test_record_participant_records_over_capacity_and_outside_the_window(organisation, staff):
    activity = ActivityFactory(
        onsite_capacity=0, registration_opens_at=None, registration_closes_at=None
    )
    person = colleague_of(organisation)

    registration = services.record_participant(
        activity=activity, person=person, organisation=organisation, role_label="Panel Moderator"
    )
    again = services.record_participant(
        activity=activity, person=person, organisation=organisation, attended=True
    )

    assert again.pk == registration.pk
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.is_staff_override is True
    assert again.attended is True
    assert OutboxMessage.objects.count() == 0


def test_sync_activity_statuses_moves_activities_to_their_dates_status(db):
    opened = ActivityFactory()
    Activity.objects.filter(pk=opened.pk).update(status=ActivityStatus.PLANNED)
    cancelled = ActivityFactory(status=ActivityStatus.CANCELLED)

    changed = services.sync_activity_statuses()

    opened.refresh_from_db()
    cancelled.refresh_from_db()
    assert changed == 1
    assert opened.status == ActivityStatus.OPEN
    assert cancelled.status == ActivityStatus.CANCELLED


# Redis down ---------------------------------------------------------------------------------


def test_registration_succeeds_with_redis_down_and_its_mail_goes_out_once_later(
    activity, organisation, focal_point, django_capture_on_commit_callbacks
):
    person = colleague_of(organisation)

    with unreachable_broker(), django_capture_on_commit_callbacks(execute=True):
        registration = register(activity, person, organisation, focal_point)

    message = OutboxMessage.objects.get(to_email=person.email)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert message.status == OutboxStatus.PENDING
    assert django_mail.outbox == []
    assert (relay(), relay()) == (1, 0)
    assert [sent.to for sent in django_mail.outbox] == [[person.email]]
