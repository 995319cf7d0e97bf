"""The cohort nomination nudge: focal points whose organisation has nominated nobody yet.

Seven days and one day before a cohort's nomination deadline, the focal points of approved
organisations in the cohort's eligible countries (every country when none is listed) that
have no nomination for it are told once each; the platform's reminder ledger keeps it once
and logs it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from roadmap_portal.core import plugins
from roadmap_portal.registrations import selectors
from roadmap_portal.registrations.models import ActivityStatus, Registration, RegistrationStatus
from taskforce.models import Organisation

from .models import Cohort

DAY = 24 * 60
# Minutes before the nomination deadline.
NOMINATION_NUDGE_OFFSETS = (7 * DAY, 1 * DAY)
PROVIDER_KEY = "nomination"


def _nominated(cohort: Cohort):
    """Organisations with any nomination for the cohort that was not withdrawn."""
    return Registration.objects.filter(
        activity_id=cohort.activity_id, organisation_id=OuterRef("pk")
    ).exclude(status=RegistrationStatus.CANCELLED)


def organisations_to_nudge(cohort: Cohort):
    """Approved organisations of the eligible countries that have nominated nobody."""
    organisations = Organisation.objects.filter(approved=True)
    countries = [country.pk for country in cohort.eligible_countries.all()]
    if countries:
        organisations = organisations.filter(country_id__in=countries)
    return organisations.filter(~Exists(_nominated(cohort))).order_by("name", "pk")


def nomination_targets(*, now: dt.datetime) -> list[plugins.NudgeTarget]:
    """The nudges due at ``now``: only the latest due offset of each open cohort."""
    cohorts = (
        Cohort.objects.select_related("activity")
        .prefetch_related("eligible_countries")
        .exclude(activity__status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD])
        .filter(
            activity__registration_closes_at__gt=now,
            activity__registration_closes_at__lte=now
            + dt.timedelta(minutes=max(NOMINATION_NUDGE_OFFSETS)),
        )
        .filter(
            Q(activity__registration_opens_at__isnull=True)
            | Q(activity__registration_opens_at__lte=now)
        )
    )
    targets = []
    for cohort in cohorts:
        deadline = cohort.activity.registration_closes_at
        due = [m for m in NOMINATION_NUDGE_OFFSETS if deadline - dt.timedelta(minutes=m) <= now]
        minutes = min(due)
        kind = f"nudge:{PROVIDER_KEY}:{minutes}"
        for organisation in organisations_to_nudge(cohort):
            for address in selectors.focal_point_addresses(organisation):
                targets.append(
                    plugins.NudgeTarget(
                        recipient_email=address,
                        activity_id=cohort.activity_id,
                        reminder_kind=kind,
                        target_starts_at=deadline,
                        due_at=deadline - dt.timedelta(minutes=minutes),
                        payload={"organisation": organisation.pk},
                    )
                )
    return targets


def nomination_message(row, *, now: dt.datetime) -> plugins.NudgeMessage | None:
    """The nudge of one ledger row, or None once the organisation has nominated or the
    deadline has passed or moved."""
    cohort = Cohort.objects.select_related("activity").filter(activity_id=row.activity_id).first()
    if cohort is None:
        return None
    deadline = cohort.activity.registration_closes_at
    if deadline is None or deadline != row.target_starts_at or deadline <= now:
        return None
    organisation = (
        Organisation.objects.filter(pk=row.payload.get("organisation"), approved=True)
        .filter(~Exists(_nominated(cohort)))
        .first()
    )
    if organisation is None:
        return None
    return plugins.NudgeMessage(
        template_prefix="registrations/emails/nudge_nomination",
        context={"cohort": cohort, "organisation": organisation, "deadline": deadline},
    )
