"""Check-in codes: a signed token naming a registration, drawn as a QR code.

The token is made with ``django.core.signing``: only this site can make one, and scanning a
code never looks a registration up by a guessable id.
"""

from __future__ import annotations

import io

import segno
from django.core import signing

CHECKIN_SALT = "logistics.checkin"


def make_checkin_token(registration) -> str:
    return signing.dumps({"r": registration.pk, "p": registration.person_id}, salt=CHECKIN_SALT)


def read_checkin_token(token: str) -> tuple[int, int] | None:
    """``(registration_id, person_id)``, or None when the code was not signed here."""
    try:
        data = signing.loads((token or "").strip(), salt=CHECKIN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    registration_id, person_id = data.get("r"), data.get("p")
    if not isinstance(registration_id, int) or not isinstance(person_id, int):
        return None
    return registration_id, person_id


def qr_svg(token: str, *, scale: int = 4) -> str:
    """The token as an SVG QR code (no XML declaration: it is inlined in HTML and mail)."""
    buffer = io.BytesIO()
    segno.make(token, error="m").save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False, title="check-in"
    )
    return buffer.getvalue().decode()
