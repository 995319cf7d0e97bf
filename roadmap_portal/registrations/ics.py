"""An activity as a calendar event, for confirmation e-mails and feeds."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.core import plugins
from roadmap_portal.core.ics import CalendarEvent, event_uid, render_calendar, sequence_from

from .models import Activity, ActivityStatus, DatePrecision, Mode


def activity_event(activity: Activity, *, mode: str = Mode.ONSITE) -> CalendarEvent | None:
    """The activity as one event; None while its exact dates are not fixed.

    A kind that plugs in a calendar provider (webinars do) decides its event, so the
    confirmation's attachment, the reminders, the change notices and the feeds agree. The
    provider is given the platform's own event to fall back on (e.g. when the activity has
    no kind object).
    """
    if activity.starts_at is None or activity.date_precision != DatePrecision.DAY:
        return None
    default = _platform_event(activity, mode=mode)
    provider = plugins.calendar_provider_for(activity.kind)
    if provider is not None:
        return provider.event(activity, default)
    return default


def _platform_event(activity: Activity, *, mode: str) -> CalendarEvent:
    page = activity.page_url()
    if mode == Mode.ONLINE:
        location = _("Online")
    else:
        location = activity.country.name if activity.country_id else ""
    return CalendarEvent(
        uid=event_uid("activity", activity.pk),
        summary=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        time_zone=activity.time_zone,
        sequence=sequence_from(activity.updated_at),
        location=location,
        url=settings.SITE_URL + page if page else "",
        cancelled=activity.status == ActivityStatus.CANCELLED,
    )


# The one line of the calendar that changes with the clock rather than with the event.
_DTSTAMP = re.compile(r"^DTSTAMP:\d{8}T\d{6}Z(?=\r?$)", re.MULTILINE)


def activity_calendar(activity: Activity, *, mode: str = Mode.ONSITE) -> str | None:
    """The ``.ics`` text for one activity, or None while its dates are not fixed.

    The text is rendered once per event (an event carries everything it shows: a saved
    activity has a new ``SEQUENCE``) and reused with the current ``DTSTAMP``, as
    ``render_calendar`` would write it now: every confirmation of a full activity attaches
    the same calendar.
    """
    event = activity_event(activity, mode=mode)
    if event is None:
        return None
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return _DTSTAMP.sub(f"DTSTAMP:{stamp}", _rendered(event, activity.title), count=1)


@functools.lru_cache(maxsize=256)
def _rendered(event: CalendarEvent, name: str) -> str:
    return render_calendar([event], name=name)
