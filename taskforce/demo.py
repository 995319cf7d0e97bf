"""The registry's part of ``seed_demo``: what the reference documents say, nothing invented.

Sources: the ASEC report of the ILO Regional Workshop on SSE for the SDGs in Asia
(18-19 June 2024, Bangkok). Where the report says nothing (a website, a partner's seat, a
start date of an affiliation) the field stays empty. No e-mail or phone is recorded for
anyone: the report prints none.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from roadmap_portal.core.plugins import SeedContext

from . import services
from .models import (
    Affiliation,
    Country,
    Organisation,
    OrganisationKind,
    Person,
    PositionTitle,
    TaskForceMembership,
    TaskForcePosition,
    TaskForceRole,
)

# The Roadmap, and with it the Task Force, starts on 1 January 2025.
ROADMAP_START = dt.date(2025, 1, 1)


class DemoOrganisation(NamedTuple):
    slug: str
    name: str
    acronym: str
    kind: str
    country_code: str | None
    taskforce_role: str | None
    # ASEC members: the organisations whose people the report lists among ASEC's participants.
    is_asec_member: bool = False
    description: str = ""


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "asec",
        "Asian Solidarity Economy Council",
        "ASEC",
        OrganisationKind.NETWORK,
        "ID",
        TaskForceRole.SECRETARIAT,
        description=(
            "Runs the ASEAN SSE for SDGs Roadmap 2025-2030 with APPGM-SDGs and partners in "
            "ASEAN member countries; its secretariat is in Indonesia."
        ),
    ),
    DemoOrganisation(
        "appgm-sdg",
        "All-Party Parliamentary Group Malaysia on Sustainable Development Goals",
        "APPGM-SDG",
        OrganisationKind.PARLIAMENTARY,
        "MY",
        TaskForceRole.MEMBER,
        is_asec_member=True,
        description=(
            "ASEC's partner for the Roadmap and the Training Course; host of the ASEAN "
            "SDG-SSE Summit of April 2025, during Malaysia's chairmanship of ASEAN."
        ),
    ),
    DemoOrganisation(
        "bina-swadaya",
        "Bina Swadaya",
        "",
        OrganisationKind.NGO,
        "ID",
        TaskForceRole.MEMBER,
        is_asec_member=True,
    ),
    DemoOrganisation(
        "homenet-thailand",
        "HomeNet Thailand",
        "",
        OrganisationKind.NETWORK,
        "TH",
        TaskForceRole.MEMBER,
        is_asec_member=True,
    ),
    DemoOrganisation(
        "tamsany",
        "Tamsany",
        "",
        OrganisationKind.PLATFORM,
        "TH",
        TaskForceRole.MEMBER,
        is_asec_member=True,
        description="A community-based solidarity economy platform.",
    ),
    DemoOrganisation(
        "oa-organic-ykpm",
        "OA Organic-YKPM",
        "",
        OrganisationKind.SOCIAL_ENTERPRISE,
        "MY",
        TaskForceRole.MEMBER,
        is_asec_member=True,
    ),
    DemoOrganisation(
        "mycool",
        "MyCool",
        "",
        OrganisationKind.PLATFORM,
        "ID",
        TaskForceRole.MEMBER,
        is_asec_member=True,
        description="A platform cooperative.",
    ),
    DemoOrganisation(
        "parc-japan",
        "PARC Japan",
        "",
        OrganisationKind.NGO,
        "JP",
        None,
        is_asec_member=True,
    ),
    DemoOrganisation(
        "bayan-family-of-foundations",
        "Bayan Family of Foundations",
        "BFF",
        OrganisationKind.FOUNDATION,
        "PH",
        TaskForceRole.MEMBER,
        is_asec_member=True,
        description=(
            "Organised the SSE-for-SDGs Forum of 12-13 November 2024 in the Philippines with "
            "ASEC and APPGM-SDGs, a pre-ASEAN Summit 2025 event."
        ),
    ),
    DemoOrganisation(
        "quezon-city-peso",
        "Quezon City Public Employment Service Office",
        "PESO",
        OrganisationKind.GOVERNMENT,
        "PH",
        TaskForceRole.MEMBER,
        is_asec_member=True,
    ),
    DemoOrganisation(
        "ica-ap",
        "International Cooperative Alliance Asia and Pacific",
        "ICA-AP",
        OrganisationKind.NETWORK,
        # The regional office is in New Delhi.
        "IN",
        TaskForceRole.CONTINENTAL_PARTNER,
    ),
    DemoOrganisation(
        "homenet-southeast-asia",
        "HomeNet Southeast Asia",
        "",
        OrganisationKind.NETWORK,
        None,
        TaskForceRole.CONTINENTAL_PARTNER,
    ),
    DemoOrganisation(
        "wfto-asia",
        "World Fair Trade Organization Asia",
        "WFTO-Asia",
        OrganisationKind.NETWORK,
        None,
        TaskForceRole.CONTINENTAL_PARTNER,
    ),
    DemoOrganisation(
        "asean-parliamentarian-forum",
        "ASEAN Parliamentarian Forum",
        "",
        OrganisationKind.PARLIAMENTARY,
        None,
        TaskForceRole.CONTINENTAL_PARTNER,
    ),
    DemoOrganisation(
        "mysdg-academy",
        "MySDG Academy",
        "",
        OrganisationKind.ACADEMIC,
        "MY",
        None,
        description="Runs the Roadmap's webinar series in partnership with ASEC.",
    ),
    DemoOrganisation(
        "ilo",
        "International Labour Organization",
        "ILO",
        OrganisationKind.INTERNATIONAL,
        # Headquarters in Geneva.
        "CH",
        None,
        description=(
            "Organised the Regional Workshop on Social and Solidarity Economy for Advancing "
            "the Sustainable Development Goals in Asia, Bangkok, 18-19 June 2024."
        ),
    ),
)


class DemoPerson(NamedTuple):
    honorific: str
    name: str
    # (organisation slug, position) pairs; the position as the report gives it, or "".
    affiliations: tuple[tuple[str, str], ...]
    taskforce_title: str | None = None


# The twelve ASEC participants of the workshop, in the report's order. The report is public,
# so they are listed publicly.
PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("Dr", "Ben Quinones", (("asec", "Founding Chair"),), PositionTitle.FOUNDING_CHAIR),
    DemoPerson(
        "Dr",
        "Eri Trinuri Adhi",
        (("asec", "Chair"), ("bina-swadaya", "")),
        PositionTitle.CHAIR,
    ),
    DemoPerson("Prof Datuk Dr", "Denison Jayasooria", (("appgm-sdg", ""),)),
    DemoPerson("Ms", "Poonsap Tulaphan", (("homenet-thailand", ""),)),
    DemoPerson("Mr", "Akkanut Wantansombut", (("tamsany", ""),)),
    DemoPerson("Mr", "Kon Onn Sein", (("oa-organic-ykpm", ""),)),
    DemoPerson("Ms", "Heira Hardiyanti", (("mycool", ""),)),
    DemoPerson("Mr", "Shigeru Tanaka", (("parc-japan", ""),)),
    DemoPerson(
        "Mr",
        "Chandra Firmantoko",
        (("asec", "Secretariat Head"),),
        PositionTitle.SECRETARIAT_HEAD,
    ),
    DemoPerson("Mr", "Carlo Sagun", (("bayan-family-of-foundations", ""),)),
    DemoPerson("Mr", "Paniirselvam Jayaraman", (("appgm-sdg", ""),)),
    DemoPerson("Ms", "Marian Jo Jennifer Dacawi", (("quezon-city-peso", ""),)),
)

# The organisation whose focal point the demo member account is.
MEMBER_ORGANISATION_SLUG = "appgm-sdg"
MEMBER_PERSON_NAME = "Demo Member"


def find_organisation(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def find_person(name: str) -> Person | None:
    return Person.objects.filter(name=name).order_by("id").first()


def _ensure_organisation(context: SeedContext, row: DemoOrganisation) -> Organisation:
    return context.ensure(
        "organisations",
        find=lambda: find_organisation(row.slug),
        create=lambda: services.create_organisation(
            name=row.name,
            acronym=row.acronym,
            slug=row.slug,
            kind=row.kind,
            country=Country.objects.get(code=row.country_code) if row.country_code else None,
            description=row.description,
            is_asec_member=row.is_asec_member,
            approved=True,
        ),
    )


def _ensure_affiliation(
    context: SeedContext,
    *,
    person: Person,
    organisation: Organisation,
    position: str,
    is_focal_point: bool = False,
) -> Affiliation:
    return context.ensure(
        "affiliations",
        find=lambda: Affiliation.objects.filter(
            person=person, organisation=organisation, ended__isnull=True
        ).first(),
        create=lambda: services.affiliate_person(
            person=person,
            organisation=organisation,
            position=position,
            is_focal_point=is_focal_point,
        ),
    )


def seed(context: SeedContext) -> None:
    """Organisations, the Task Force, the workshop's people and the demo focal point."""
    organisations = {row.slug: _ensure_organisation(context, row) for row in ORGANISATIONS}

    for row in ORGANISATIONS:
        if row.taskforce_role is None:
            continue
        organisation = organisations[row.slug]
        context.ensure(
            "Task Force memberships",
            find=lambda organisation=organisation, row=row: TaskForceMembership.objects.filter(
                organisation=organisation, role=row.taskforce_role, until__isnull=True
            ).first(),
            create=lambda organisation=organisation, row=row: services.add_taskforce_membership(
                organisation=organisation, role=row.taskforce_role, since=ROADMAP_START
            ),
        )

    for row in PEOPLE:
        person = context.ensure(
            "people",
            find=lambda row=row: find_person(row.name),
            create=lambda row=row: services.create_person(
                honorific=row.honorific, name=row.name, listed_publicly=True
            ),
        )
        for slug, position in row.affiliations:
            _ensure_affiliation(
                context, person=person, organisation=organisations[slug], position=position
            )
        if row.taskforce_title:
            context.ensure(
                "Task Force positions",
                find=lambda person=person, row=row: TaskForcePosition.objects.filter(
                    person=person, title=row.taskforce_title, until__isnull=True
                ).first(),
                create=lambda person=person, row=row: services.add_taskforce_position(
                    person=person, title=row.taskforce_title, since=ROADMAP_START
                ),
            )

    member = context.accounts.get("member")
    if member is not None:
        # A demo person, not listed publicly: a sign-in must never stand for a real person.
        person = context.ensure(
            "people",
            find=lambda: Person.objects.filter(user=member).first(),
            create=lambda: services.create_person(name=MEMBER_PERSON_NAME, user=member),
        )
        _ensure_affiliation(
            context,
            person=person,
            organisation=organisations[MEMBER_ORGANISATION_SLUG],
            position="Focal point",
            is_focal_point=True,
        )
