"""Writes to the registry: verb-first, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from .models import (
    Affiliation,
    Country,
    Organisation,
    Person,
    TaskForceMembership,
    TaskForcePosition,
)


def unique_organisation_slug(name: str, acronym: str = "") -> str:
    base = slugify(acronym or name)[:70] or "organisation"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    country: Country | None,
    acronym: str = "",
    slug: str = "",
    website: str = "",
    description: str = "",
    is_asec_member: bool = False,
    approved: bool = False,
) -> Organisation:
    organisation = Organisation(
        name=name,
        acronym=acronym,
        slug=slug or unique_organisation_slug(name, acronym),
        kind=kind,
        country=country,
        website=website,
        description=description,
        is_asec_member=is_asec_member,
        approved=approved,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def create_person(
    *,
    name: str,
    honorific: str = "",
    name_latin: str = "",
    gender: str = "not_recorded",
    gender_description: str = "",
    email: str = "",
    phone: str = "",
    listed_publicly: bool = False,
    user=None,
) -> Person:
    person = Person(
        name=name,
        honorific=honorific,
        name_latin=name_latin,
        gender=gender,
        gender_description=gender_description,
        email=email,
        phone=phone,
        listed_publicly=listed_publicly,
        user=user,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def affiliate_person(
    *,
    person: Person,
    organisation: Organisation,
    position: str = "",
    started: dt.date | None = None,
    is_focal_point: bool = False,
) -> Affiliation:
    """Give ``person`` an open affiliation to ``organisation``; an open one is updated instead."""
    affiliation = Affiliation.objects.filter(
        person=person, organisation=organisation, ended__isnull=True
    ).first()
    if affiliation is None:
        affiliation = Affiliation(person=person, organisation=organisation)
    affiliation.position = position or affiliation.position
    affiliation.started = started or affiliation.started
    affiliation.is_focal_point = is_focal_point or affiliation.is_focal_point
    affiliation.full_clean(validate_constraints=False)
    affiliation.save()
    return affiliation


@transaction.atomic
def add_taskforce_membership(
    *, organisation: Organisation, role: str, since: dt.date
) -> TaskForceMembership:
    """Record an organisation's Task Force role; an open membership in that role is kept."""
    membership = TaskForceMembership.objects.filter(
        organisation=organisation, role=role, until__isnull=True
    ).first()
    if membership is not None:
        return membership
    membership = TaskForceMembership(organisation=organisation, role=role, since=since)
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def add_taskforce_position(*, person: Person, title: str, since: dt.date) -> TaskForcePosition:
    position = TaskForcePosition.objects.filter(person=person, title=title, until__isnull=True)
    existing = position.first()
    if existing is not None:
        return existing
    new_position = TaskForcePosition(person=person, title=title, since=since)
    new_position.full_clean()
    new_position.save()
    return new_position
