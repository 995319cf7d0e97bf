"""The Roadmap progress report, for one year or for 2025-2030.

The platform draws the frame (cover, the activities and participation every kind shares)
and each app adds its own sections through ``plugins.register_report_section(report="progress",
...)``: the Task Force its growth, the dialogues the host and dialogue of each year, the
webinars and the training course theirs. The report grows with the apps; this module imports
none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Registration,
)

ROADMAP_FIRST_YEAR = 2025
ROADMAP_LAST_YEAR = 2030
PROGRESS = "progress"
_PERIOD = re.compile(r"^(?P<first>\d{4})(?:-(?P<last>\d{4}))?$")


@dataclass(frozen=True)
class Period:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def slug(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def is_single_year(self) -> bool:
        return self.first == self.last


def parse_period(slug: str) -> Period | None:
    """ "2027" or "2025-2030"; None for anything else (or an implausible span)."""
    match = _PERIOD.match(slug or "")
    if not match:
        return None
    first = int(match["first"])
    last = int(match["last"] or first)
    if not (2000 <= first <= last <= 2100) or last - first > 30:
        return None
    return Period(first, last)


def _subject(period: Period) -> plugins.ReportSubject:
    if period.is_single_year:
        title = gettext("Roadmap progress report %(year)s") % {"year": period.label}
    else:
        title = gettext("Roadmap progress report %(period)s") % {"period": period.label}
    return plugins.ReportSubject(slug=period.slug, title=title, url="/", obj=period)


def find(slug: str) -> plugins.ReportSubject | None:
    period = parse_period(slug)
    return _subject(period) if period else None


def subjects() -> list[plugins.ReportSubject]:
    whole = Period(ROADMAP_FIRST_YEAR, ROADMAP_LAST_YEAR)
    return [_subject(whole)] + [_subject(Period(year, year)) for year in whole.years]


def _activities_in(period: Period):
    return Activity.objects.exclude(status=ActivityStatus.CANCELLED).filter(
        starts_at__year__gte=period.first, starts_at__year__lte=period.last
    )


def count_rows(subject: plugins.ReportSubject) -> int:
    return _activities_in(subject.obj).count()


def activities_summary(period: Period) -> dict:
    """Activities held and participation per year and kind, in two queries."""
    per_year_kind = (
        _activities_in(period)
        .annotate(year=ExtractYear("starts_at"))
        .values("year", "kind")
        .annotate(
            activities=Count("id", distinct=True),
            held=Count("id", filter=Q(status=ActivityStatus.HELD), distinct=True),
            participants=Count("registrations", filter=Q(registrations__status="confirmed")),
        )
        .order_by("year", "kind")
    )
    kinds = {kind.value: kind.label for kind in ActivityKind}
    years = {
        year: {"year": year, "activities": 0, "held": 0, "participants": 0, "kinds": []}
        for year in period.years
    }
    for row in per_year_kind:
        year = years[row["year"]]
        year["activities"] += row["activities"]
        year["held"] += row["held"]
        year["participants"] += row["participants"]
        year["kinds"].append({**row, "label": kinds.get(row["kind"], row["kind"])})
    reach = (
        Registration.objects.confirmed()
        .filter(
            activity__in=_activities_in(period),
        )
        .aggregate(
            participations=Count("id"),
            people=Count("person", distinct=True),
            organisations=Count("organisation", distinct=True),
            countries=Count("organisation__country", distinct=True),
        )
    )
    rows = list(years.values())
    chart = reports.column_chart(
        [(str(row["year"]), row["participants"]) for row in rows],
        title=gettext("Participations in activities, per year"),
    )
    return {"years": rows, "reach": reach, "chart": chart}


def gather(subject: plugins.ReportSubject, *, audience: str, progress=reports.no_progress) -> dict:
    """The frame and every plugged-in section; a fixed number of queries per section."""
    period: Period = subject.obj
    sections = reports.sections_of(PROGRESS)
    steps = len(sections) + 1
    progress(0, steps)
    summary = activities_summary(period)
    progress(1, steps)
    gathered = []
    for done, section in enumerate(sections, start=2):
        data = section.gather(subject, audience=audience)
        gathered.append(
            (section, {**data, "section": section, "period": period, "audience": audience})
        )
        progress(done, steps)
    return {
        "period": period,
        "summary": summary,
        "sections": gathered,
        "rows": len(period.years) * steps,
    }


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=PROGRESS,
            title=_("Roadmap progress report"),
            template_name="roadmap/pdf/progress.html",
            order=90,
            find=find,
            gather=gather,
            count_rows=count_rows,
            subjects=subjects,
            description=_(
                "Per year: the host and the dialogue, webinars, people trained, Task Force "
                "growth and the SDGs addressed, for one year or for 2025-2030."
            ),
        )
    )
