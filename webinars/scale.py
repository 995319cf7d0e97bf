"""The webinars' part of ``generate_scale_data``: series, webinars, speakers and SDGs.

Synthetic rows for measuring, bulk-inserted without the services. Webinars are online only,
in the languages of the region, spread over past and coming months; the organisers and
speakers come from the organisations and people the registry's generator made.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roadmap_portal.core.plugins import ScaleContext
from roadmap_portal.registrations.models import Activity, ActivityKind
from taskforce.models import Organisation

from .models import Language, Platform, Series, Webinar, WebinarSpeaker

BATCH_SIZE = 5000
WEBINARS_PER_SERIES = 12
ZONES = ["Asia/Kuala_Lumpur", "Asia/Jakarta", "Asia/Manila", "Asia/Bangkok", "Asia/Seoul"]
SERIES_TITLES = ["SSE for the SDGs", "Cooperatives Talk", "Solidarity Finance Clinic",
                 "Women Lead the SSE", "Green Jobs in the SSE", "SSE Policy Hour"]  # fmt: skip
TOPICS = ["Measuring social impact", "Cooperative banking", "Fair trade certification",
          "Community-supported agriculture", "Waste pickers' cooperatives",
          "Social procurement", "Care cooperatives", "Ecotourism by communities",
          "Platform cooperatives", "Microinsurance"]  # fmt: skip


def generate(context: ScaleContext) -> None:
    rng = context.rng
    if not context.activities:
        return
    now = timezone.now()
    organiser_ids = context.organisation_ids or list(
        Organisation.objects.values_list("pk", flat=True)[:50]
    )
    if not organiser_ids:
        raise ValueError("Webinar series need an organisation: generate organisations first.")
    series_count = max(1, -(-context.activities // WEBINARS_PER_SERIES))
    series = [
        Series(
            title=f"{SERIES_TITLES[number % len(SERIES_TITLES)]} {number + 1}",
            slug=f"{context.marker}-series-{number + 1}",
            organiser_id=rng.choice(organiser_ids),
            description="A synthetic webinar series for measuring the portal at scale.",
        )
        for number in range(series_count)
    ]
    Series.objects.bulk_create(series, batch_size=BATCH_SIZE)
    context.count("webinar series", len(series))

    pairs = []
    languages = list(Language.values)
    for number in range(context.activities):
        starts_at = (now + dt.timedelta(days=rng.randint(-700, 200))).replace(
            hour=rng.choice([1, 3, 6, 8]), minute=0, second=0, microsecond=0
        )
        title = f"{rng.choice(TOPICS)} ({number + 1})"
        activity = context.new_activity(
            kind=ActivityKind.WEBINAR,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=rng.choice([60, 90, 120])),
            time_zone=rng.choice(ZONES),
            allows_onsite=False,
            allows_online=True,
            online_capacity=rng.choice([None, 300, 500, 1000, 3000]),
            registration_opens_at=starts_at - dt.timedelta(days=30),
            registration_closes_at=starts_at,
        )
        held = activity.period_ends_at <= now
        webinar = Webinar(
            series=series[number % series_count],
            slug=f"{context.marker}-webinar-{number + 1}",
            title=title,
            abstract="A synthetic webinar for measuring the portal at scale.",
            language=rng.choice(languages) if rng.random() < 0.4 else Language.ENGLISH,
            platform=rng.choice(Platform.values),
            join_url=f"https://example.org/join/{context.marker}/{number + 1}",
            recording_url=f"https://example.org/rec/{context.marker}/{number + 1}" if held else "",
            recording_published_at=activity.period_ends_at if held else None,
        )
        pairs.append((activity, webinar))
    activities = [activity for activity, _ in pairs]
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    context.activity_ids.extend(activity.pk for activity in activities)
    for activity, webinar in pairs:
        webinar.activity = activity
    webinars = [webinar for _, webinar in pairs]
    Webinar.objects.bulk_create(webinars, batch_size=BATCH_SIZE)
    context.count("webinars", len(webinars))

    SdgLink = Webinar.sdgs.through
    links = [
        SdgLink(webinar_id=webinar.pk, sdg_id=number)
        for webinar in webinars
        for number in rng.sample(range(1, 18), rng.randint(1, 3))
    ]
    SdgLink.objects.bulk_create(links, batch_size=BATCH_SIZE)

    if context.members:
        slots = []
        for webinar in webinars:
            speakers = {rng.choice(context.members)[0] for _ in range(rng.randint(1, 3))}
            slots.extend(
                WebinarSpeaker(webinar=webinar, person_id=person_id, position=position)
                for position, person_id in enumerate(sorted(speakers))
            )
        WebinarSpeaker.objects.bulk_create(slots, batch_size=BATCH_SIZE)
        context.count("webinar speakers", len(slots))
