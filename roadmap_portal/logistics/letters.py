"""Invitation letters for visa applications, printed on the host organisation's letterhead."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from roadmap_portal.core.pdf import render_pdf
from roadmap_portal.core.reports import date_range_label
from roadmap_portal.registrations.models import kind_accessors


def kind_object(activity):
    """The kind's own object (a convening, a webinar, a cohort), reached by reverse relation."""
    for accessor in kind_accessors():
        try:
            return getattr(activity, accessor)
        except ObjectDoesNotExist:
            continue
    return None


def host_organisations(activity) -> list[str]:
    """The names of the organisations the kind's object says organise the activity, if any."""
    found = kind_object(activity)
    organisers = getattr(found, "organised_by", None) or getattr(found, "organiser", None)
    if organisers is None:
        return []
    if hasattr(organisers, "all"):
        return [str(organisation) for organisation in organisers.all()]
    return [str(organisers)]


def letter_context(registration) -> dict:
    activity = registration.activity
    return {
        "registration": registration,
        "activity": activity,
        "details": registration.visa_details,
        "hosts": host_organisations(activity),
        "secretariat": settings.SITE_NAME,
        "dates": date_range_label(
            activity.starts_at,
            activity.ends_at,
            time_zone=activity.time_zone,
            precision=activity.date_precision,
        ),
        "venue": activity.country.name if activity.country_id else "",
        "issued_on": timezone.localdate(),
    }


def render_letter(registration) -> bytes:
    return render_pdf("logistics/pdf/letter.html", letter_context(registration))
