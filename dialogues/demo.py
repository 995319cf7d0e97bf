"""The dialogues' part of ``seed_demo``: the rotation and the convenings the reference names.

Source: the ASEC report of the ILO Regional Workshop on SSE for the SDGs in Asia (18-19 June
2024, Bangkok). Its obvious typos are corrected ("Bayan Famil Foundation", "Secretariate",
"IAC-AP", "Panel speaker"); everything else is as the report prints it. Times of day are not
known, so a convening held on given days runs from the first day's start to the last day's
end, in the host's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from roadmap_portal.core.plugins import SeedContext
from roadmap_portal.registrations.models import (
    DatePrecision,
    Mode,
    Registration,
    Role,
)
from roadmap_portal.registrations.services import record_participant
from taskforce.demo import find_organisation, find_person
from taskforce.models import Country

from . import services
from .models import Convening, ConveningKind, StrategicAction
from .rotation import ROTATION, ensure_rotation

START_OF_DAY = dt.time(0, 0)
END_OF_DAY = dt.time(23, 59)


class DemoConvening(NamedTuple):
    slug: str
    kind: str
    title: str
    subtitle: str
    country_code: str
    city: str
    first_day: dt.date
    last_day: dt.date | None
    date_precision: str
    organised_by: tuple[str, ...]
    report_prepared_by: tuple[str, ...]
    background: str
    outcomes: str = ""


WORKSHOP_SLUG = "ilo-sse-workshop-2024"

WORKSHOP = DemoConvening(
    slug=WORKSHOP_SLUG,
    kind=ConveningKind.WORKSHOP,
    title=(
        "ILO Regional Workshop: Social and Solidarity Economy for Advancing the Sustainable "
        "Development Goals in Asia"
    ),
    subtitle="",
    country_code="TH",
    city="Bangkok",
    first_day=dt.date(2024, 6, 18),
    last_day=dt.date(2024, 6, 19),
    date_precision=DatePrecision.DAY,
    organised_by=("ilo",),
    report_prepared_by=("asec",),
    background="""\
The ILO Regional Workshop on Social and Solidarity Economy (SSE) was convened for policymakers, \
representatives of employers' and workers' organizations, international organizations, social \
and solidarity economy networks, and practitioners to discuss ways to strengthen the \
contribution of SSE to decent work and the Sustainable Development Goals (SDGs) in Asia and the \
Pacific.

There were discussions on the UN resolution on SSE adopted in April 2023, presentation of case \
studies that feature the SSE contribution towards decent work and the SDGs in Asia and the \
development of SSE supply chains, the role of SSE in facilitating the transition from informal \
to formal economy and in advancing workers rights and conditions in the digital labour \
platforms, the need to advance the generation of statistics on cooperatives and SSE entities, \
and the formulation of policies that are conducive for the development of decent work and the \
SSE.

The Asian Solidarity Economy Council (ASEC) participated in these discussions and hosted side \
meetings to consider the directions of ASEC in fostering SSE and SDGs in Asia with a specific \
focus on the Association of Southeast Asian Nations (ASEAN).""",
    outcomes="""\
ASEC members recognized the importance of SDGs and the SSE and the usefulness of promoting \
these in ASEAN member states where the need for a framework law on SSE is paramount.

ASEC also recognized the UN Resolution on SSE having set the stage for an ASEAN SSE for SDGs \
policy dialogue (hereinafter referred to as the Policy Dialogue) in conjunction with the ASEAN \
Summit. ASEC noted the collaboration with APPGM-SDGs, Malaysia in 2025 as a good starting point \
for the ASEAN-SSE for SDGs Roadmap (hereinafter referred to as the Roadmap) as a collective \
strategy over the next six years (2025-2030) for accelerating the progress towards the SDGs via \
the SSE.

