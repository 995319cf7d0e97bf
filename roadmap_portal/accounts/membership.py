"""Who a signed-in user is in the network, read through the user's own relations.

The platform does not import the registry: it follows ``user.person`` and the person's
affiliations (DESIGN.md, three floors). A member is a signed-in user with an active
affiliation to an approved organisation; a focal point is a member whose affiliation has
``is_focal_point``; staff hold ``accounts.access_console``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from .roles import CONSOLE_PERMISSION


def person_of(user):
    """The Person linked to ``user``, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def active_affiliations(user):
    """The user's active affiliations to approved organisations (a queryset, or none)."""
    person = person_of(user)
    if person is None:
        return None
    return (
        person.affiliations.active()
        .filter(organisation__approved=True)
        .select_related("organisation", "organisation__country")
    )


def member_organisations(user) -> list:
    affiliations = active_affiliations(user)
    if affiliations is None:
        return []
    return [affiliation.organisation for affiliation in affiliations]


def focal_point_organisations(user) -> list:
    affiliations = active_affiliations(user)
    if affiliations is None:
        return []
    return [a.organisation for a in affiliations.filter(is_focal_point=True)]


def is_member(user) -> bool:
    affiliations = active_affiliations(user)
    return affiliations is not None and affiliations.exists()


def is_member_of(user, organisation) -> bool:
    affiliations = active_affiliations(user)
    return affiliations is not None and affiliations.filter(organisation=organisation).exists()


def is_focal_point_of(user, organisation) -> bool:
    affiliations = active_affiliations(user)
    return (
        affiliations is not None
        and affiliations.filter(organisation=organisation, is_focal_point=True).exists()
    )


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(CONSOLE_PERMISSION))
