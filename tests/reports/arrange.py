"""Arranging what the report tests print: a convening with participants in every script."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.db import transaction

from dialogues import services as convening_services
from roadmap_portal.registrations.models import Mode, Role
from roadmap_portal.registrations.services import record_participant
from taskforce.models import Country, Gender, OrganisationKind, Person
from tests.factories import OrganisationFactory

# Names as people write them, one per script of the region (and Vietnamese diacritics).
NAMES_IN_SCRIPTS = {
    "thai": "สมชาย ใจดี",
    "khmer": "សុខ ចាន់ថា",
    "lao": "ສົມພອນ ແກ້ວມະນີ",
    "burmese": "မောင်မောင် ဝင်း",
    "vietnamese": "Nguyễn Thị Hương",
    "chinese": "王小明",
    "japanese": "山田 花子",
    "korean": "김민준",
}


def convening(*, slug="regional-sse-workshop-2024", organisers=None, preparers=None):
    thailand = Country.objects.get(code="TH")
    organisers = organisers or [
        OrganisationFactory(
            name="International Labour Organization",
            acronym="ILO",
            kind=OrganisationKind.INTERNATIONAL,
            country=Country.objects.get(code="CH"),
        )
    ]
    preparers = preparers or [
        OrganisationFactory(
            name="Asian Solidarity Economy Council",
            acronym="ASEC",
            kind=OrganisationKind.NETWORK,
            country=Country.objects.get(code="PH"),
        )
    ]
    return convening_services.create_convening(
        kind="workshop",
        title="Regional Workshop: Solidarity Economy and the SDGs in Asia",
        slug=slug,
        host_country=thailand,
        city="Bangkok",
        starts_at=convening_services.local_datetime(
            dt.date(2024, 6, 18), dt.time(9), thailand.time_zone
        ),
        ends_at=convening_services.local_datetime(
            dt.date(2024, 6, 19), dt.time(17), thailand.time_zone
        ),
        background="The workshop brought policymakers and SSE networks together.",
        outcomes="Members agreed on strategic actions. These strategic actions include:",
        organised_by=organisers,
        report_prepared_by=preparers,
    )


def participants(convening, *, count: int, listed: bool = True, start: int = 1) -> list:
    """``count`` participants; the first eight carry the names in every script."""
    countries = list(Country.objects.filter(code__in=["TH", "KH", "LA", "MM", "VN", "CN", "JP"]))
    scripts = list(NAMES_IN_SCRIPTS.values())
    genders = [Gender.WOMAN, Gender.MAN, Gender.NOT_RECORDED]
    kinds = [OrganisationKind.COOPERATIVE, OrganisationKind.NGO, OrganisationKind.NETWORK]
    registrations = []
    for index in range(start, start + count):
        name = scripts[index - 1] if index <= len(scripts) else f"Participant Number {index}"
        person = Person.objects.create(
            honorific="Ms" if index % 2 else "Mr",
            name=name,
            gender=genders[index % len(genders)],
            email=f"participant{index}@example.org",
            phone=f"+66 2 000 {index:04d}",
            listed_publicly=listed,
        )
        organisation = OrganisationFactory(
            name=f"Solidarity Network {index}",
            kind=kinds[index % len(kinds)],
            country=countries[index % len(countries)],
        )
        registrations.append(
            record_participant(
                activity=convening.activity,
                person=person,
                organisation=organisation,
                mode=Mode.ONLINE if index % 5 == 0 else Mode.ONSITE,
                role=Role.SPEAKER if index % 4 == 0 else Role.PARTICIPANT,
                role_label="Panel Speaker" if index % 4 == 0 else "",
                list_position=index,
            )
        )
    return registrations


@contextmanager
def rolled_back(django_db_blocker):
    """For module-scoped fixtures: arrange and render once, then leave the database clean.

    Rendering is the slow part of these tests, so each module renders its PDFs once and its
    tests read them back.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
