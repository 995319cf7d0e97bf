"""The webinar series report, and the webinars' section of the Roadmap progress report.

The series report prints a cover (title, organiser, partners), one row per webinar of the
series (its date in the webinar's own time zone, title, speakers, SDGs, registrations and
attendance), the totals and the SDGs the series addressed. The public version names only the
speakers who consented to be listed; the figures always count everybody.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.models import ActivityStatus, Registration

from .models import Sdg, Series, Webinar, WebinarAttendance, WebinarSpeaker

WEBINAR_SERIES = "webinar-series"


@dataclass(frozen=True)
class WebinarRow:
    number: int
    date: str
    time: str
    time_zone: str
    title: str
    status: str
    is_cancelled: bool
    speakers: list[str]
    speakers_not_listed: int
    sdgs: list[Sdg]
    registrations: int
    attended: int


@dataclass
class SdgUse:
    sdg: Sdg
    webinars: int = 0
    titles: list[str] = field(default_factory=list)


def _subject(series: Series) -> plugins.ReportSubject:
    return plugins.ReportSubject(
        slug=series.slug, title=series.title, url=series.get_absolute_url(), obj=series
    )


def find(slug: str) -> plugins.ReportSubject | None:
    series = Series.objects.filter(slug=slug).only("id", "slug", "title").first()
    return _subject(series) if series else None


def subjects() -> list[plugins.ReportSubject]:
    return [_subject(series) for series in Series.objects.only("id", "slug", "title")]


def count_rows(subject: plugins.ReportSubject) -> int:
    return Webinar.objects.filter(series_id=subject.obj.pk).count()


def _local(webinar: Webinar) -> tuple[str, str]:
    """The webinar's date and start time on the clock of its own time zone."""
    activity = webinar.activity
    if activity.starts_at is None:
        return gettext("Date to be confirmed"), ""
    moment = activity.starts_at.astimezone(zoneinfo.ZoneInfo(activity.time_zone))
    return format_date(moment, "j\u00a0M\u00a0Y"), format_date(moment, "H:i")


