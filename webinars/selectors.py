"""Reads of webinars used by pages, feeds, the home page and the import."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.utils import timezone

from roadmap_portal.accounts.membership import is_staff, person_of
from roadmap_portal.registrations.models import Registration, RegistrationStatus

from .models import Webinar, WebinarAttendance


def _upcoming(now: dt.datetime) -> Q:
    return Q(activity__ends_at__gte=now) | Q(
        activity__ends_at__isnull=True, activity__starts_at__gte=now
    )


def webinar_list(now: dt.datetime | None = None):
    """Every webinar, upcoming first (soonest first), then past ones (latest first).

    ``is_upcoming`` is annotated so a page can head the two parts; the ordering is done in the
    database so the list paginates at a fixed number of queries.
    """
    now = now or timezone.now()
    upcoming = _upcoming(now)
    return (
        Webinar.objects.for_pages()
        .annotate(
            is_upcoming=Case(
                When(upcoming, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            upcoming_start=Case(When(upcoming, then=F("activity__starts_at")), default=None),
            past_start=Case(When(upcoming, then=None), default=F("activity__starts_at")),
        )
        .order_by(
            "-is_upcoming",
            F("upcoming_start").asc(nulls_last=True),
            F("past_start").desc(nulls_last=True),
            "id",
        )
    )


def series_webinars(series):
    """A series' webinars with fixed dates, for its feed, in time order."""
    return (
        Webinar.objects.for_pages()
        .filter(series=series, activity__starts_at__isnull=False)
        .order_by("activity__starts_at", "id")
    )


def webinar_figures() -> dict:
    """For the home page: webinars held, and the distinct people who attended one."""
    held = Webinar.objects.held().count()
    attended = (
        WebinarAttendance.objects.filter(attended=True).aggregate(
            people=Count("email", distinct=True)
        )["people"]
        or 0
    )
    return {"held": held, "attended": attended}


def own_registration(webinar: Webinar, user) -> Registration | None:
    """The signed-in user's own active (or last) registration for the webinar."""
    person = person_of(user)
    if person is None:
        return None
    return (
        Registration.objects.filter(activity_id=webinar.activity_id, person=person)
        .order_by("-requested_at", "-id")
        .first()
    )


def may_see_join_link(webinar: Webinar, user, registration: Registration | None) -> bool:
    """Staff, and the user whose own registration is confirmed; nobody else, ever."""
    if not webinar.join_url:
        return False
    if is_staff(user):
        return True
    return registration is not None and registration.status == RegistrationStatus.CONFIRMED


def attendance_rows(webinar: Webinar):
    return WebinarAttendance.objects.filter(webinar=webinar).select_related(
        "registration", "person"
    )
