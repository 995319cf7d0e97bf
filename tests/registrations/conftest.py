"""Fixtures of the registration tests: an organisation with a focal point and colleagues."""

import pytest

from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import Mode
from tests.factories import (
    ActivityFactory,
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    member_of,
    staff_user,
)


def register(activity, person, organisation, by, mode=Mode.ONSITE, **kwargs):
    """``register_person`` with the arguments in the order the tests read them."""
    return services.register_person(
        activity=activity, person=person, organisation=organisation, mode=mode, by=by, **kwargs
    )


def colleague_of(organisation, **kwargs):
    """A person with an active affiliation to ``organisation`` and no account."""
    person = PersonFactory(**kwargs)
    AffiliationFactory(person=person, organisation=organisation)
    return person


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Bayan Family of Foundations")


@pytest.fixture
def focal_point(organisation):
    return member_of(organisation, focal_point=True)


@pytest.fixture
def member(organisation):
    return member_of(organisation)


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def activity(db):
    """Open for registration, two onsite seats, online unlimited."""
    return ActivityFactory(title="SSE for SDGs Forum", onsite_capacity=2, online_capacity=None)