In light of the above, ASEC in partnership with APPGM-SDGs have put together strategic actions \
for the implementation of the Roadmap with partners in ASEAN member countries over the six-year \
period 2025-2030. These strategic actions include:""",
)

# (title, description), in the submission's order.
WORKSHOP_STRATEGIC_ACTIONS: tuple[tuple[str, str], ...] = (
    (
        "Establish a Multi-stakeholders ASEAN SSE for SDGs Task Force",
        "composed of ASEC member organizations in ASEAN member countries and likeminded "
        "partners at the Asian continental level such as the International Cooperative "
        "Alliance-Asia Pacific (ICA-AP), HomeNet Southeast Asia, World Fair Trade Organization "
        "(WFTO)-Asia, and the ASEAN Parliamentarian Forum.",
    ),
    (
        "Conduct the Policy Dialogue",
        "in conjunction with the ASEAN Summit annually in host countries, starting in 2025 when "
        "Malaysia will serve as host and Chair of ASEAN. The Policy Dialogue will be continued "
        "in succeeding years when the host and Chairmanship of ASEAN will revolve to other "
        "ASEAN member states as follows: 2026-Philippines, 2027-Singapore, 2028-Thailand, "
        "2029-Vietnam and finally 2030-Brunei. Allied organizations from ASEAN supporting "
        "countries such as Japan, South Korea, Hong Kong, Australia shall also be invited to "
        "participate in the policy dialogue.",
    ),
    (
        "Organize a series of webinars",
        "to be conducted by MySDG Academy in partnership with ASEC as a means for "
        "strengthening the collaboration and working together of the members of the Task Force "
        "and in the process of implementing the Roadmap.",
    ),
    (
        "Organize and conduct an ASEAN SSE for SDGs Training Course",
        "to be carried out by ASEC in partnership with APPGM-SDGs for the purpose of building "
        "up the capabilities and preparedness of ASEC member organizations who will be "
        "responsible for implementing the Roadmap in their respective countries and also "
        "provide technical assistance to the Task Force in organizing and conducting the "
        "Policy Dialogue in their respective countries when it is their turn to host the "
        "ASEAN Summit.",
    ),
)


class WorkshopRow(NamedTuple):
    """One row of the report's table of ASEC participants."""

    name: str
    organisation_slug: str
    affiliation_label: str
    role: str
    role_label: str
    mode: str = Mode.ONSITE


MODERATOR = (Role.MODERATOR, "Panel Moderator")
SPEAKER = (Role.SPEAKER, "Panel Speaker")
PARTICIPANT = (Role.PARTICIPANT, "Participant")

WORKSHOP_PARTICIPANTS: tuple[WorkshopRow, ...] = (
    WorkshopRow("Ben Quinones", "asec", "ASEC Founder Chair, Philippines", *MODERATOR),
    WorkshopRow("Eri Trinuri Adhi", "asec", "ASEC Chair & Bina Swadaya, Indonesia", *PARTICIPANT),
    WorkshopRow("Denison Jayasooria", "appgm-sdg", "APPGM-SDG Malaysia", *SPEAKER),
    WorkshopRow("Poonsap Tulaphan", "homenet-thailand", "Homenet Thailand", *SPEAKER),
    WorkshopRow(
        "Akkanut Wantansombut",
        "tamsany",
        "Tamsany Community based solidarity eco platform, Thailand",
        *SPEAKER,
    ),
    WorkshopRow(
        "Kon Onn Sein", "oa-organic-ykpm", "OA Organic-YKPM Malaysia", *SPEAKER, mode=Mode.ONLINE
    ),
    WorkshopRow(
        "Heira Hardiyanti", "mycool", "MyCool class platform cooperative, Indonesia", *SPEAKER
    ),
    WorkshopRow("Shigeru Tanaka", "parc-japan", "PARC Japan", *PARTICIPANT),
    WorkshopRow("Chandra Firmantoko", "asec", "ASEC Secretariat Head, Indonesia", *PARTICIPANT),
    WorkshopRow(
        "Carlo Sagun",
        "bayan-family-of-foundations",
        "Bayan Family Foundation, Philippines",
        *PARTICIPANT,
    ),
    WorkshopRow("Paniirselvam Jayaraman", "appgm-sdg", "APPGM-SDG Malaysia", *PARTICIPANT),
    WorkshopRow(
        "Marian Jo Jennifer Dacawi",
        "quezon-city-peso",
        "Quezon City (PESO), Philippines",
        *PARTICIPANT,
    ),
)

