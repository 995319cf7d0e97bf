"""The webinars' part of ``seed_demo``: the MySDG Academy x ASEC series, through the services.

The reference documents say only that MySDG Academy organises a webinar series with ASEC for
the Task Force; the webinars below are demo content on the Roadmap's themes, with speakers
from the registry (the workshop's participants the registry seeder creates). Dates are set
relative to the first run, so the demo always has past and upcoming webinars; a second run
finds every webinar by its slug and changes nothing. Past webinars get their recording and
an attendance import built from their registrants and a few clearly synthetic attendees,
confirmed through the same preview/confirm services staff use. Links point to example.org.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import NamedTuple

from django.utils import timezone

from roadmap_portal.core.plugins import SeedContext
from roadmap_portal.registrations.models import Mode, Registration, Role
from roadmap_portal.registrations.services import (
    RegistrationRefused,
    record_participant,
    register_person,
)
from taskforce import services as registry
from taskforce.demo import find_organisation, find_person
from taskforce.models import Affiliation, Person

from . import services
from .models import Series, Webinar, WebinarAttendance

SERIES_SLUG = "mysdg-academy-asec"
SYNTHETIC_ATTENDEES = 18


class DemoWebinar(NamedTuple):
    slug: str
    title: str
    abstract: str
    # Days from the first run: negative for past webinars.
    days_from_now: int
    local_time: dt.time
    time_zone: str
    duration_minutes: int
    language: str
    platform: str
    speakers: tuple[str, ...]
    sdgs: tuple[int, ...]
    online_capacity: int | None = None


WEBINARS: tuple[DemoWebinar, ...] = (
    DemoWebinar(
        slug="sse-and-the-sdgs-roadmap-2025-2030",
        title="SSE and the SDGs: the ASEAN Roadmap 2025-2030",
        abstract=(
            "How the social and solidarity economy advances the Sustainable Development Goals "
            "in ASEAN, and what the Roadmap's four strategic actions ask of the Task Force's "
            "members: the Task Force itself, the annual Policy Dialogue, this webinar series "
            "and the Training Course."
        ),
        days_from_now=-84,
        local_time=dt.time(15, 0),
        time_zone="Asia/Kuala_Lumpur",
        duration_minutes=90,
        language="en",
        platform="zoom",
        speakers=("Denison Jayasooria", "Eri Trinuri Adhi"),
        sdgs=(1, 8, 17),
    ),
    DemoWebinar(
        slug="home-based-workers-and-decent-work",
        title="Home-based workers and decent work in the solidarity economy",
        abstract=(
            "Organising home-based workers through networks and cooperatives: social "
            "protection, fair incomes and the place of women's work in the SSE."
        ),
        days_from_now=-42,
        local_time=dt.time(14, 0),
        time_zone="Asia/Bangkok",
        duration_minutes=75,
        language="en",
        platform="zoom",
        speakers=("Poonsap Tulaphan",),
        sdgs=(5, 8, 10),
    ),
    DemoWebinar(
        slug="platform-cooperatives-community-platforms",
        title="Platform cooperatives and community platforms",
        abstract=(
            "Digital platforms owned by their users: what platform cooperatives and "
            "community-based platforms in Indonesia and Thailand have learnt."
        ),
        days_from_now=21,
        local_time=dt.time(14, 0),
        time_zone="Asia/Jakarta",
        duration_minutes=90,
        language="en",
        platform="google_meet",
        speakers=("Heira Hardiyanti", "Akkanut Wantansombut"),
        sdgs=(8, 9, 11),
        online_capacity=150,
    ),
    DemoWebinar(
        slug="ekonomi-solidariti-sosial-tempatan",
        title="Ekonomi solidariti sosial dan SDG di peringkat tempatan",
        abstract=(
            "Perbincangan dalam Bahasa Melayu tentang peranan ekonomi solidariti sosial dalam "
            "melokalkan Matlamat Pembangunan Mampan di Malaysia."
        ),
        days_from_now=49,
        local_time=dt.time(10, 0),
        time_zone="Asia/Kuala_Lumpur",
        duration_minutes=60,
        language="ms",
        platform="zoom",
        speakers=("Paniirselvam Jayaraman",),
        sdgs=(11, 17),
    ),
    DemoWebinar(
        slug="towards-the-policy-dialogue-philippines",
        title="Towards the Policy Dialogue in the Philippines",
        abstract=(
            "The Philippines hosts the ASEAN SSE for SDGs Policy Dialogue beside the ASEAN "
            "Summit in 2026: what the host's members are preparing and how others can join."
        ),
        days_from_now=77,
        local_time=dt.time(16, 0),
        time_zone="Asia/Manila",
        duration_minutes=90,
        language="en",
        platform="teams",
        speakers=("Carlo Sagun", "Marian Jo Jennifer Dacawi"),
        sdgs=(16, 17),
        online_capacity=300,
    ),
)


def _person(context: SeedContext, name: str) -> Person:
    return context.ensure(
        "speakers",
        find=lambda: find_person(name),
        create=lambda: registry.create_person(name=name, listed_publicly=True),
    )


def _start(row: DemoWebinar, today: dt.date) -> dt.datetime:
    day = today + dt.timedelta(days=row.days_from_now)
    local = dt.datetime.combine(day, row.local_time, tzinfo=zoneinfo.ZoneInfo(row.time_zone))
    return local.astimezone(dt.UTC)


def _ensure_series(context: SeedContext) -> Series:
    organiser = find_organisation("mysdg-academy")
    partners = [o for o in (find_organisation("asec"), find_organisation("appgm-sdg")) if o]
    return context.ensure(
        "series",
        find=lambda: Series.objects.filter(slug=SERIES_SLUG).first(),
        create=lambda: services.create_series(
            title="MySDG Academy x ASEC webinar series: SSE for the SDGs",
            slug=SERIES_SLUG,
            organiser=organiser,
            partners=partners,
            description=(
                "Webinars organised by MySDG Academy in partnership with the Asian Solidarity "
                "Economy Council to strengthen the collaboration of the Task Force's members "
                "in carrying out the ASEAN SSE for SDGs Roadmap 2025-2030."
            ),
        ),
    )


def _speaker_organisation(person: Person):
    affiliation = (
        Affiliation.objects.active()
        .filter(person=person)
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    return affiliation.organisation if affiliation else None


def _attendance_csv(webinar: Webinar, people: list[tuple[str, str]]) -> bytes:
    """A Zoom-style participants export: registrants with an address, then synthetic ones."""
    duration = webinar.duration_minutes or 60
    lines = ["Name (Original Name),User Email,Total Duration (Minutes),Guest"]
    for index, (name, email) in enumerate(people):
        lines.append(f"{name},{email},{duration - index % 5},No")
    for number in range(1, SYNTHETIC_ATTENDEES + 1):
        minutes = duration - (number * 7) % duration
        lines.append(
            f"Demo participant {number:02d},demo.participant{number:02d}@example.org,{minutes},Yes"
        )
    # Someone who dropped out and rejoined: the import adds up the minutes.
    lines.append(f"Demo participant 01,demo.participant01@example.org,{duration // 6},Yes")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _seed_past(context: SeedContext, webinar: Webinar, speakers: list[Person]) -> None:
    if not webinar.recording_url:
        services.publish_recording(
            webinar=webinar,
            recording_url=f"https://recordings.example.org/mysdg-asec/{webinar.slug}",
        )
        context.count("recordings", created=True)
    else:
        context.count("recordings", created=False)
    for person in speakers:
        context.ensure(
            "registrations",
            find=lambda person=person: (
                Registration.objects.active()
                .filter(activity=webinar.activity, person=person)
                .first()
            ),
            create=lambda person=person: record_participant(
                activity=webinar.activity,
                person=person,
                organisation=_speaker_organisation(person),
                mode=Mode.ONLINE,
                role=Role.SPEAKER,
            ),
        )
    member = context.accounts.get("member")
    member_person = Person.objects.filter(user=member).first() if member else None
    attendees = []
    if member_person is not None:
        context.ensure(
            "registrations",
            find=lambda: (
                Registration.objects.active()
                .filter(activity=webinar.activity, person=member_person)
                .first()
            ),
            create=lambda: record_participant(
                activity=webinar.activity,
                person=member_person,
                organisation=_speaker_organisation(member_person),
                mode=Mode.ONLINE,
            ),
        )
        attendees.append((member_person.name, member.email))
    if WebinarAttendance.objects.filter(webinar=webinar).exists():
        context.count("attendance imports", created=False)
        return
    preview = services.preview_attendance_import(
        webinar=webinar,
        data=_attendance_csv(webinar, attendees),
        file_name=f"{webinar.slug}-participants.csv",
        by=context.accounts.get("staff"),
    )
    services.confirm_attendance_import(
        attendance_import=preview, by=context.accounts.get("staff"), keep_unmatched=True
    )
    context.count("attendance imports", created=True)


def _seed_upcoming(context: SeedContext, webinar: Webinar) -> None:
    """The demo member registers themselves through the engine, as a member would."""
    member = context.accounts.get("member")
    member_person = Person.objects.filter(user=member).first() if member else None
    if member_person is None:
        return
    organisation = _speaker_organisation(member_person)

    def register():
        try:
            return register_person(
                activity=webinar.activity,
                person=member_person,
                organisation=organisation,
                mode=Mode.ONLINE,
                by=member,
            )
        except RegistrationRefused:
            return None

    context.ensure(
        "registrations",
        find=lambda: Registration.objects.filter(
            activity=webinar.activity, person=member_person
        ).first(),
        create=register,
    )


def seed_webinars(context: SeedContext) -> None:
    series = _ensure_series(context)
    today = timezone.localdate()
    for position, row in enumerate(WEBINARS):
        speakers = [_person(context, name) for name in row.speakers]
        webinar = context.ensure(
            "webinars",
            find=lambda row=row: (
                Webinar.objects.select_related("activity").filter(slug=row.slug).first()
            ),
            create=lambda row=row, speakers=speakers, position=position: services.create_webinar(
                series=series,
                slug=row.slug,
                title=row.title,
                abstract=row.abstract,
                starts_at=_start(row, today),
                duration_minutes=row.duration_minutes,
                time_zone=row.time_zone,
                language=row.language,
                platform=row.platform,
                join_url=f"https://meet.example.org/mysdg-asec/{position + 1:03d}",
                online_capacity=row.online_capacity,
                speakers=speakers,
                sdgs=row.sdgs,
            ),
        )
        if webinar.activity.starts_at <= timezone.now():
            _seed_past(context, webinar, speakers)
        else:
            _seed_upcoming(context, webinar)
