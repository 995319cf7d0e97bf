"""Reads of the training app used by its pages, the home card and the readiness page.

Each function costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap_portal.registrations import selectors as registration_selectors
from roadmap_portal.registrations.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
)
from taskforce.models import Affiliation, Organisation

from .models import Certificate, Cohort, CohortSession, Course, Module

# Statuses a review shows: everything but withdrawn nominations.
REVIEWED_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.DECLINED,
)


def courses_with_modules():
    return Course.objects.prefetch_related(
        Prefetch("modules", queryset=Module.objects.order_by("position"))
    ).order_by("title", "id")


def cohorts_for_listing(now: dt.datetime | None = None) -> dict:
    """Upcoming cohorts (soonest first) and past ones (latest first), with their activities."""
    now = now or timezone.now()
    base = Cohort.objects.with_activity()
    return {
        "upcoming": list(
            base.upcoming(now).order_by(F("activity__starts_at").asc(nulls_last=True), "id")
        ),
        "past": list(base.past(now).order_by("-activity__ends_at", "-id")),
    }


def roster(cohort: Cohort):
    """The registrations attendance is taken for: the cohort's confirmed participants."""
    return Registration.objects.confirmed().filter(
        activity_id=cohort.activity_id, role=Role.PARTICIPANT
    )


def sessions_of(cohort: Cohort):
    return (
        CohortSession.objects.filter(cohort=cohort)
        .select_related("module")
        .order_by("starts_at", "id")
    )


@dataclass
class SeatsRow:
    mode: str
    label: str
    capacity: int | None
    taken: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


def seats_summary(cohort: Cohort) -> list[SeatsRow]:
    """Capacity, seats taken and seats left for each mode the cohort offers."""
    activity = cohort.activity
    taken = registration_selectors.seats_taken(activity)
    return [
        SeatsRow(mode, Mode(mode).label, activity.capacity_for(mode), taken[mode])
        for mode in cohort.modes
    ]


@dataclass
class OrganisationPanel:
    """What a focal point sees of its organisation on a cohort's page."""

    organisation: Organisation
    eligible: bool
    nominations: list = field(default_factory=list)
    people: list = field(default_factory=list)
    seats_used: int = 0
    seats_limit: int | None = None

    @property
    def seats_left(self) -> int | None:
        if self.seats_limit is None:
            return None
        return max(0, self.seats_limit - self.seats_used)


