"""The registration engine: one place decides every registration of every kind of activity.

Writes are verb-first, keyword-only, one transaction each (STYLE.md).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Activity, Registration, RegistrationStatus, Role


@transaction.atomic
def record_participant(
    *,
    activity: Activity,
    person,
    organisation=None,
    mode: str = "onsite",
    role: str = Role.PARTICIPANT,
    role_label: str = "",
    affiliation_label: str = "",
    list_position: int | None = None,
    attended: bool | None = None,
    by=None,
) -> Registration:
    """Staff override: record a confirmed participant outside the window or over capacity.

    Used for past events and seed data. The row is marked ``is_staff_override`` and kept in
    history. Recording the same person twice updates the existing active registration.
    """
    registration = Registration.objects.active().filter(activity=activity, person=person).first()
    if registration is None:
        registration = Registration(activity=activity, person=person)
    registration.organisation = organisation
    registration.mode = mode
    registration.role = role
    registration.role_label = role_label
    registration.affiliation_label = affiliation_label
    registration.list_position = list_position
    registration.attended = attended
    registration.status = RegistrationStatus.CONFIRMED
    registration.decided_at = registration.decided_at or timezone.now()
    registration.registered_by = registration.registered_by or by
    registration.is_staff_override = True
    registration.save()
    return registration
