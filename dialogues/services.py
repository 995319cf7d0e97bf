"""Writes to convenings: verb-first, keyword-only, one transaction each (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from roadmap_portal.registrations.models import Activity, DatePrecision
from taskforce.models import Country, Organisation, Person

from .models import AgendaSession, Convening, StrategicAction

# What update_convening may change, and where each value lives.
CONVENING_FIELDS = ("title", "subtitle", "kind", "year", "host_country", "city", "venue")
CONVENING_TEXT_FIELDS = ("background", "outcomes")
ACTIVITY_FIELDS = ("starts_at", "ends_at", "date_precision", "time_zone")
# Fields kept equal on both rows: the engine reads the Activity, the pages the Convening.
MIRRORED_FIELDS = {"title": "title", "kind": "kind", "host_country": "country"}


def local_datetime(day: dt.date, time: dt.time, time_zone: str) -> dt.datetime:
    """A wall-clock time where the convening happens, as an aware datetime in UTC."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(time_zone)).astimezone(dt.UTC)


def _year_of(starts_at: dt.datetime | None, time_zone: str) -> int | None:
    if starts_at is None:
        return None
    return starts_at.astimezone(zoneinfo.ZoneInfo(time_zone)).year


@transaction.atomic
def create_convening(
    *,
    kind: str,
    title: str,
    slug: str,
    host_country: Country | None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    date_precision: str = DatePrecision.DAY,
    time_zone: str = "",
    year: int | None = None,
    subtitle: str = "",
    city: str = "",
    venue: str = "",
    background: str = "",
    outcomes: str = "",
    organised_by: Iterable[Organisation] = (),
    report_prepared_by: Iterable[Organisation] = (),
) -> Convening:
    """Create a convening and its Activity together.

    The Activity gets the convening's kind, title and host country, so the registration
    engine and the pages agree. The time zone defaults to the host country's (UTC without
    one), the year to the year ``starts_at`` falls in where the convening happens. Bad input,
    such as a second policy dialogue in one year, raises ValidationError and writes nothing.
    """
    time_zone = time_zone or (host_country.time_zone if host_country else "UTC")
    activity = Activity(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        date_precision=date_precision,
        time_zone=time_zone,
        country=host_country,
    )
    activity.full_clean()
    year = year or _year_of(starts_at, time_zone)
    if year is None:
        raise ValidationError({"year": _("Give the year when the start is not known yet.")})
    convening = Convening(
        kind=kind,
        year=year,
        slug=slug,
        title=title,
        subtitle=subtitle,
        host_country=host_country,
        city=city,
        venue=venue,
        background=background,
        outcomes=outcomes,
    )
    convening.full_clean(exclude=["activity"])
    activity.save()
    convening.activity = activity
    convening.save()
    convening.organised_by.set(organised_by)
    convening.report_prepared_by.set(report_prepared_by)
    return convening


@transaction.atomic
def update_convening(*, convening: Convening, **changes) -> Convening:
    """Change a convening and, where the value lives there too, its Activity.

    Accepts the fields in ``CONVENING_FIELDS``, ``CONVENING_TEXT_FIELDS`` and
    ``ACTIVITY_FIELDS``, plus ``organised_by`` and ``report_prepared_by``. Title, kind and
    host country are written to both rows. Nothing is saved when nothing changes, so a retry
    adds no history.
    """
    known = {
        *CONVENING_FIELDS,
        *CONVENING_TEXT_FIELDS,
        *ACTIVITY_FIELDS,
        "organised_by",
        "report_prepared_by",
    }
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"update_convening() cannot change {', '.join(sorted(unknown))}")
    convening = (
        Convening.objects.select_for_update().select_related("activity").get(pk=convening.pk)
    )
    activity = convening.activity
    convening_changed = activity_changed = False
    for name, value in changes.items():
        if name in ("organised_by", "report_prepared_by"):
            continue
        if name in ACTIVITY_FIELDS:
            if getattr(activity, name) != value:
                setattr(activity, name, value)
                activity_changed = True
            continue
        if getattr(convening, name) != value:
            setattr(convening, name, value)
            convening_changed = True
        mirror = MIRRORED_FIELDS.get(name)
        if mirror and getattr(activity, mirror) != value:
            setattr(activity, mirror, value)
            activity_changed = True
    if activity_changed:
        activity.full_clean()
        activity.save()
    if convening_changed:
        convening.full_clean(exclude=["activity"])
        convening.save()
    for relation in ("organised_by", "report_prepared_by"):
        if relation in changes:
            manager = getattr(convening, relation)
            wanted = {organisation.pk for organisation in changes[relation]}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
    return convening


def _lock(convening: Convening) -> None:
    """Serialise appends to one convening, so two never take the same position."""
    list(Convening.objects.select_for_update().filter(pk=convening.pk).order_by().values("pk"))


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_strategic_action(
    *, convening: Convening, title: str, description: str = ""
) -> StrategicAction:
    """Append a strategic action to a convening's outcomes; one with this title is kept."""
    _lock(convening)
    actions = StrategicAction.objects.filter(convening=convening)
    existing = actions.filter(title=title).first()
    if existing is not None:
        return existing
    action = StrategicAction(
        convening=convening,
        position=_next_position(actions),
        title=title,
        description=description,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def add_agenda_session(
    *,
    convening: Convening,
    title: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    description: str = "",
    moderators: Iterable[Person] = (),
    speakers: Iterable[Person] = (),
) -> AgendaSession:
    """Append a session to a convening's agenda.

    A session with the same title and start is kept as it is, so a retried form adds nothing.
    """
    _lock(convening)
    sessions = AgendaSession.objects.filter(convening=convening)
    existing = sessions.filter(title=title, starts_at=starts_at).first()
    if existing is not None:
        return existing
    session = AgendaSession(
        convening=convening,
        position=_next_position(sessions),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
    )
    session.full_clean()
    session.save()
    session.moderators.set(moderators)
    session.speakers.set(speakers)
    return session
