"""Reads of the registry used by pages, reports and plug-ins."""

from django.db.models import Count, Exists, OuterRef, Prefetch

from .models import Affiliation, Country, Organisation, TaskForceMembership


def directory_organisations():
    """Approved organisations with what the directory shows, in a fixed number of queries."""
    return (
        Organisation.objects.approved()
        .select_related("country")
        .prefetch_related(
            Prefetch(
                "taskforce_memberships",
                queryset=TaskForceMembership.objects.current(),
                to_attr="current_memberships",
            )
        )
        .order_by("name", "id")
    )


def public_people_of(organisation):
    """People of an organisation who agreed to be listed publicly, with their current posts."""
    return (
        Affiliation.objects.active()
        .filter(organisation=organisation, person__listed_publicly=True)
        .select_related("person")
        .order_by("person__name", "id")
    )


def people_not_listed_count(organisation) -> int:
    """How many of the organisation's current people are not listed publicly: counted, not named."""
    return (
        Affiliation.objects.active()
        .filter(organisation=organisation, person__listed_publicly=False)
        .values("person")
        .distinct()
        .count()
    )


def taskforce_figures() -> dict:
    """Counts for the home page: Task Force organisations and the countries they come from."""
    members = TaskForceMembership.objects.current().filter(organisation__approved=True)
    figures = members.aggregate(
        organisations=Count("organisation", distinct=True),
        countries=Count("organisation__country", distinct=True),
    )
    return figures


def countries_with_organisations():
    # EXISTS probes the (approved, country) index once per country; a join with DISTINCT
    # would read every approved organisation.
    approved_here = Organisation.objects.filter(country=OuterRef("pk"), approved=True)
    return Country.objects.filter(Exists(approved_here)).order_by("name")
