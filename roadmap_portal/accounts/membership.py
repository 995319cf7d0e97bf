"""Who a signed-in user is in the network, read through the user's own relations.

The platform does not import the registry: it follows ``user.person`` and the person's
affiliations (DESIGN.md, three floors). A member is a signed-in user with an active
affiliation to an approved organisation; a focal point is a member whose affiliation has
``is_focal_point``; staff hold ``accounts.access_console``.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
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


def may_manage_organisation(user, organisation) -> bool:
    """Staff keep every organisation; a focal point keeps its own."""
    return is_staff(user) or is_focal_point_of(user, organisation)


def may_decide_affiliation_requests(user) -> bool:
    """Whether the user decides any request at all: staff, or a focal point somewhere."""
    return is_staff(user) or bool(focal_point_organisations(user))


def may_decide_affiliation_request(user, affiliation_request) -> bool:
    """Staff decide every request; a focal point decides the requests to join its organisation.

    A proposal of a new organisation (no ``organisation`` yet) is for staff only.
    """
    if is_staff(user):
        return True
    if affiliation_request.organisation_id is None:
        return False
    return is_focal_point_of(user, affiliation_request.organisation)


def affiliation_requests_within_reach(user, *, focal_point_organisations_known=None):
    """The affiliation requests, in any status, that ``user`` may decide (a queryset).

    The registry's model is reached by its name: the platform does not import the registry.
    A caller that has already read the user's focal-point organisations passes them in
    ``focal_point_organisations_known`` instead of having them read again.
    """
    requests = (
        apps.get_model("taskforce", "AffiliationRequest")
        .objects.select_related(
            "user",
            "organisation",
            "organisation__country",
            "proposed_country",
            "proposed_organisation",
        )
        .order_by("created_at", "id")
    )
    if is_staff(user):
        return requests
    organisations = (
        focal_point_organisations(user)
        if focal_point_organisations_known is None
        else focal_point_organisations_known
    )
    if not organisations:
        return requests.none()
    return requests.filter(organisation__in=[o.pk for o in organisations])


def console_users():
    """Active users holding the console permission (superusers included), by e-mail."""
    return (
        ModelBackend()
        .with_perm(CONSOLE_PERMISSION, is_active=True, include_superusers=True)
        .order_by("email")
    )


def people_of(organisations):
    """The current affiliations of the given organisations, with their people (a queryset)."""
    return (
        apps.get_model("taskforce", "Affiliation")
        .objects.active()
        .filter(organisation__in=[organisation.pk for organisation in organisations])
        .select_related("person", "organisation")
        .order_by("organisation__name", "person__name", "id")
    )
