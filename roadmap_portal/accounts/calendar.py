"""The personal calendar feed: every activity a person is confirmed for, at a secret address.

The address holds a random token instead of a sign-in, so calendar applications can fetch it;
the token is revocable (a new one replaces it) and is compared in constant time by its
unique index lookup. The events are the same as in the confirmation e-mails (same UID and
SEQUENCE), so a calendar that has both keeps one copy.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from roadmap_portal.core.ics import render_calendar
from roadmap_portal.registrations.ics import activity_event
from roadmap_portal.registrations.models import Registration, RegistrationStatus

from .membership import person_of
from .models import User


@transaction.atomic
def renew_calendar_token(*, user: User) -> str:
    """Give ``user`` a new feed address; the old one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def revoke_calendar_token(*, user: User) -> None:
    if user.calendar_token is not None:
        user.calendar_token = None
        user.save(update_fields=["calendar_token"])


def personal_calendar(user: User) -> str:
    """The feed's text: the confirmed registrations of the user's person, any kind."""
    person = person_of(user)
    registrations = []
    if person is not None:
        registrations = list(
            Registration.objects.filter(person=person, status=RegistrationStatus.CONFIRMED)
            .select_related("activity", "activity__country")
            .order_by("activity__starts_at", "id")
        )
    events = [activity_event(r.activity, mode=r.mode) for r in registrations]
    return render_calendar(
        [event for event in events if event is not None],
        name=_("My ASEAN SSE Roadmap activities"),
    )
