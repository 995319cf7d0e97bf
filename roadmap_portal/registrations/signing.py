"""Signed links that act on a registration without signing in (the decline link)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

DECLINE_SALT = "registrations.decline"


def make_decline_token(registration) -> str:
    """A token naming the registration and its person; only this site can make one."""
    return signing.dumps({"r": registration.pk, "p": registration.person_id}, salt=DECLINE_SALT)


def read_decline_token(token: str) -> tuple[int, int] | None:
    """``(registration_id, person_id)`` from a token, or None when it was not signed here."""
    try:
        data = signing.loads(token, salt=DECLINE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    registration_id, person_id = data.get("r"), data.get("p")
    if not isinstance(registration_id, int) or not isinstance(person_id, int):
        return None
    return registration_id, person_id


def decline_path(registration) -> str:
    return reverse("registrations:decline", kwargs={"token": make_decline_token(registration)})
