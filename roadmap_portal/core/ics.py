"""iCalendar (RFC 5545) files: e-mail attachments and feeds for every kind of activity.

Times are written in the event's own time zone (``DTSTART;TZID=Asia/Manila:...``) with the
matching ``VTIMEZONE``, so a calendar shows the local time of the place even when the reader
travels. An event keeps one ``UID`` for life; ``SEQUENCE`` grows when it changes, so a
calendar replaces the copy it already holds instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar
from django.utils import timezone

from .mail import site_domain

PRODUCT_ID = "-//ASEAN SSE for SDGs Roadmap//Portal//EN"
# SEQUENCE is a 32-bit integer: count seconds from a recent epoch rather than from 1970.
_SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    time_zone: str
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def event_uid(prefix: str, pk: int) -> str:
    """A UID that stays the same for the object's life, e.g. ``activity-12@portal.example``."""
    return f"{prefix}-{pk}@{site_domain()}"


def sequence_from(updated_at: dt.datetime | None) -> int:
    """A SEQUENCE that grows whenever the object is saved (seconds since 2024)."""
    if updated_at is None:
        return 0
    return max(0, int((updated_at - _SEQUENCE_EPOCH).total_seconds()))


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _event_component(event: CalendarEvent, stamp: dt.datetime) -> icalendar.Event:
    zone = _zone(event.time_zone)
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", event.sequence)
    component.add("summary", event.summary)
    component.add("dtstart", event.starts_at.astimezone(zone))
    if event.ends_at is not None:
        component.add("dtend", event.ends_at.astimezone(zone))
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return component


def render_calendar(
    events: Iterable[CalendarEvent], *, name: str = "", method: str = "PUBLISH"
) -> str:
    """One VCALENDAR holding ``events`` and the VTIMEZONEs their zones need, as text."""
    events = list(events)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    if events:
        first_year = min(event.starts_at.year for event in events) - 1
        last_year = max((event.ends_at or event.starts_at).year for event in events) + 1
        for zone_name in sorted({_zone_name(event.time_zone) for event in events} - {"UTC"}):
            calendar.add_component(_vtimezone(zone_name, first_year, last_year))
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for event in events:
        calendar.add_component(_event_component(event, stamp))
    return calendar.to_ical().decode()


def _zone_name(name: str) -> str:
    zone = _zone(name)
    return getattr(zone, "key", "UTC")


@functools.lru_cache(maxsize=128)
def _vtimezone(zone_name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of a zone over whole years: only the transitions around the events.

    Computing it walks the zone's rules (tens of milliseconds); it is cached because it is
    built inside the registration's transaction and never changes for a zone and years.
    """
    return icalendar.Timezone.from_tzid(
        zone_name,
        first_date=dt.date(first_year, 1, 1),
        last_date=dt.date(last_year, 12, 31),
    )