FORUM = DemoConvening(
    slug="sse-for-sdgs-forum-2024",
    kind=ConveningKind.FORUM,
    title="SSE-for-SDGs Forum",
    subtitle="A pre-ASEAN Summit 2025 event",
    country_code="PH",
    # The report calls it "the Manila event".
    city="Manila",
    first_day=dt.date(2024, 11, 12),
    last_day=dt.date(2024, 11, 13),
    date_precision=DatePrecision.DAY,
    organised_by=("bayan-family-of-foundations", "asec", "appgm-sdg"),
    report_prepared_by=(),
    background="""\
The Bayan Family of Foundations (BFF), in collaboration with ASEC and APPGM-SDGs, organised an \
SSE-for-SDGs Forum on 12-13 November 2024 in the Philippines, as a pre-ASEAN Summit 2025 event. \
ASEC encouraged its member organisations to join the event and take part in the deliberations, \
and BFF linked the Manila event to the ASEAN SSE-for-SDGs Summit 2025 in Kuala Lumpur.""",
)

SUMMIT = DemoConvening(
    slug="asean-sdg-sse-summit-2025",
    kind=ConveningKind.SUMMIT,
    title="ASEAN SDG-SSE Summit",
    subtitle="During Malaysia's chairmanship of ASEAN",
    country_code="MY",
    city="Kuala Lumpur",
    # The month is known, the day is not.
    first_day=dt.date(2025, 4, 1),
    last_day=None,
    date_precision=DatePrecision.MONTH,
    organised_by=("appgm-sdg",),
    report_prepared_by=(),
    background="""\
APPGM-SDG hosts the ASEAN SDG-SSE Summit in April 2025, during the chairmanship of ASEAN by \
Malaysia: an ASEAN-level event with ASEC partners from both South Asia and East Asia \
taking part.""",
)


def _organisations(slugs: tuple[str, ...]) -> list:
    return [find_organisation(slug) for slug in slugs]


def _ensure_convening(context: SeedContext, row: DemoConvening) -> Convening:
    def create() -> Convening:
        country = Country.objects.get(code=row.country_code)
        starts_at = services.local_datetime(row.first_day, START_OF_DAY, country.time_zone)
        ends_at = (
            services.local_datetime(row.last_day, END_OF_DAY, country.time_zone)
            if row.last_day
            else None
        )
        return services.create_convening(
            kind=row.kind,
            title=row.title,
            slug=row.slug,
            subtitle=row.subtitle,
            host_country=country,
            city=row.city,
            starts_at=starts_at,
            ends_at=ends_at,
            date_precision=row.date_precision,
            background=row.background,
            outcomes=row.outcomes,
            organised_by=_organisations(row.organised_by),
            report_prepared_by=_organisations(row.report_prepared_by),
        )

    return context.ensure(
        "convenings",
        find=lambda: Convening.objects.filter(slug=row.slug).select_related("activity").first(),
        create=create,
    )


def _ensure_rotation(context: SeedContext) -> None:
    years = [row.year for row in ROTATION]
    planned = set(
        Convening.objects.policy_dialogues().filter(year__in=years).values_list("year", flat=True)
    )
    ensure_rotation()
    for year in years:
        context.count("policy dialogues (rotation)", created=year not in planned)


def _ensure_workshop(context: SeedContext) -> None:
    workshop = _ensure_convening(context, WORKSHOP)
    for title, description in WORKSHOP_STRATEGIC_ACTIONS:
        context.ensure(
            "strategic actions",
            find=lambda title=title: StrategicAction.objects.filter(
                convening=workshop, title=title
            ).first(),
            create=lambda title=title, description=description: services.add_strategic_action(
                convening=workshop, title=title, description=description
            ),
        )
    for position, row in enumerate(WORKSHOP_PARTICIPANTS, start=1):
        person = find_person(row.name)
        context.ensure(
            "workshop participants",
            find=lambda person=person: (
                Registration.objects.active()
                .filter(activity=workshop.activity, person=person)
                .first()
            ),
            create=lambda person=person, row=row, position=position: record_participant(
                activity=workshop.activity,
                person=person,
                organisation=find_organisation(row.organisation_slug),
                mode=row.mode,
                role=row.role,
                role_label=row.role_label,
                affiliation_label=row.affiliation_label,
                list_position=position,
                attended=True,
            ),
        )


def seed(context: SeedContext) -> None:
    """The rotation, the 2024 workshop with its participants, the forum and the summit."""
    _ensure_rotation(context)
    _ensure_workshop(context)
    _ensure_convening(context, FORUM)
    _ensure_convening(context, SUMMIT)
