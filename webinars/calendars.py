"""Webinars as RFC 5545 events, through the platform's calendar writer (core/ics.py).

Public calendars never carry the join link: the description holds the abstract, the page's
address and, once published, the recording.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from roadmap_portal.core.ics import CalendarEvent, event_uid, render_calendar
from roadmap_portal.registrations.models import ActivityStatus

from .models import Webinar


def webinar_uid(webinar: Webinar) -> str:
    """``webinar-<pk>@<site domain>``: the same for the webinar's whole life."""
    return event_uid("webinar", webinar.pk)


def webinar_event(webinar: Webinar) -> CalendarEvent | None:
    """The webinar as a public event; None while it has no start."""
    activity = webinar.activity
    if activity.starts_at is None:
        return None
    page = settings.SITE_URL + webinar.get_absolute_url()
    parts = [webinar.abstract.strip()] if webinar.abstract.strip() else []
    parts.append(_("Details and registration: %(url)s") % {"url": page})
    if webinar.has_recording:
        parts.append(_("Recording: %(url)s") % {"url": webinar.recording_url})
    return CalendarEvent(
        uid=webinar_uid(webinar),
        summary=webinar.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        time_zone=activity.time_zone,
        sequence=webinar.sequence,
        description="\n\n".join(parts),
        location=_("Online (%(platform)s)") % {"platform": webinar.get_platform_display()},
        url=page,
        cancelled=activity.status == ActivityStatus.CANCELLED,
    )


def webinar_calendar(webinar: Webinar) -> str | None:
    event = webinar_event(webinar)
    if event is None:
        return None
    return render_calendar([event], name=webinar.title)


def series_calendar(series, webinars) -> str:
    events = [event for event in (webinar_event(w) for w in webinars) if event is not None]
    return render_calendar(events, name=series.title)
