"""Reports: the registry of report kinds, their rendering, and small helpers their selectors share.

A report is a template plus a selector. Apps plug their report kinds and the sections of
composite reports (the Roadmap progress report) in through ``roadmap_portal.core.plugins``;
this module finds them, gathers their data, renders the template as HTML (the preview) or as
a PDF, and offers what several selectors need: row counting with progress, tallies that add
up, date labels, and bar-chart geometry the templates draw as SVG.

The platform imports no app: everything here works on what the apps registered.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import plugins
from .pdf import print_html

Progress = Callable[[int, int], None]


class Audience(models.TextChoices):
    """Who a report is for: the public version lists only people who consented to be listed
    and no contact data; the staff version lists everybody and their contacts."""

    PUBLIC = "public", _("Public version")
    STAFF = "staff", _("Staff version")


class ReportError(Exception):
    """A report cannot be made; the message says why, in words a user understands."""


class UnknownReport(ReportError):
    pass


class SubjectNotFound(ReportError):
    pass


def no_progress(done: int, total: int) -> None:
    """The progress callback of a report nobody is watching."""


# --- the registry -------------------------------------------------------------------------


def report_kinds() -> list[plugins.ReportKind]:
    return list(plugins.report_kinds)


def get_kind(key: str) -> plugins.ReportKind:
    for kind in plugins.report_kinds:
        if kind.key == key:
            return kind
    known = ", ".join(kind.key for kind in plugins.report_kinds) or gettext("none")
    raise UnknownReport(
        gettext("There is no report called “%(key)s”. Reports: %(known)s.")
        % {"key": key, "known": known}
    )


def find_subject(kind: plugins.ReportKind, slug: str) -> plugins.ReportSubject:
    subject = kind.find(slug)
    if subject is None:
        raise SubjectNotFound(
            gettext("The %(report)s has nothing called “%(slug)s” to report on.")
            % {"report": kind.title, "slug": slug}
        )
    return subject


def sections_of(report_key: str) -> list[plugins.ReportSection]:
    """The sections apps plugged into a composite report, in their order."""
    return [section for section in plugins.report_sections if section.report == report_key]


def check_audience(audience: str) -> str:
    if audience not in Audience.values:
        raise ReportError(
            gettext("“%(audience)s” is not a version of a report; choose %(choices)s.")
            % {"audience": audience, "choices": " or ".join(Audience.values)}
        )
    return audience


# --- gathering and rendering --------------------------------------------------------------


@dataclass(frozen=True)
class GatheredReport:
    kind: plugins.ReportKind
    subject: plugins.ReportSubject
    audience: str
    context: dict
    rows: int


@dataclass(frozen=True)
class RenderedReport:
    gathered: GatheredReport
    html: str
    pdf: bytes
    pages: int


def gather(
    kind: plugins.ReportKind,
    subject: plugins.ReportSubject,
    *,
    audience: str,
    progress: Progress = no_progress,
) -> GatheredReport:
    """Run the report's selector; ``progress(done, total)`` hears about the rows gathered."""
    check_audience(audience)
    data = kind.gather(subject, audience=audience, progress=progress)
    context = {
        "report": kind,
        "subject": subject,
        "audience": audience,
        "audience_label": Audience(audience).label,
        "is_staff_version": audience == Audience.STAFF,
        "generated_at": timezone.now(),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **data,
    }
    return GatheredReport(
        kind=kind, subject=subject, audience=audience, context=context, rows=data.get("rows", 0)
    )


def render_html(gathered: GatheredReport, *, preview: bool = False) -> str:
    """The report's template as HTML; the preview and the PDF come from the same template."""
    return render_to_string(gathered.kind.template_name, {**gathered.context, "preview": preview})


def render(
    kind: plugins.ReportKind,
    subject: plugins.ReportSubject,
    *,
    audience: str,
    progress: Progress = no_progress,
    on_rendering: Callable[[], None] | None = None,
) -> RenderedReport:
    """Gather, render the template and print it; ``on_rendering`` is called in between."""
    gathered = gather(kind, subject, audience=audience, progress=progress)
    if on_rendering is not None:
        on_rendering()
    html = render_html(gathered)
    printed = print_html(html)
    return RenderedReport(gathered=gathered, html=html, pdf=printed.pdf, pages=printed.pages)


def report_filename(kind_key: str, subject_slug: str, audience: str, on: dt.date) -> str:
    return f"{kind_key}-{subject_slug}-{audience}-{on.isoformat()}.pdf"


# --- helpers for selectors ----------------------------------------------------------------


def counted(
    rows: Iterable, *, total: int, progress: Progress = no_progress, every: int = 200
) -> Iterator:
    """Yield ``rows``, telling ``progress`` how many of ``total`` are through, now and then."""
    done = 0
    progress(0, total)
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, max(total, done))


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Breakdown:
    """Counts by a label that add up to ``total``: nobody disappears from a breakdown."""

    rows: list[Share]
    total: int


