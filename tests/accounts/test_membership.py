import pytest

from roadmap_portal.accounts import membership
from taskforce import services
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    UserFactory,
    admin_user,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_may_manage_organisation():
    organisation = OrganisationFactory()

    assert membership.may_manage_organisation(
        member_of(organisation, focal_point=True), organisation
    )
    assert membership.may_manage_organisation(staff_user(), organisation)
    assert not membership.may_manage_organisation(member_of(organisation), organisation)
    assert not membership.may_manage_organisation(
        member_of(OrganisationFactory(), focal_point=True), organisation
    )


def test_affiliation_requests_within_reach():
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    own = services.request_affiliation(user=UserFactory(), organisation=organisation)
    elsewhere = services.request_affiliation(user=UserFactory(), organisation=OrganisationFactory())
    proposal = services.propose_organisation(user=UserFactory(), name="New Co", kind="other")

    assert list(membership.affiliation_requests_within_reach(focal_point)) == [own]
    assert list(membership.affiliation_requests_within_reach(staff_user())) == [
        own,
        elsewhere,
        proposal,
    ]
    assert list(membership.affiliation_requests_within_reach(member_of(organisation))) == []


def test_console_users_are_the_active_holders_of_the_permission():
    staff = staff_user(email="b-staff@example.org")
    admin = admin_user(email="a-admin@example.org")
    staff_user(email="gone@example.org", is_active=False)
    UserFactory()

    assert list(membership.console_users()) == [admin, staff]


def test_people_of_lists_current_affiliations_only():
    organisation = OrganisationFactory()
    current = AffiliationFactory(organisation=organisation)
    AffiliationFactory(organisation=organisation, ended=current.started)

    assert list(membership.people_of([organisation])) == [current]
