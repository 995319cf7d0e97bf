"""The Task Force roster, and the Task Force's section of the Roadmap progress report.

The roster lists the organisations in the Task Force on a date, by country, with their roles
and focal points, and the people's posts. The public version names only people who consented
to be listed and carries no contact data; the staff version names everybody with their e-mail
and phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports

from .models import (
    Affiliation,
    CountryGroup,
    TaskForceMembership,
    TaskForcePosition,
    TaskForceRole,
)

ROSTER = "roster"
CURRENT = "current"


@dataclass
class RosterContact:
    name: str
    position: str
    email: str = ""
    phone: str = ""


@dataclass
class RosterOrganisation:
    name: str
    acronym: str
    kind: str
    roles: list[str] = field(default_factory=list)
    member_since: dt.date | None = None
    focal_points: list[RosterContact] = field(default_factory=list)
    focal_points_not_listed: int = 0
    website: str = ""


@dataclass
class RosterCountry:
    name: str
    group: str
    group_label: str = ""
    organisations: list[RosterOrganisation] = field(default_factory=list)


def _on(slug: str) -> dt.date | None:
    if slug == CURRENT:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(slug)
    except ValueError:
        return None


def _subject(slug: str, on: dt.date) -> plugins.ReportSubject:
    return plugins.ReportSubject(
        slug=slug,
        title=gettext("Task Force roster, %(date)s") % {"date": format_date(on, "j F Y")},
        url=reverse("taskforce:organisation_list"),
        obj=on,
    )


def find(slug: str) -> plugins.ReportSubject | None:
    """ "current" (today) or a date written 2026-01-31: the Task Force as it stood then."""
    on = _on(slug)
    return _subject(slug, on) if on else None


def subjects() -> list[plugins.ReportSubject]:
    return [_subject(CURRENT, timezone.localdate())]


def _memberships(on: dt.date):
    return TaskForceMembership.objects.current(on).filter(organisation__approved=True)


def count_rows(subject: plugins.ReportSubject) -> int:
    return _memberships(subject.obj).values("organisation").distinct().count()


_GROUP_ORDER = {value: index for index, value in enumerate(CountryGroup.values)}


def gather(subject: plugins.ReportSubject, *, audience: str, progress=reports.no_progress) -> dict:
    """Organisations by country with roles and focal points, and the posts: three queries."""
    on: dt.date = subject.obj
    staff = audience == reports.Audience.STAFF
    memberships = list(
        _memberships(on)
        .select_related("organisation", "organisation__country")
        .order_by("organisation__name", "organisation_id", "since")
    )
    focal_points: dict[int, list[Affiliation]] = {}
    for affiliation in (
        Affiliation.objects.active(on)
        .focal_points()
        .filter(organisation_id__in=_memberships(on).values("organisation_id"))
        .select_related("person")
        .order_by("person__name", "id")
    ):
        focal_points.setdefault(affiliation.organisation_id, []).append(affiliation)

    organisations: dict[int, RosterOrganisation] = {}
    countries: dict[str, RosterCountry] = {}
    regional = gettext("Regional and international")
    for membership in reports.counted(memberships, total=len(memberships), progress=progress):
        organisation = membership.organisation
        entry = organisations.get(organisation.pk)
        if entry is None:
            entry = organisations[organisation.pk] = RosterOrganisation(
                name=organisation.name,
                acronym=organisation.acronym,
                kind=str(organisation.get_kind_display()),
                website=organisation.website,
            )
            for affiliation in focal_points.get(organisation.pk, []):
                person = affiliation.person
                if not (staff or person.listed_publicly):
                    entry.focal_points_not_listed += 1
                    continue
                entry.focal_points.append(
                    RosterContact(
                        name=person.full_name,
                        position=affiliation.position,
                        email=person.contact_email if staff else "",
                        phone=person.phone if staff else "",
                    )
                )
            country = organisation.country
            key = country.code if country else ""
            if key not in countries:
                countries[key] = RosterCountry(
                    name=country.name if country else regional,
                    group=country.group if country else "",
                )
            countries[key].organisations.append(entry)
        entry.roles.append(str(membership.get_role_display()))
        if entry.member_since is None or membership.since < entry.member_since:
            entry.member_since = membership.since

    by_country = sorted(
        countries.values(),
        key=lambda c: (c.group == "", _GROUP_ORDER.get(c.group, 99), c.name),
    )
    group_labels = dict(CountryGroup.choices)
    for country in by_country:
        country.group_label = str(group_labels.get(country.group, regional))

    positions = []
    for position in (
        TaskForcePosition.objects.current(on).select_related("person").order_by("title", "since")
    ):
        person = position.person
        positions.append(
            {
                "title": position.get_title_display(),
                "since": position.since,
                "name": person.full_name if (staff or person.listed_publicly) else "",
                "email": person.contact_email if staff else "",
            }
        )

    roles = reports.tally(
        (role for organisation in organisations.values() for role in organisation.roles),
        fixed=[str(label) for label in TaskForceRole.labels],
    )
    kinds = reports.tally(organisation.kind for organisation in organisations.values())
    country_counts = reports.tally(
        country.name for country in by_country for _organisation in country.organisations
    )
    return {
        "on": on,
        "countries": by_country,
        "positions": positions,
        "organisation_total": len(organisations),
        "country_total": sum(1 for country in by_country if country.group),
        "by_role": roles,
        "by_kind": kinds,
        "by_country": country_counts,
        "country_chart": reports.bar_chart(
            reports.as_items(country_counts), title=gettext("Organisations by country")
        ),
        "rows": len(organisations),
    }


# --- the Task Force's section of the Roadmap progress report ------------------------------


def growth_section(subject: plugins.ReportSubject, *, audience: str) -> dict:
    """Task Force growth per year of the period, as it stood at each year's end. One query."""
    period = subject.obj
    today = timezone.localdate()
    memberships = list(
        TaskForceMembership.objects.filter(organisation__approved=True)
        .filter(since__lte=dt.date(period.last, 12, 31))
        .filter(Q(until__isnull=True) | Q(until__gt=dt.date(period.first - 1, 12, 31)))
        .values("organisation_id", "since", "until", "organisation__country__name")
    )

    def standing(on: dt.date) -> tuple[set, set]:
        members = [
            row
            for row in memberships
            if row["since"] <= on and (row["until"] is None or row["until"] > on)
        ]
        organisations = {row["organisation_id"] for row in members}
        countries = {row["organisation__country__name"] for row in members} - {None}
        return organisations, countries

    before, _countries = standing(dt.date(period.first - 1, 12, 31))
    rows = []
    for year in period.years:
        year_end = min(dt.date(year, 12, 31), today)
        if dt.date(year, 1, 1) > today:
            rows.append({"year": year, "future": True})
            continue
        organisations, countries = standing(year_end)
        rows.append(
            {
                "year": year,
                "future": False,
                "as_of": year_end,
                "organisations": len(organisations),
                "joined": len(organisations - before),
                "left": len(before - organisations),
                "countries": len(countries),
            }
        )
        before = organisations
    chart = reports.column_chart(
        [(str(row["year"]), row.get("organisations", 0)) for row in rows],
        title=gettext("Organisations in the Task Force at the end of each year"),
    )
    return {"years": rows, "chart": chart}


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=ROSTER,
            title=_("Task Force roster"),
            template_name="taskforce/pdf/roster.html",
            order=10,
            find=find,
            gather=gather,
            count_rows=count_rows,
            subjects=subjects,
            description=_(
                "Organisations by country with their roles and focal points, on any date; "
                "contact data only in the staff version."
            ),
        )
    )
    plugins.register_report_section(
        plugins.ReportSection(
            key="taskforce",
            report="progress",
            title=_("Task Force growth"),
            template_name="taskforce/pdf/_growth_section.html",
            order=10,
            gather=growth_section,
        )
    )
