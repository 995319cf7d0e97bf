"""Builders for the training tests: courses and cohorts made through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roadmap_portal.registrations import services as engine
from roadmap_portal.registrations.models import Registration
from taskforce.models import Country
from tests.factories import AffiliationFactory, OrganisationFactory, PersonFactory
from training import services
from training.models import Cohort, Course, DeliveryMode, Module

_counter = iter(range(1, 10_000))


def make_course(*, modules: int = 5) -> Course:
    number = next(_counter)
    course = services.create_course(
        title=f"ASEAN SSE for SDGs Training Course {number}", slug=f"course-{number}"
    )
    for position in range(1, modules + 1):
        services.add_module(course=course, title=f"Module {position}")
    return course


def make_cohort(
    *,
    course: Course | None = None,
    starts_in: dt.timedelta = dt.timedelta(days=60),
    opens_in: dt.timedelta | None = None,
    deadline_in: dt.timedelta | None = None,
    delivery_mode: str = DeliveryMode.ONLINE,
    onsite_capacity: int | None = None,
    online_capacity: int | None = None,
    seats_per_organisation: int | None = None,
    eligible: tuple[str, ...] = (),
    sessions: int = 5,
    threshold: int = 80,
    slug: str = "",
) -> Cohort:
    """A cohort starting ``starts_in`` from now with ``sessions`` daily two-hour sessions.

    Nominations open a day before now (or ``opens_in``) and close a week before the start
    (or ``deadline_in``).
    """
    now = timezone.now()
    course = course or make_course(modules=max(sessions, 1))
    starts_at = now + starts_in
    opens_at = now + (opens_in if opens_in is not None else dt.timedelta(days=-1))
    deadline = now + deadline_in if deadline_in is not None else starts_at - dt.timedelta(days=7)
    number = next(_counter)
    cohort = services.create_cohort(
        course=course,
        title=f"Cohort {number}",
        slug=slug or f"cohort-{number}",
        schedule=services.CohortSchedule(
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(days=max(sessions, 1)),
            time_zone="Asia/Manila",
            delivery_mode=delivery_mode,
            nominations_open_at=opens_at,
            nomination_deadline=deadline,
            country=Country.objects.get(code="PH"),
            onsite_capacity=onsite_capacity,
            online_capacity=online_capacity,
            seats_per_organisation=seats_per_organisation,
        ),
        eligible_countries=Country.objects.filter(code__in=eligible),
        completion_threshold_percent=threshold,
    )
    modules = list(Module.objects.filter(course=course).order_by("position"))
    for index in range(sessions):
        session_start = starts_at + dt.timedelta(days=index)
        services.add_session(
            cohort=cohort,
            module=modules[index % len(modules)],
            starts_at=session_start,
            ends_at=session_start + dt.timedelta(hours=2),
        )
    return cohort


def make_ended_cohort(**kwargs) -> Cohort:
    """A cohort whose sessions are all over (started 30 days ago)."""
    return make_cohort(
        starts_in=dt.timedelta(days=-30),
        opens_in=dt.timedelta(days=-60),
        deadline_in=dt.timedelta(days=-40),
        **kwargs,
    )


def make_nominee(organisation=None, **person_kwargs):
    """A person with an active affiliation to ``organisation`` (a new one by default)."""
    organisation = organisation or OrganisationFactory()
    person = PersonFactory(**person_kwargs)
    AffiliationFactory(person=person, organisation=organisation)
    return person


def enrol(cohort: Cohort, *, person=None, organisation=None, mode: str = "online") -> Registration:
    """A confirmed participant, recorded by staff override (as for a past cohort)."""
    organisation = organisation or OrganisationFactory()
    person = person or make_nominee(organisation)
    return engine.record_participant(
        activity=cohort.activity, person=person, organisation=organisation, mode=mode
    )


def attend_all(cohort: Cohort, registrations, *, skip: dict | None = None, by=None):
    """Record every session of ``cohort``: everyone present except ``skip[session_index]``."""
    skip = skip or {}
    issued = []
    sessions = list(cohort.sessions.order_by("starts_at", "id"))
    for index, session in enumerate(sessions):
        absent = {r.pk for r in skip.get(index, ())}
        issued += services.record_attendance(
            session=session,
            present_registration_ids=[r.pk for r in registrations if r.pk not in absent],
            by=by,
        )
    return issued
