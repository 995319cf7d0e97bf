"""Fixtures of the logistics tests: an activity with an organisation, its people and staff."""

import pytest

from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    RegistrationFactory,
    member_of,
    staff_user,
)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Bayan Family of Foundations")


@pytest.fixture
def member(organisation):
    return member_of(organisation)


@pytest.fixture
def focal_point(organisation):
    return member_of(organisation, focal_point=True)


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def activity(db):
    return ActivityFactory(title="SSE for SDGs Forum")


@pytest.fixture
def registration(activity, organisation, member):
    """The member's own confirmed onsite registration."""
    return RegistrationFactory(
        activity=activity, person=member.person, organisation=organisation, mode="onsite"
    )