def organisation_panels(
    cohort: Cohort, organisations: list[Organisation]
) -> list[OrganisationPanel]:
    """For each organisation a focal point keeps: its nominations, its people, its seats.

    Three queries whatever the number of organisations, nominations or people.
    """
    if not organisations:
        return []
    activity = cohort.activity
    eligible_ids = {country.pk for country in cohort.eligible_countries.all()}
    ids = [organisation.pk for organisation in organisations]
    nominations = (
        Registration.objects.filter(activity=activity, organisation_id__in=ids)
        .select_related("person", "training_certificate")
        .order_by("requested_at", "id")
    )
    by_organisation: dict[int, list] = {pk: [] for pk in ids}
    for registration in nominations:
        by_organisation[registration.organisation_id].append(registration)
    people: dict[int, list] = {pk: [] for pk in ids}
    affiliations = (
        Affiliation.objects.active()
        .filter(organisation_id__in=ids)
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    for affiliation in affiliations:
        people[affiliation.organisation_id].append(affiliation.person)
    panels = []
    for organisation in organisations:
        registrations = by_organisation[organisation.pk]
        active_people = {r.person_id for r in registrations if r.is_active}
        panels.append(
            OrganisationPanel(
                organisation=organisation,
                eligible=not eligible_ids or organisation.country_id in eligible_ids,
                nominations=registrations,
                people=[
                    person for person in people[organisation.pk] if person.pk not in active_people
                ],
                seats_used=sum(
                    1
                    for r in registrations
                    if r.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
                    and r.role == Role.PARTICIPANT
                ),
                seats_limit=activity.seats_per_organisation,
            )
        )
    return panels


def own_registration(cohort: Cohort, user) -> Registration | None:
    """The signed-in person's latest registration at the cohort, if any."""
    from roadmap_portal.accounts.membership import person_of

    person = person_of(user)
    if person is None:
        return None
    return (
        Registration.objects.filter(activity_id=cohort.activity_id, person=person)
        .select_related("organisation", "training_certificate")
        .order_by("-requested_at", "-id")
        .first()
    )


@dataclass
class CountryBalance:
    country: str
    pending: int
    confirmed: int
    waitlisted: int
    declined: int


def nominations_for_review(cohort: Cohort):
    """The cohort's nominations side by side, pending first, then by when they came in."""
    order = {status: index for index, status in enumerate(REVIEWED_STATUSES)}
    registrations = list(
        Registration.objects.filter(activity_id=cohort.activity_id, status__in=REVIEWED_STATUSES)
        .select_related("person", "organisation", "organisation__country")
        .order_by("requested_at", "id")
    )
    registrations.sort(key=lambda r: order[r.status])
    return registrations


def organisation_seats(cohort: Cohort) -> dict[int, int]:
    """Seats each organisation uses (what the engine's per-organisation limit counts)."""
    return registration_selectors.organisation_seats_used_by_org(cohort.activity)


def country_balance(cohort: Cohort) -> list[CountryBalance]:
    """Nominations per country of the nominating organisation, by status; one query."""
    rows = (
        Registration.objects.filter(activity_id=cohort.activity_id, status__in=REVIEWED_STATUSES)
        .values("organisation__country__name")
        .annotate(
            pending=Count("id", filter=Q(status=RegistrationStatus.PENDING)),
            confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
            declined=Count("id", filter=Q(status=RegistrationStatus.DECLINED)),
        )
        .order_by("organisation__country__name")
    )
    return [
        CountryBalance(
            country=row["organisation__country__name"] or str(_("No country")),
            pending=row["pending"],
            confirmed=row["confirmed"],
            waitlisted=row["waitlisted"],
            declined=row["declined"],
        )
        for row in rows
    ]


class ProgressState:
    COMPLETED = "completed"
    REVOKED = "revoked"
    REACHED = "reached"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    CANNOT_COMPLETE = "cannot_complete"
    NOT_COMPLETED = "not_completed"

    BADGES = {
        COMPLETED: "confirmed",
        REVOKED: "cancelled",
        REACHED: "held",
        ON_TRACK: "open",
        AT_RISK: "pending",
        CANNOT_COMPLETE: "declined",
        NOT_COMPLETED: "declined",
    }

    LABELS = {
        COMPLETED: _("Completed, certificate issued"),
        REVOKED: _("Certificate revoked"),
        REACHED: _("Threshold reached"),
        ON_TRACK: _("On track"),
        AT_RISK: _("At risk"),
        CANNOT_COMPLETE: _("Cannot reach the threshold"),
        NOT_COMPLETED: _("Did not complete"),
    }


@dataclass
class ProgressRow:
    registration: Registration
    attended: int
    held: int
    remaining: int
    needed: int
    state: str

    @property
    def state_label(self):
        return ProgressState.LABELS[self.state]

    @property
    def badge(self) -> str:
        return ProgressState.BADGES[self.state]

    @property
    def percent_of_held(self) -> int | None:
        return None if self.held == 0 else round(self.attended * 100 / self.held)


@dataclass
class CohortProgress:
    sessions: int
    held: int
    needed: int
    threshold_percent: int
    rows: list[ProgressRow]


def cohort_progress(cohort: Cohort, now: dt.datetime | None = None) -> CohortProgress:
    """Who is on track for completion, at any time; three queries.

    Held sessions are those that have started (attendance can be taken from then on). A
    participant is on track when the sessions attended so far reach the threshold of the held
    ones, at risk when attending every remaining session would still reach it, and cannot
    complete otherwise (did not complete, once every session is held).
    """
    now = now or timezone.now()
    counts = CohortSession.objects.filter(cohort=cohort).aggregate(
        sessions=Count("id"), held=Count("id", filter=Q(starts_at__lte=now))
    )
    sessions, held = counts["sessions"], counts["held"]
    threshold = cohort.completion_threshold_percent
    needed = math.ceil(threshold * sessions / 100)
    needed_so_far = math.ceil(threshold * held / 100)
    registrations = (
        roster(cohort)
        .annotate(
            sessions_attended=Count(
                "training_attendances",
                filter=Q(
                    training_attendances__present=True,
                    training_attendances__session__cohort=cohort,
                ),
            )
        )
        .select_related("person", "organisation", "training_certificate")
        .order_by("person__name", "id")
    )
    rows = []
    for registration in registrations:
        attended = registration.sessions_attended
        certificate = getattr(registration, "training_certificate", None)
        remaining = sessions - held
        if certificate is not None:
            state = ProgressState.REVOKED if certificate.is_revoked else ProgressState.COMPLETED
        elif sessions and attended >= needed:
            state = ProgressState.REACHED
        elif attended >= needed_so_far:
            state = ProgressState.ON_TRACK
        elif attended + remaining >= needed:
            state = ProgressState.AT_RISK
        elif remaining == 0:
            state = ProgressState.NOT_COMPLETED
        else:
            state = ProgressState.CANNOT_COMPLETE
        rows.append(ProgressRow(registration, attended, held, remaining, needed, state))
    return CohortProgress(sessions, held, needed, threshold, rows)


@dataclass
class AttendanceRow:
    registration: Registration
    present: bool | None


def attendance_grid(session: CohortSession) -> list[AttendanceRow]:
    """Everyone on the cohort's roster with what was recorded for this session; two queries."""
    recorded = dict(session.attendances.values_list("registration_id", "present"))
    registrations = (
        roster(session.cohort)
        .select_related("person", "organisation")
        .order_by("person__name", "id")
    )
    return [AttendanceRow(r, recorded.get(r.pk)) for r in registrations]


@dataclass
class ReadinessRow:
    dialogue: Activity
    people: int
    organisations: int


def host_readiness(now: dt.datetime | None = None) -> list[ReadinessRow]:
    """For each upcoming policy dialogue: how many people of the host country have completed
    the course (valid certificates), from how many organisations. Two queries.

    The dialogues are found through ``Activity`` (kind and country), so this app never
    imports ``dialogues``. A person's country is the country of the organisation that
    nominated them to the cohort.
    """
    dialogues = list(
        Activity.objects.filter(kind=ActivityKind.POLICY_DIALOGUE)
        .upcoming(now)
        .select_related("country")
        .order_by(F("starts_at").asc(nulls_last=True), "id")
    )
    country_codes = {dialogue.country_id for dialogue in dialogues if dialogue.country_id}
    figures = {
        row["registration__organisation__country"]: row
        for row in Certificate.objects.valid()
        .filter(registration__organisation__country__in=country_codes)
        .values("registration__organisation__country")
        .annotate(
            people=Count("registration__person", distinct=True),
            organisations=Count("registration__organisation", distinct=True),
        )
        .order_by()
    }
    rows = []
    for dialogue in dialogues:
        row = figures.get(dialogue.country_id, {})
        rows.append(ReadinessRow(dialogue, row.get("people", 0), row.get("organisations", 0)))
    return rows


def training_figures() -> dict:
    """The home card's counts: people holding a valid certificate, cohorts not cancelled."""
    people = Certificate.objects.valid().values("registration__person").distinct().count()
    cohorts = Cohort.objects.exclude(activity__status=ActivityStatus.CANCELLED).count()
    return {"people_trained": people, "cohorts": cohorts}


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.with_holder().filter(code=code).first()