def tally(labels: Iterable[str], *, fixed: Sequence[str] = ()) -> Breakdown:
    """Count ``labels``. ``fixed`` labels always appear, in their order, even at zero (e.g.
    every gender including "not recorded"); the others follow, largest first."""
    counts = Counter(str(label) for label in labels)
    total = sum(counts.values())
    fixed = [str(label) for label in fixed]
    others = sorted(
        (label for label in counts if label not in fixed),
        key=lambda label: (
            -counts[label],
            label,
        ),
    )
    rows = [
        Share(label=label, count=counts[label], percent=_percent(counts[label], total))
        for label in [*fixed, *others]
    ]
    return Breakdown(rows=rows, total=total)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def date_range_label(
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    *,
    time_zone: str = "UTC",
    precision: str = "day",
) -> str:
    """ "18–19 June 2024", "30 June – 2 July 2024", "April 2025" or "2025", in the activity's
    own time zone; empty when no date is known."""
    if starts_at is None:
        return ""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = starts_at.astimezone(zone).date()
    if precision == "year":
        return str(start.year)
    if precision == "month":
        return format_date(start, "F Y")
    end = ends_at.astimezone(zone).date() if ends_at else start
    if end == start:
        return format_date(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'j F Y')}"
    if start.year == end.year:
        return f"{format_date(start, 'j F')} – {format_date(end, 'j F Y')}"
    return f"{format_date(start, 'j F Y')} – {format_date(end, 'j F Y')}"


# --- charts: geometry here, drawing in templates/reports/_column_chart.html ----------------


@dataclass(frozen=True)
class Gridline:
    position: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    value_label: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    """Everything an SVG template needs to draw bars: no arithmetic left for the template."""

    title: str
    width: int
    height: int
    orientation: str  # "columns" (vertical bars, e.g. years) or "bars" (horizontal)
    bars: list[Bar]
    gridlines: list[Gridline]
    plot_left: float
    plot_top: float
    plot_right: float
    plot_bottom: float
    unit: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def axis_steps(largest: float, *, max_lines: int = 5) -> list[float]:
    """Gridline values from 0 up to the first one >= ``largest``: steps of 1, 2 or 5 times a
    power of ten (never a fraction below 1, the charts count people and organisations), at
    most ``max_lines`` steps."""
    if largest <= 0:
        return [0, 1]
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            lines = math.ceil(largest / step)
            if lines <= max_lines:
                return [step * index for index in range(lines + 1)]
        power *= 10


def _number_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def column_chart(
    items: Sequence[tuple[str, int | float]],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    height: int = 200,
    max_gridlines: int = 5,
) -> BarChart:
    """Vertical bars, one per item (typically one per year), with a value above each."""
    left, right, top, bottom = 36.0, width - 8.0, 18.0, height - 24.0
    steps = axis_steps(max((value for _, value in items), default=0), max_lines=max_gridlines)
    top_value = steps[-1]
    slot = (right - left) / max(len(items), 1)
    bar_width = min(slot * 0.6, 48.0)
    bars = []
    for index, (label, value) in enumerate(items):
        bar_height = (bottom - top) * value / top_value
        centre = left + slot * index + slot / 2
        bars.append(
            Bar(
                label=str(label),
                value=value,
                value_label=_number_label(value),
                x=round(centre - bar_width / 2, 2),
                y=round(bottom - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                label_x=round(centre, 2),
                label_y=bottom + 14,
                value_x=round(centre, 2),
                value_y=round(bottom - bar_height - 4, 2),
            )
        )
    gridlines = []
    for value in steps:
        position = round(bottom - (bottom - top) * value / top_value, 2)
        gridlines.append(
            Gridline(
                position=position,
                label=_number_label(value),
                label_x=left - 4,
                label_y=round(position + 3, 2),
            )
        )
    return BarChart(
        title=title,
        width=width,
        height=height,
        orientation="columns",
        bars=bars,
        gridlines=gridlines,
        plot_left=left,
        plot_top=top,
        plot_right=right,
        plot_bottom=bottom,
        unit=unit,
    )


def bar_chart(
    items: Sequence[tuple[str, int | float]],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    row_height: int = 20,
    label_width: int = 160,
) -> BarChart:
    """Horizontal bars, one per item (a country, a kind of organisation), labelled on the left."""
    top = 4.0
    height = int(top + row_height * max(len(items), 1) + 4)
    left, right = float(label_width), width - 44.0
    top_value = max((value for _, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        bar_length = (right - left) * value / top_value
        row_top = top + row_height * index
        bars.append(
            Bar(
                label=str(label),
                value=value,
                value_label=_number_label(value),
                x=left,
                y=round(row_top + 3, 2),
                width=round(bar_length, 2),
                height=row_height - 6,
                label_x=left - 6,
                label_y=round(row_top + row_height / 2 + 4, 2),
                value_x=round(left + bar_length + 4, 2),
                value_y=round(row_top + row_height / 2 + 4, 2),
            )
        )
    return BarChart(
        title=title,
        width=width,
        height=height,
        orientation="bars",
        bars=bars,
        gridlines=[],
        plot_left=left,
        plot_top=top,
        plot_right=right,
        plot_bottom=height - 4.0,
        unit=unit,
    )


def as_items(breakdown: Breakdown, *, skip_zero: bool = True) -> list[tuple[str, Any]]:
    """A breakdown's rows as chart items."""
    return [(row.label, row.count) for row in breakdown.rows if row.count or not skip_zero]
