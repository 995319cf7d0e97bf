"""The cohort report, and the training course's section of the Roadmap progress report.

The cohort report prints the cohort's facts, its participants, the attendance at every session
as a grid, each participant's completion (sessions attended against the threshold, and the
certificate) and the participants by country and by gender. The public version lists only the
people who consented to be listed; the totals always count everybody, "not recorded"
included, so that they add up.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.models import ActivityStatus, Registration
from taskforce.models import Gender

from .models import Certificate, Cohort, CohortSession, SessionAttendance
from .services import meets_threshold

COHORT = "cohort"
PRESENT, ABSENT, NOT_TAKEN = "present", "absent", "not-taken"


@dataclass(frozen=True)
class SessionColumn:
    number: int
    title: str
    date: str


@dataclass(frozen=True)
class CohortParticipant:
    number: int
    name: str
    name_latin: str
    organisation: str
    country: str
    gender: str
    email: str
    marks: list[str]
    attended: int
    percent: int
    completed: bool
    certificate: str  # "issued", "revoked" or ""
    certificate_code: str
    listed_publicly: bool


def _subject(cohort: Cohort) -> plugins.ReportSubject:
    return plugins.ReportSubject(
        slug=cohort.slug, title=cohort.title, url=cohort.get_absolute_url(), obj=cohort
    )


def find(slug: str) -> plugins.ReportSubject | None:
    cohort = Cohort.objects.filter(slug=slug).only("id", "slug", "title", "activity_id").first()
    return _subject(cohort) if cohort else None


def subjects() -> list[plugins.ReportSubject]:
    cohorts = Cohort.objects.only("id", "slug", "title", "activity_id").order_by(
        "-activity__starts_at", "title"
    )
    return [_subject(cohort) for cohort in cohorts]


def _participants(activity_id: int):
    return Registration.objects.confirmed().filter(activity_id=activity_id)


def count_rows(subject: plugins.ReportSubject) -> int:
    return _participants(subject.obj.activity_id).count()


def _local_date(moment: dt.datetime, time_zone: str, pattern: str = "j M Y") -> str:
    return format_date(moment.astimezone(zoneinfo.ZoneInfo(time_zone)), pattern)


def gather(subject: plugins.ReportSubject, *, audience: str, progress=reports.no_progress) -> dict:
    """Everything the cohort report prints, in five queries whatever the number of rows."""
    staff = audience == reports.Audience.STAFF
    cohort = (
        Cohort.objects.with_activity().prefetch_related("course__organisers").get(pk=subject.obj.pk)
    )
    activity = cohort.activity
    sessions = list(
        CohortSession.objects.filter(cohort=cohort)
        .select_related("module")
        .order_by("starts_at", "id")
    )
    registrations = list(
        _participants(activity.pk)
        .select_related("person", "organisation", "organisation__country", "training_certificate")
        .in_list_order()
    )
    marks: dict[tuple[int, int], bool] = {
        (row["registration_id"], row["session_id"]): row["present"]
        for row in SessionAttendance.objects.filter(session__cohort=cohort).values(
            "registration_id", "session_id", "present"
        )
    }
    not_recorded = str(Gender.NOT_RECORDED.label)
    everyone = []
    for number, registration in enumerate(
        reports.counted(registrations, total=len(registrations), progress=progress), start=1
    ):
        person = registration.person
        organisation = registration.organisation
        country = organisation.country if organisation else None
        row_marks = []
        for session in sessions:
            present = marks.get((registration.pk, session.pk))
            row_marks.append(NOT_TAKEN if present is None else PRESENT if present else ABSENT)
        attended = row_marks.count(PRESENT)
        try:
            certificate = registration.training_certificate
        except Certificate.DoesNotExist:
            certificate = None
        everyone.append(
            CohortParticipant(
                number=number,
                name=person.full_name,
                name_latin=person.name_latin if person.name_latin != person.name else "",
                organisation=registration.affiliation_label
                or (organisation.name if organisation else ""),
                country=country.name if country else not_recorded,
                gender=str(person.get_gender_display()),
                email=person.email,
                marks=row_marks,
                attended=attended,
                percent=round(100 * attended / len(sessions)) if sessions else 0,
                completed=bool(sessions)
                and meets_threshold(
                    attended=attended,
                    sessions=len(sessions),
                    threshold_percent=cohort.completion_threshold_percent,
                ),
                certificate=(
                    "" if certificate is None else "revoked" if certificate.is_revoked else "issued"
                ),
                certificate_code=certificate.code if certificate and staff else "",
                listed_publicly=person.listed_publicly,
            )
        )
    if staff:
        rows = everyone
    else:
        listed = [row for row in everyone if row.listed_publicly]
        rows = [replace(row, number=number) for number, row in enumerate(listed, start=1)]
    columns = [
        SessionColumn(
            number=number,
            title=session.display_title,
            date=_local_date(session.starts_at, activity.time_zone, "j M Y, H:i"),
        )
        for number, session in enumerate(sessions, start=1)
    ]
    per_session = [
        {
            "column": column,
            "present": sum(1 for row in everyone if row.marks[index] == PRESENT),
            "taken": any(row.marks[index] != NOT_TAKEN for row in everyone),
        }
        for index, column in enumerate(columns)
    ]
    return {
        "cohort": cohort,
        "activity": activity,
        "course": cohort.course,
        "organisers": list(cohort.course.organisers.all()),
        "dates": reports.date_range_label(
            activity.starts_at,
            activity.ends_at,
            time_zone=activity.time_zone,
            precision=activity.date_precision,
        )
        or gettext("Dates to be confirmed"),
        "sessions": columns,
        "per_session": per_session,
        "participants": rows,
        "participant_total": len(everyone),
        "participants_not_listed": len(everyone) - len(rows),
        "completed": sum(1 for row in everyone if row.completed),
        "certificates_issued": sum(1 for row in everyone if row.certificate == "issued"),
        "certificates_revoked": sum(1 for row in everyone if row.certificate == "revoked"),
        "by_country": reports.tally(row.country for row in everyone),
        "by_gender": reports.tally(
            (row.gender for row in everyone), fixed=[str(label) for label in Gender.labels]
        ),
        "rows": len(everyone),
    }


# --- the training course's section of the Roadmap progress report -----------------------


def progress_section(subject: plugins.ReportSubject, *, audience: str) -> dict:
    """Per year: people trained by country (confirmed participants of the cohorts that year)
    and the certificates issued. Two queries."""
    period = subject.obj
    not_recorded = str(Gender.NOT_RECORDED.label)
    trained = (
        Registration.objects.confirmed()
        .filter(
            activity__training_cohort__isnull=False,
            activity__starts_at__year__gte=period.first,
            activity__starts_at__year__lte=period.last,
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .annotate(year=ExtractYear("activity__starts_at"))
        .values("year", "organisation__country__name")
        .annotate(people=Count("person", distinct=True))
        .order_by("year", "organisation__country__name")
    )
    by_year: dict[int, dict[str, int]] = {year: {} for year in period.years}
    countries: set[str] = set()
    for row in trained:
        country = row["organisation__country__name"] or not_recorded
        by_year[row["year"]][country] = by_year[row["year"]].get(country, 0) + row["people"]
        countries.add(country)
    certificates = dict(
        Certificate.objects.valid()
        .filter(issued_at__year__gte=period.first, issued_at__year__lte=period.last)
        .annotate(year=ExtractYear("issued_at"))
        .values("year")
        .annotate(count=Count("id"))
        .values_list("year", "count")
    )
    country_order = sorted(countries, key=lambda name: (name == not_recorded, name))
    years = [
        {
            "year": year,
            "trained": sum(by_year[year].values()),
            "certificates": certificates.get(year, 0),
        }
        for year in period.years
    ]
    by_country = []
    for country in country_order:
        cells = [by_year[year].get(country, 0) for year in period.years]
        by_country.append({"country": country, "cells": cells, "total": sum(cells)})
    return {
        "by_country": by_country,
        "years": years,
        "totals": {
            "trained": sum(row["trained"] for row in years),
            "certificates": sum(row["certificates"] for row in years),
        },
        "chart": reports.column_chart(
            [(str(row["year"]), row["trained"]) for row in years],
            title=gettext("People trained, per year"),
        ),
    }


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=COHORT,
            title=_("Cohort report"),
            template_name="training/pdf/cohort_report.html",
            order=40,
            find=find,
            gather=gather,
            count_rows=count_rows,
            subjects=subjects,
            description=_(
                "The cohort's participants, the attendance at every session, completion and "
                "certificates, and the participants by country and gender."
            ),
        )
    )
    plugins.register_report_section(
        plugins.ReportSection(
            key="training",
            report="progress",
            title=_("Training course"),
            template_name="training/pdf/_cohort_progress_section.html",
            order=40,
            gather=progress_section,
        )
    )
