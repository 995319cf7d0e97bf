"""Reads of convenings used by pages, the home page and reports."""

from django.db.models import Count, Q

from roadmap_portal.registrations.models import ActivityStatus

from .models import AgendaSession, Convening, ConveningKind
from .rotation import ROTATION


def rotation():
    """The six Roadmap years with their host country and dialogue, one query."""
    years = [row.year for row in ROTATION]
    dialogues = {
        convening.year: convening
        for convening in Convening.objects.policy_dialogues()
        .filter(year__in=years)
        .select_related("activity", "host_country")
    }
    return [(row.year, dialogues.get(row.year)) for row in ROTATION]


def dialogue_figures() -> dict:
    return Convening.objects.aggregate(
        convenings=Count("id", filter=Q(activity__status=ActivityStatus.HELD)),
        held=Count(
            "id",
            filter=Q(kind=ConveningKind.POLICY_DIALOGUE, activity__status=ActivityStatus.HELD),
        ),
    )


def convenings_by_year():
    """Every convening, newest year first, grouped as [(year, [convening, ...]), ...]."""
    convenings = Convening.objects.with_activity().order_by("-year", "activity__starts_at", "title")
    grouped: dict[int, list] = {}
    for convening in convenings:
        grouped.setdefault(convening.year, []).append(convening)
    return list(grouped.items())


def agenda(convening):
    """The convening's sessions in order, with their moderators and speakers (three queries).

    Templates name a moderator or speaker only when ``listed_publicly`` is on.
    """
    return AgendaSession.objects.filter(convening=convening).prefetch_related(
        "moderators", "speakers"
    )


def participants(convening, *, public: bool):
    """The participants table: confirmed registrations in the list's order, as a queryset a
    page slices.

    With ``public`` only people who consented to be listed are returned; the caller shows a
    count of the others so the total stays honest.
    """
    from roadmap_portal.registrations.models import Registration

    registrations = (
        Registration.objects.confirmed()
        .filter(activity_id=convening.activity_id)
        .select_related("person", "organisation", "organisation__country")
        .in_list_order()
    )
    if public:
        registrations = registrations.filter(person__listed_publicly=True)
    return registrations


def participant_counts(convening) -> dict:
    from roadmap_portal.registrations.models import Registration

    return (
        Registration.objects.confirmed()
        .filter(activity_id=convening.activity_id)
        .aggregate(
            total=Count("id"),
            listed=Count("id", filter=Q(person__listed_publicly=True)),
            online=Count("id", filter=Q(mode="online")),
        )
    )
