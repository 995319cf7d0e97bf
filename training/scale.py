"""The Training Course's part of ``generate_scale_data``: a course, its modules, cohorts.

Synthetic rows for measuring, bulk-inserted without the services. Each cohort is an
``Activity`` of kind "training_cohort" with small seat limits, and a session per module.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roadmap_portal.core.plugins import ScaleContext
from roadmap_portal.registrations.models import Activity, ActivityKind

from .models import Cohort, CohortSession, Course, Module

BATCH_SIZE = 5000
MODULES = ["Foundations of the SSE", "SSE and the SDGs", "Enterprise models",
           "Finance for the SSE", "Policy and law", "Measuring impact"]  # fmt: skip
PLACES = {
    "ID": ("Bina Swadaya, Jakarta", "Asia/Jakarta"),
    "MY": ("Universiti Malaya, Kuala Lumpur", "Asia/Kuala_Lumpur"),
    "PH": ("Ateneo de Manila, Quezon City", "Asia/Manila"),
    "TH": ("Chulalongkorn University, Bangkok", "Asia/Bangkok"),
    "VN": ("Hanoi", "Asia/Ho_Chi_Minh"),
}


def generate(context: ScaleContext) -> None:
    rng = context.rng
    if not context.activities:
        return
    now = timezone.now()
    course = Course.objects.create(
        title=f"ASEAN SSE for SDGs Training Course ({context.marker})",
        slug=f"{context.marker}-course",
        description="A synthetic course for measuring the portal at scale.",
    )
    modules = Module.objects.bulk_create(
        Module(course=course, position=position, title=title)
        for position, title in enumerate(MODULES, start=1)
    )
    context.count("courses", 1)

    pairs = []
    codes = list(PLACES)
    for number in range(context.activities):
        code = rng.choice(codes)
        place, zone = PLACES[code]
        starts_at = (now + dt.timedelta(days=rng.randint(-700, 250))).replace(
            hour=2, minute=0, second=0, microsecond=0
        )
        onsite = rng.random() < 0.6
        activity = context.new_activity(
            kind=ActivityKind.TRAINING_COHORT,
            title=f"Cohort {number + 1}, {place}",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(days=7 * (len(modules) - 1), hours=3),
            time_zone=zone,
            country_id=code if onsite else None,
            allows_onsite=onsite,
            allows_online=True,
            onsite_capacity=rng.choice([20, 30, 40]) if onsite else None,
            online_capacity=rng.choice([40, 60, 100]),
            registration_opens_at=starts_at - dt.timedelta(days=60),
            registration_closes_at=starts_at - dt.timedelta(days=14),
            requires_approval=True,
            seats_per_organisation=None,
        )
        cohort = Cohort(
            course=course,
            slug=f"{context.marker}-cohort-{number + 1}",
            title=activity.title,
            place=place if onsite else "",
        )
        pairs.append((activity, cohort))
    activities = [activity for activity, _ in pairs]
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    context.activity_ids.extend(activity.pk for activity in activities)
    for activity, cohort in pairs:
        cohort.activity = activity
    Cohort.objects.bulk_create([cohort for _, cohort in pairs], batch_size=BATCH_SIZE)
    context.count("cohorts", len(pairs))

    sessions = [
        CohortSession(
            cohort=cohort,
            module=module,
            starts_at=activity.starts_at + dt.timedelta(days=7 * index),
            ends_at=activity.starts_at + dt.timedelta(days=7 * index, hours=3),
        )
        for activity, cohort in pairs
        for index, module in enumerate(modules)
    ]
    CohortSession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    context.count("cohort sessions", len(sessions))
