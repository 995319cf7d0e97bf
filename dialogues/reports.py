"""The dialogue report of a convening, and the dialogues' section of the Roadmap progress report.

The dialogue report is shaped on the ASEC report of the 2024 ILO workshop: a cover (title,
dates | city, country, "Organised by:", "Report prepared by:"), the background, the outcomes or
submission with its strategic actions, the participants table (NO., NAME, ORGANISATION, ROLE)
and the participation by country, by kind of organisation and by gender. The public version
lists only people who consented to be listed; the figures always count everybody.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.models import ActivityStatus, Mode, Registration
from taskforce.models import Country, Gender

from .models import Convening, ConveningKind
from .rotation import ROTATION

DIALOGUE = "dialogue"


@dataclass(frozen=True)
class ParticipantRow:
    number: int
    name: str
    name_latin: str
    is_online: bool
    organisation: str
    role: str
    country: str
    organisation_kind: str
    gender: str
    email: str
    phone: str
    listed_publicly: bool


def _subject(convening: Convening) -> plugins.ReportSubject:
    return plugins.ReportSubject(
        slug=convening.slug,
        title=convening.title,
        url=convening.get_absolute_url(),
        obj=convening,
    )


def find(slug: str) -> plugins.ReportSubject | None:
    convening = Convening.objects.filter(slug=slug).only("id", "slug", "title", "activity_id")
    convening = convening.first()
    return _subject(convening) if convening else None


def subjects() -> list[plugins.ReportSubject]:
    """What the report index offers: every convening, newest first."""
    convenings = Convening.objects.only("id", "slug", "title", "activity_id", "year").order_by(
        "-year", "title"
    )
    return [_subject(convening) for convening in convenings]


def _participants(convening_activity_id: int):
    return Registration.objects.confirmed().filter(activity_id=convening_activity_id)


def count_rows(subject: plugins.ReportSubject) -> int:
    return _participants(subject.obj.activity_id).count()


def _names(organisations) -> str:
    names = [organisation.display_name for organisation in organisations]
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def cover(convening: Convening, organisers: list, preparers: list) -> dict:
    """The cover's lines. A title written "ILO Regional Workshop: Social and ..." puts its
    first part above the headline, as the reference does; otherwise the organisers and the
    kind of convening ("ASEC Policy dialogue") stand there."""
    eyebrow, separator, headline = convening.title.partition(": ")
    if not separator:
        kind = convening.get_kind_display()
        eyebrow = f"{_names(organisers)} {kind}".strip() if organisers else str(kind)
        headline = convening.title
    activity = convening.activity
    dates = reports.date_range_label(
        activity.starts_at,
        activity.ends_at,
        time_zone=activity.time_zone,
        precision=activity.date_precision,
    )
    country = convening.host_country or activity.country
    place = ", ".join(part for part in [convening.city, country.name if country else ""] if part)
    return {
        "eyebrow": eyebrow,
        "headline": headline,
        "subtitle": convening.subtitle,
        "dates": dates or gettext("Dates to be confirmed"),
        "place": place or gettext("Online"),
        "report_label": (
            gettext("%(organisations)s Report") % {"organisations": _names(preparers)}
            if preparers
            else ""
        ),
    }


def _headings(convening: Convening, organisers: list, preparers: list, eyebrow: str) -> dict:
    """A report prepared by someone other than the organisers is their submission to the
    convening, and its participants are theirs: "ASEC submission at the end of the workshop",
    "Participants from ASEC at the ILO Regional Workshop"."""
    if preparers and {o.pk for o in preparers} != {o.pk for o in organisers}:
        kind = convening.get_kind_display().lower()
        return {
            "outcomes": gettext("%(preparers)s submission at the end of the %(kind)s")
            % {"preparers": _names(preparers), "kind": kind},
            "participants": gettext("Participants from %(preparers)s at the %(convening)s")
            % {"preparers": _names(preparers), "convening": eyebrow},
        }
    return {"outcomes": gettext("Outcomes"), "participants": gettext("Participants")}


def gather(subject: plugins.ReportSubject, *, audience: str, progress=reports.no_progress) -> dict:
    """Everything the dialogue report prints, in six queries whatever the number of rows, plus
    the fixed queries of each section plugged into the dialogue report."""
    convening = (
        Convening.objects.select_related("activity", "activity__country", "host_country")
        .prefetch_related("organised_by", "report_prepared_by", "strategic_actions")
        .get(pk=subject.obj.pk)
    )
    organisers = list(convening.organised_by.all())
    preparers = list(convening.report_prepared_by.all())
    registrations = (
        _participants(convening.activity_id)
        .select_related("person", "organisation", "organisation__country")
        .in_list_order()
    )
    total = registrations.count()
    not_recorded = str(Gender.NOT_RECORDED.label)
    everyone = []
    for number, registration in enumerate(
        reports.counted(registrations.iterator(chunk_size=500), total=total, progress=progress),
        start=1,
    ):
        person = registration.person
        organisation = registration.organisation
        country = organisation.country if organisation else None
        everyone.append(
            ParticipantRow(
                number=number,
                name=person.full_name,
                name_latin=person.name_latin if person.name_latin != person.name else "",
                is_online=registration.mode == Mode.ONLINE,
                organisation=registration.affiliation_label
                or (organisation.name if organisation else ""),
                role=str(registration.role_display),
                country=country.name if country else not_recorded,
                organisation_kind=(
                    str(organisation.get_kind_display()) if organisation else not_recorded
                ),
                gender=str(person.get_gender_display()),
                email=person.email,
                phone=person.phone,
                listed_publicly=person.listed_publicly,
            )
        )
    if audience == reports.Audience.STAFF:
        rows = everyone
    else:
        listed = [row for row in everyone if row.listed_publicly]
        rows = [replace(row, number=number) for number, row in enumerate(listed, start=1)]
    by_country = reports.tally(row.country for row in everyone)
    by_kind = reports.tally(row.organisation_kind for row in everyone)
    by_gender = reports.tally(
        (row.gender for row in everyone), fixed=[str(label) for label in Gender.labels]
    )
    by_mode = reports.tally(
        (str(Mode.ONLINE.label if row.is_online else Mode.ONSITE.label) for row in everyone),
        fixed=[str(label) for label in Mode.labels],
    )
    cover_lines = cover(convening, organisers, preparers)
    return {
        "convening": convening,
        "activity": convening.activity,
        "organisers": organisers,
        "preparers": preparers,
        "strategic_actions": list(convening.strategic_actions.all()),
        "cover": cover_lines,
        "headings": _headings(convening, organisers, preparers, cover_lines["eyebrow"]),
        "participants": rows,
        "participant_total": len(everyone),
        "participants_not_listed": len(everyone) - len(rows),
        "by_country": by_country,
        "by_kind": by_kind,
        "by_gender": by_gender,
        "by_mode": by_mode,
        # Sections other apps plug into the dialogue report (the feedback results): each
        # gathers from the convening's activity, in its own fixed number of queries.
        "sections": [
            (
                section,
                {
                    **section.gather(convening.activity, audience=audience),
                    "section": section,
                    "audience": audience,
                },
            )
            for section in reports.sections_of(DIALOGUE)
        ],
        "rows": len(everyone),
    }


# --- the dialogues' section of the Roadmap progress report -------------------------------


def progress_section(subject: plugins.ReportSubject, *, audience: str) -> dict:
    """Per year: the host, the policy dialogue and the other convenings, with participation.

    Three queries whatever the period.
    """
    period = subject.obj
    years = period.years
    convenings = list(
        Convening.objects.filter(year__in=years)
        .select_related("activity", "host_country")
        .order_by("year", "activity__starts_at", "title")
    )
    participation = {
        row["activity_id"]: row
        for row in Registration.objects.confirmed()
        .filter(activity__convening__year__in=years)
        .values("activity_id")
        .annotate(
            participants=Count("id"),
            online=Count("id", filter=Q(mode=Mode.ONLINE)),
            countries=Count("organisation__country", distinct=True),
        )
    }
    codes = {row.year: row.country_code for row in ROTATION}
    names = dict(Country.objects.filter(code__in=codes.values()).values_list("code", "name"))
    hosts = {year: names.get(code, code) for year, code in codes.items()}
    per_year = {
        year: {"year": year, "dialogue": None, "others": [], "rotation_host": hosts.get(year, "")}
        for year in years
    }
    for convening in convenings:
        figures = participation.get(convening.activity_id, {})
        entry = {
            "convening": convening,
            "dates": reports.date_range_label(
                convening.activity.starts_at,
                convening.activity.ends_at,
                time_zone=convening.activity.time_zone,
                precision=convening.activity.date_precision,
            ),
            "status": convening.activity.get_status_display(),
            "is_held": convening.activity.status == ActivityStatus.HELD,
            "participants": figures.get("participants", 0),
            "online": figures.get("online", 0),
            "countries": figures.get("countries", 0),
        }
        if convening.kind == ConveningKind.POLICY_DIALOGUE:
            per_year[convening.year]["dialogue"] = entry
        else:
            per_year[convening.year]["others"].append(entry)
    rows = list(per_year.values())
    for row in rows:
        dialogue = row["dialogue"]
        host = dialogue["convening"].host_country if dialogue else None
        row["host"] = host.name if host else row["rotation_host"]
    chart = reports.column_chart(
        [
            (str(row["year"]), row["dialogue"]["participants"] if row["dialogue"] else 0)
            for row in rows
        ],
        title=gettext("Participants at the Policy Dialogue, per year"),
    )
    return {
        "years": rows,
        "chart": chart,
        "held": sum(1 for row in rows if row["dialogue"] and row["dialogue"]["is_held"]),
    }


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=DIALOGUE,
            title=_("Dialogue report"),
            template_name="dialogues/pdf/report.html",
            order=20,
            find=find,
            gather=gather,
            count_rows=count_rows,
            subjects=subjects,
            description=_(
                "Cover, background, outcomes with strategic actions, the participants table "
                "and participation by country, kind of organisation and gender."
            ),
        )
    )
    plugins.register_report_section(
        plugins.ReportSection(
            key="dialogues",
            report="progress",
            title=_("Policy Dialogues and convenings"),
            template_name="dialogues/pdf/_progress_section.html",
            order=20,
            gather=progress_section,
        )
    )
