import pytest
from allauth.account.models import EmailAddress

from roadmap_portal.registrations import selectors
from roadmap_portal.registrations.models import Mode, Registration
from tests.factories import (
    ActivityFactory,
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    member_of,
)
from tests.registrations.conftest import colleague_of, register

pytestmark = pytest.mark.django_db


def test_recipient_is_the_linked_users_verified_address_first(organisation, focal_point):
    user = UserFactory(email="verified@example.org")
    person = PersonFactory(user=user, email="old@example.org")
    registration = Registration(person=person, registered_by=focal_point)

    assert selectors.recipient_of(registration) == "verified@example.org"


def test_recipient_is_the_persons_address_when_the_user_is_not_verified(focal_point):
    user = UserFactory(email="unverified@example.org", verified=False)
    person = PersonFactory(user=user, email="own@example.org")
    registration = Registration(person=person, registered_by=focal_point)

    assert selectors.recipient_of(registration) == "own@example.org"


def test_recipient_is_the_registrar_when_the_person_has_no_address(focal_point):
    person = PersonFactory(email="")
    registration = Registration(person=person, registered_by=focal_point)

    assert selectors.recipient_of(registration) == focal_point.email


def test_recipient_prefers_the_primary_verified_address():
    user = UserFactory(email="primary@example.org")
    EmailAddress.objects.create(user=user, email="second@example.org", verified=True, primary=False)
    person = PersonFactory(user=user, email="")

    assert selectors.address_of(person) == "primary@example.org"


def test_focal_point_addresses_are_the_active_focal_points(organisation):
    first = member_of(organisation, focal_point=True)
    member_of(organisation)
    former = PersonFactory()
    AffiliationFactory(
        person=former, organisation=organisation, is_focal_point=True, ended="2024-06-30"
    )

    assert selectors.focal_point_addresses(organisation) == [first.email]


def test_waitlist_positions_count_each_mode_on_its_own(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=0, online_capacity=0)
    onsite = [
        register(activity, colleague_of(organisation), organisation, focal_point) for _ in range(2)
    ]
    online = register(activity, colleague_of(organisation), organisation, focal_point, Mode.ONLINE)

    positions = selectors.waitlist_positions(activity)

    assert positions == {onsite[0].pk: 1, onsite[1].pk: 2, online.pk: 1}
    assert selectors.waitlist_position(onsite[1]) == 2


def test_seats_left_per_allowed_mode(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=3, online_capacity=None, allows_online=True)
    register(activity, colleague_of(organisation), organisation, focal_point)
    onsite_only = ActivityFactory(allows_online=False, onsite_capacity=None)

    assert selectors.seats_left(activity) == {Mode.ONSITE: 2, Mode.ONLINE: None}
    assert selectors.seats_left(onsite_only) == {Mode.ONSITE: None}


def test_registration_for_user_tells_who_may_see_and_change(organisation, focal_point, member):
    activity = ActivityFactory()
    registration = register(activity, colleague_of(organisation), organisation, focal_point)
    outsider = member_of(OrganisationFactory(), focal_point=True)

    assert selectors.registration_for_user(focal_point, registration.pk) == (registration, True)
    assert selectors.registration_for_user(member, registration.pk) == (registration, False)
    assert selectors.registration_for_user(outsider, registration.pk) == (None, False)
    assert selectors.registration_for_user(member, 999999) == (None, False)


def test_registrable_people_of_a_focal_point_and_of_a_plain_member(
    organisation, focal_point, member
):
    colleague = colleague_of(organisation)
    former = PersonFactory()
    AffiliationFactory(person=former, organisation=organisation, ended="2024-06-30")

    by_focal_point = selectors.registrable_people(user=focal_point, organisation=organisation)
    by_member = selectors.registrable_people(user=member, organisation=organisation)
    by_outsider = selectors.registrable_people(user=UserFactory(), organisation=organisation)

    assert sorted(p.pk for p in by_focal_point) == sorted(
        [focal_point.person.pk, member.person.pk, colleague.pk]
    )
    assert by_member == [member.person]
    assert by_outsider == []


def test_window_problem_is_empty_while_registration_is_open(activity):
    assert selectors.window_problem(activity) == ""
