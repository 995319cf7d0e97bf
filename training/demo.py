"""The training part of ``seed_demo``: the course, its modules, a past cohort with
completions and an upcoming cohort open for nomination, all through the real services.

The modules follow what the reference documents name as the Roadmap's concerns (the UN
resolution on SSE, framework laws, supply chains and formalisation, statistics, hosting the
Policy Dialogue). The reference documents name no trainee, so the past cohort's participants
are placeholder people (each country's everyday "John Doe" name, in its own script), not
listed publicly; nobody from the documents is said to have taken the course. Every step
finds what a previous run made before creating anything, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import NamedTuple

from django.utils import timezone

from roadmap_portal.core.plugins import SeedContext
from roadmap_portal.registrations import services as engine
from roadmap_portal.registrations.models import Mode, Registration
from taskforce import services as registry
from taskforce.models import Country, CountryGroup, Gender, Organisation, Person

from . import services
from .models import Certificate, Cohort, CohortSession, Course, DeliveryMode, Module

COURSE_SLUG = "asean-sse-for-sdgs-training-course"
COURSE_TITLE = "ASEAN SSE for SDGs Training Course"
COURSE_DESCRIPTION = (
    "Carried out by the Asian Solidarity Economy Council (ASEC) in partnership with "
    "APPGM-SDGs to build up the capabilities and preparedness of ASEC member organisations "
    "who implement the ASEAN SSE for SDGs Roadmap 2025-2030 in their countries, and who give "
    "technical assistance to the Task Force in organising the Policy Dialogue when their "
    "country hosts the ASEAN Summit."
)
ORGANISER_SLUGS = ("asec", "appgm-sdg")

MODULES: tuple[tuple[str, str], ...] = (
    (
        "SSE and the Sustainable Development Goals",
        "The UN resolution on the social and solidarity economy of April 2023, and how SSE "
        "contributes to decent work and the SDGs in Asia.",
    ),
    (
        "Framework laws and policies for SSE in ASEAN",
        "Why a framework law on SSE matters in ASEAN member states, and the policies that are "
        "conducive to decent work and the SSE.",
    ),
    (
        "SSE supply chains and the formal economy",
        "Building SSE supply chains; the role of SSE in the transition from the informal to "
        "the formal economy and for workers on digital labour platforms.",
    ),
    (
        "Statistics on cooperatives and SSE entities",
        "Why and how to generate statistics on cooperatives and SSE entities.",
    ),
    (
        "Carrying out the Roadmap and hosting the Policy Dialogue",
        "The Task Force, the annual Policy Dialogue beside the ASEAN Summit, and how a host "
        "country's member organisations prepare it with the secretariat.",
    ),
)

TIME_ZONE = "Asia/Kuala_Lumpur"
PAST_COHORT_SLUG = "first-cohort-2025"
UPCOMING_COHORT_SLUG = "second-cohort"


class Trainee(NamedTuple):
    name: str
    name_latin: str
    gender: str
    organisation_slug: str
    # Indexes (0-based) of the past cohort's sessions the person attended.
    attended: tuple[int, ...]


TRAINEES: tuple[Trainee, ...] = (
    Trainee("สมชาย ใจดี", "Somchai Jaidee", Gender.MAN, "homenet-thailand", (0, 1, 2, 3, 4)),
    Trainee("สมศรี มีสุข", "Somsri Meesuk", Gender.WOMAN, "tamsany", (0, 1, 3, 4)),
    Trainee("Juan dela Cruz", "", Gender.MAN, "bayan-family-of-foundations", (0, 1, 2, 3)),
    Trainee("Juana dela Cruz", "", Gender.WOMAN, "quezon-city-peso", (0, 2, 3, 4)),
    Trainee("Budi Santoso", "", Gender.MAN, "bina-swadaya", (0, 1, 2, 3, 4)),
    Trainee("Sri Wahyuni", "", Gender.WOMAN, "mycool", (0, 1)),
    Trainee("Ali bin Abu", "", Gender.MAN, "oa-organic-ykpm", (1, 2, 4)),
    Trainee("Nur Aisyah binti Ahmad", "", Gender.WOMAN, "appgm-sdg", (0, 1, 2, 4)),
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(TIME_ZONE))


def _ensure_course(context: SeedContext) -> Course:
    course = context.ensure(
        "courses",
        find=lambda: Course.objects.filter(slug=COURSE_SLUG).first(),
        create=lambda: services.create_course(
            title=COURSE_TITLE,
            slug=COURSE_SLUG,
            description=COURSE_DESCRIPTION,
            organisers=Organisation.objects.filter(slug__in=ORGANISER_SLUGS),
        ),
    )
    for title, summary in MODULES:
        context.ensure(
            "modules",
            find=lambda title=title: Module.objects.filter(course=course, title=title).first(),
            create=lambda title=title, summary=summary: services.add_module(
                course=course, title=title, summary=summary
            ),
        )
    return course


def _asean_countries():
    return Country.objects.filter(group=CountryGroup.ASEAN)


def _ensure_past_cohort(context: SeedContext, course: Course) -> Cohort:
    first_day = dt.date(2025, 9, 4)
    cohort = context.ensure(
        "cohorts",
        find=lambda: Cohort.objects.filter(slug=PAST_COHORT_SLUG).first(),
        create=lambda: services.create_cohort(
            course=course,
            title="First cohort, 2025 (online)",
            slug=PAST_COHORT_SLUG,
            description=(
                "Five weekly online sessions, one per module, for the member organisations "
                "of the first years of the Roadmap."
            ),
            schedule=services.CohortSchedule(
                starts_at=_at(first_day, 14),
                ends_at=_at(first_day + dt.timedelta(weeks=4), 16),
                time_zone=TIME_ZONE,
                delivery_mode=DeliveryMode.ONLINE,
                nominations_open_at=_at(dt.date(2025, 7, 1), 9),
                nomination_deadline=_at(dt.date(2025, 8, 15), 23, 59),
                online_capacity=30,
                seats_per_organisation=3,
            ),
            eligible_countries=_asean_countries(),
        ),
    )
    _ensure_sessions(
        context, cohort, [(_at(first_day + dt.timedelta(weeks=i), 14), 2) for i in range(5)]
    )
    return cohort


def _ensure_sessions(context: SeedContext, cohort: Cohort, starts: list[tuple[dt.datetime, int]]):
    modules = list(Module.objects.filter(course=cohort.course).order_by("position"))
    for module, (starts_at, hours) in zip(modules, starts, strict=False):
        context.ensure(
            "sessions",
            find=lambda module=module: CohortSession.objects.filter(
                cohort=cohort, module=module
            ).first(),
            create=lambda module=module, starts_at=starts_at, hours=hours: services.add_session(
                cohort=cohort,
                module=module,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=hours),
            ),
        )


def _ensure_trainee(context: SeedContext, row: Trainee) -> Person:
    return context.ensure(
        "placeholder trainees",
        find=lambda: Person.objects.filter(name=row.name).order_by("id").first(),
        create=lambda: registry.create_person(
            name=row.name, name_latin=row.name_latin, gender=row.gender
        ),
    )


def _seed_past_cohort(context: SeedContext, cohort: Cohort) -> None:
    """Participants recorded by staff override (a past event), their attendance, and the
    certificates completion earns."""
    staff = context.accounts.get("staff")
    sessions = list(CohortSession.objects.filter(cohort=cohort).order_by("starts_at", "id"))
    attended_by_session: dict[int, list[int]] = {session.pk: [] for session in sessions}
    for row in TRAINEES:
        organisation = Organisation.objects.filter(slug=row.organisation_slug).first()
        if organisation is None:
            continue
        person = _ensure_trainee(context, row)
        registration = context.ensure(
            "participants",
            find=lambda person=person: (
                Registration.objects.active()
                .filter(activity_id=cohort.activity_id, person=person)
                .first()
            ),
            create=lambda person=person, organisation=organisation: engine.record_participant(
                activity=cohort.activity,
                person=person,
                organisation=organisation,
                mode=Mode.ONLINE,
                by=staff,
            ),
        )
        for index in row.attended:
            attended_by_session[sessions[index].pk].append(registration.pk)
    certificates_before = Certificate.objects.filter(
        registration__activity_id=cohort.activity_id
    ).count()
    for session in sessions:
        services.record_attendance(
            session=session, present_registration_ids=attended_by_session[session.pk], by=staff
        )
    certificates = Certificate.objects.filter(registration__activity_id=cohort.activity_id).count()
    for _ in range(certificates_before):
        context.count("certificates", created=False)
    for _ in range(certificates - certificates_before):
        context.count("certificates", created=True)


def _ensure_upcoming_cohort(context: SeedContext, course: Course) -> Cohort:
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    today = timezone.localtime(timezone.now(), zone).date()
    first_day = today + dt.timedelta(days=45)
    cohort = context.ensure(
        "cohorts",
        find=lambda: Cohort.objects.filter(slug=UPCOMING_COHORT_SLUG).first(),
        create=lambda: services.create_cohort(
            course=course,
            title="Second cohort (hybrid)",
            slug=UPCOMING_COHORT_SLUG,
            description=(
                "Five mornings in Kuala Lumpur and online, for the member organisations of "
                "the countries that host the coming Policy Dialogues."
            ),
            place="Kuala Lumpur",
            schedule=services.CohortSchedule(
                starts_at=_at(first_day, 9),
                ends_at=_at(first_day + dt.timedelta(days=4), 12),
                time_zone=TIME_ZONE,
                delivery_mode=DeliveryMode.HYBRID,
                country=Country.objects.get(code="MY"),
                nominations_open_at=timezone.now() - dt.timedelta(days=1),
                nomination_deadline=_at(today + dt.timedelta(days=30), 23, 59),
                onsite_capacity=20,
                online_capacity=40,
                seats_per_organisation=2,
            ),
            eligible_countries=_asean_countries(),
        ),
    )
    first_day = timezone.localtime(cohort.activity.starts_at, zone).date()
    _ensure_sessions(
        context, cohort, [(_at(first_day + dt.timedelta(days=i), 9), 3) for i in range(5)]
    )
    return cohort


def seed(context: SeedContext) -> None:
    course = _ensure_course(context)
    past = _ensure_past_cohort(context, course)
    _seed_past_cohort(context, past)
    _ensure_upcoming_cohort(context, course)
