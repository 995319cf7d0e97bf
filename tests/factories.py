"""factory_boy factories without surprises: each builds the smallest valid object."""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from roadmap_portal.accounts.models import User
from roadmap_portal.accounts.roles import ensure_secretariat_group
from roadmap_portal.registrations.models import Activity, ActivityKind, Registration
from taskforce.models import (
    Affiliation,
    Country,
    Organisation,
    OrganisationKind,
    Person,
    TaskForceMembership,
    TaskForceRole,
)

PASSWORD = "correct-horse-battery"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """An allauth EmailAddress, verified unless ``verified=False`` is passed."""
        if not create:
            return
        from allauth.account.models import EmailAddress

        obj.save()
        EmailAddress.objects.update_or_create(
            user=obj,
            email=obj.email,
            defaults={"verified": extracted is not False, "primary": True},
        )


def staff_user(**kwargs) -> User:
    """A secretariat user: holds access_console through the Secretariat group."""
    user = UserFactory(**kwargs)
    user.groups.add(ensure_secretariat_group())
    return user


def admin_user(**kwargs) -> User:
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


def country(code: str) -> Country:
    """Countries come from the data migration; tests look them up by code."""
    return Country.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Solidarity Cooperative {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.COOPERATIVE
    country = factory.LazyFunction(lambda: Country.objects.get(code="PH"))
    approved = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Maria Santos {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Programme officer"
    started = dt.date(2024, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskForceMembership

    organisation = factory.SubFactory(OrganisationFactory)
    role = TaskForceRole.MEMBER
    since = dt.date(2025, 1, 1)


def member_of(organisation, *, focal_point=False, **user_kwargs) -> User:
    """A signed-up user linked to a person with an active affiliation to ``organisation``."""
    user = UserFactory(**user_kwargs)
    person = PersonFactory(user=user, email=user.email)
    AffiliationFactory(person=person, organisation=organisation, is_focal_point=focal_point)
    return user


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Regional workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=1))
    time_zone = "Asia/Manila"
    country = factory.LazyFunction(lambda: Country.objects.get(code="PH"))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(days=7))


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration written directly: for arranging pages, not for the engine."""

    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = "confirmed"


__all__ = [
    "PASSWORD",
    "ActivityFactory",
    "AffiliationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "PersonFactory",
    "RegistrationFactory",
    "UserFactory",
    "admin_user",
    "country",
    "member_of",
    "staff_user",
]