def _utc_offset(webinar: Webinar) -> str:
    """ "UTC+8", "UTC+5:30": the webinar's zone as a reader abroad converts from it."""
    activity = webinar.activity
    offset = activity.starts_at.astimezone(zoneinfo.ZoneInfo(activity.time_zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def gather(subject: plugins.ReportSubject, *, audience: str, progress=reports.no_progress) -> dict:
    """Everything the series report prints, in seven queries whatever the number of webinars."""
    staff = audience == reports.Audience.STAFF
    series = (
        Series.objects.select_related("organiser")
        .prefetch_related("partners")
        .get(pk=subject.obj.pk)
    )
    webinars = list(
        Webinar.objects.filter(series=series)
        .select_related("activity")
        .prefetch_related(
            "sdgs",
            Prefetch(
                "speaker_slots",
                queryset=WebinarSpeaker.objects.select_related("person").order_by("position", "id"),
            ),
        )
        .order_by("activity__starts_at", "id")
    )
    registered = dict(
        Registration.objects.confirmed()
        .filter(activity__webinar__series=series)
        .values("activity_id")
        .annotate(count=Count("id"))
        .values_list("activity_id", "count")
    )
    attended = dict(
        WebinarAttendance.objects.filter(webinar__series=series, attended=True)
        .values("webinar_id")
        .annotate(count=Count("id"))
        .values_list("webinar_id", "count")
    )
    rows = []
    sdg_uses: dict[int, SdgUse] = {}
    for number, webinar in enumerate(
        reports.counted(webinars, total=len(webinars), progress=progress), start=1
    ):
        date, time = _local(webinar)
        slots = list(webinar.speaker_slots.all())
        shown = [slot.person for slot in slots if staff or slot.person.listed_publicly]
        sdgs = sorted(webinar.sdgs.all(), key=lambda sdg: sdg.number)
        is_cancelled = webinar.activity.status == ActivityStatus.CANCELLED
        rows.append(
            WebinarRow(
                number=number,
                date=date,
                time=time,
                time_zone=_utc_offset(webinar) if time else "",
                title=webinar.title,
                status=str(webinar.activity.get_status_display()),
                is_cancelled=is_cancelled,
                speakers=[person.full_name for person in shown],
                speakers_not_listed=len(slots) - len(shown),
                sdgs=sdgs,
                registrations=registered.get(webinar.activity_id, 0),
                attended=attended.get(webinar.pk, 0),
            )
        )
        if is_cancelled:
            continue
        for sdg in sdgs:
            use = sdg_uses.setdefault(sdg.number, SdgUse(sdg=sdg))
            use.webinars += 1
            use.titles.append(webinar.title)
    held = sum(1 for webinar in webinars if webinar.activity.status == ActivityStatus.HELD)
    sdgs_addressed = [sdg_uses[number] for number in sorted(sdg_uses)]
    return {
        "series": series,
        "organiser": series.organiser,
        "partners": list(series.partners.all()),
        "webinars": rows,
        "totals": {
            "webinars": len(rows),
            "held": held,
            "cancelled": sum(1 for row in rows if row.is_cancelled),
            "registrations": sum(row.registrations for row in rows),
            "attended": sum(row.attended for row in rows),
            "sdgs": len(sdgs_addressed),
        },
        "sdgs_addressed": sdgs_addressed,
        "sdg_chart": reports.bar_chart(
            [(f"SDG {use.sdg.number}", use.webinars) for use in sdgs_addressed],
            title=gettext("Webinars per SDG addressed"),
            label_width=70,
        ),
        "rows": len(rows),
    }


# --- the webinars' section of the Roadmap progress report ---------------------------------


def progress_section(subject: plugins.ReportSubject, *, audience: str) -> dict:
    """Per year of the period: webinars held, attendance and the SDGs addressed. Three queries."""
    period = subject.obj
    held = Webinar.objects.filter(
        activity__status=ActivityStatus.HELD,
        activity__starts_at__year__gte=period.first,
        activity__starts_at__year__lte=period.last,
    ).annotate(year=ExtractYear("activity__starts_at"))
    per_year = {
        row["year"]: row
        for row in held.values("year").annotate(
            webinars=Count("id", distinct=True),
            series=Count("series", distinct=True),
        )
    }
    attendance = {
        row["year"]: row
        for row in WebinarAttendance.objects.filter(webinar__in=held.values("id"))
        .annotate(year=ExtractYear("webinar__activity__starts_at"))
        .values("year")
        .annotate(attended=Count("id", filter=Q(attended=True)))
    }
    sdgs_by_year: dict[int, set[int]] = {}
    for year, number in (
        Webinar.sdgs.through.objects.filter(webinar__in=held.values("id"))
        .annotate(year=ExtractYear("webinar__activity__starts_at"))
        .values_list("year", "sdg__number")
        .distinct()
    ):
        sdgs_by_year.setdefault(year, set()).add(number)
    years = [
        {
            "year": year,
            "webinars": per_year.get(year, {}).get("webinars", 0),
            "series": per_year.get(year, {}).get("series", 0),
            "attended": attendance.get(year, {}).get("attended", 0),
            "sdgs": sorted(sdgs_by_year.get(year, set())),
        }
        for year in period.years
    ]
    every_sdg = sorted(set().union(*sdgs_by_year.values())) if sdgs_by_year else []
    return {
        "years": years,
        "totals": {
            "webinars": sum(row["webinars"] for row in years),
            "attended": sum(row["attended"] for row in years),
        },
        "sdgs": every_sdg,
        "chart": reports.column_chart(
            [(str(row["year"]), row["attended"]) for row in years],
            title=gettext("Attendance at webinars held, per year"),
        ),
    }


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=WEBINAR_SERIES,
            title=_("Webinar series report"),
            template_name="webinars/pdf/series_report.html",
            order=30,
            find=find,
            gather=gather,
            count_rows=count_rows,
            subjects=subjects,
            description=_(
                "The series' webinars with their speakers, SDGs, registrations and attendance, "
                "the totals and the SDGs addressed across the series."
            ),
        )
    )
    plugins.register_report_section(
        plugins.ReportSection(
            key="webinars",
            report="progress",
            title=_("Webinars"),
            template_name="webinars/pdf/_progress_section.html",
            order=30,
            gather=progress_section,
        )
    )
