"""Writes to the user's own account: verb-first, keyword-only, one transaction each."""

from __future__ import annotations

from django.db import transaction

from .membership import person_of
from .models import User, validate_time_zone


@transaction.atomic
def update_user_settings(*, user: User, full_name: str, time_zone: str) -> User:
    """Change the user's full name and preferred time zone (empty: UTC)."""
    validate_time_zone(time_zone)
    if user.full_name == full_name and user.time_zone == time_zone:
        return user
    user.full_name = full_name
    user.time_zone = time_zone
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=["full_name", "time_zone"])
    return user


@transaction.atomic
def sync_person_email(*, user: User) -> None:
    """The linked Person's address follows the user's verified (primary) address.

    The person is reached through the user's own relation: the platform does not import the
    registry (DESIGN.md, three floors).
    """
    person = person_of(user)
    if person is None or not user.email or person.email == user.email:
        return
    person.email = user.email
    person.save(update_fields=["email", "updated_at"])
