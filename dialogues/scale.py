"""The dialogues' part of ``generate_scale_data``: forums, summits and workshops with agendas.

Synthetic rows for measuring, bulk-inserted without the services. There is one Policy
Dialogue a year (the rotation), so the generator adds the other kinds of convening only;
each gets its ``Activity`` with capacities per mode, and a short agenda.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roadmap_portal.core.plugins import ScaleContext
from roadmap_portal.registrations.models import Activity, ActivityKind

from .models import AgendaSession, Convening, ConveningKind

BATCH_SIZE = 5000

HOSTS = {
    "PH": ("Manila", "Asia/Manila"), "ID": ("Yogyakarta", "Asia/Jakarta"),
    "MY": ("Kuala Lumpur", "Asia/Kuala_Lumpur"), "TH": ("Bangkok", "Asia/Bangkok"),
    "VN": ("Hanoi", "Asia/Ho_Chi_Minh"), "KH": ("Phnom Penh", "Asia/Phnom_Penh"),
    "LA": ("Vientiane", "Asia/Vientiane"), "SG": ("Singapore", "Asia/Singapore"),
    "JP": ("Kyoto", "Asia/Tokyo"), "KR": ("Seoul", "Asia/Seoul"),
}  # fmt: skip
KINDS = [ConveningKind.FORUM, ConveningKind.WORKSHOP, ConveningKind.WORKSHOP, ConveningKind.SUMMIT]
TOPICS = ["Solidarity Finance", "Women in SSE", "SSE and Climate Action", "Cooperative Law",
          "Fair Trade Markets", "Youth and Social Enterprise", "Public Procurement for SSE",
          "Digital Platform Cooperatives", "Food Sovereignty", "SSE Statistics"]  # fmt: skip
SESSION_TITLES = ["Opening", "Plenary", "Country reports", "Panel", "Working groups",
                  "Synthesis", "Closing"]  # fmt: skip


def generate(context: ScaleContext) -> None:
    rng = context.rng
    now = timezone.now()
    hosts = list(HOSTS)
    pairs = []
    for number in range(context.activities):
        kind = rng.choice(KINDS)
        code = rng.choice(hosts)
        city, zone = HOSTS[code]
        starts_at = (now + dt.timedelta(days=rng.randint(-900, 300))).replace(
            hour=1, minute=30, second=0, microsecond=0
        )
        days = 1 if kind == ConveningKind.WORKSHOP else rng.randint(2, 3)
        ends_at = starts_at + dt.timedelta(days=days - 1, hours=8)
        title = f"{rng.choice(TOPICS)} {ActivityKind(kind).label} {city} {starts_at.year}"
        activity = context.new_activity(
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=zone,
            country_id=code,
            onsite_capacity=rng.choice([60, 120, 250, 400]),
            online_capacity=rng.choice([None, 300, 1000]),
            allows_online=rng.random() < 0.7,
            registration_opens_at=starts_at - dt.timedelta(days=75),
            registration_closes_at=starts_at - dt.timedelta(days=5),
            requires_approval=rng.random() < 0.2,
        )
        convening = Convening(
            kind=kind,
            year=starts_at.year,
            slug=f"{context.marker}-convening-{number + 1}",
            title=title,
            host_country_id=code,
            city=city,
            venue=f"{city} Convention Centre",
            background="A synthetic convening for measuring the portal at scale.",
        )
        pairs.append((activity, convening))
    activities = [activity for activity, _ in pairs]
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    context.activity_ids.extend(activity.pk for activity in activities)
    for activity, convening in pairs:
        convening.activity = activity
    Convening.objects.bulk_create([convening for _, convening in pairs], batch_size=BATCH_SIZE)
    context.count("convenings", len(pairs))

    sessions = []
    for activity, convening in pairs:
        moment = activity.starts_at
        for position, title in enumerate(rng.sample(SESSION_TITLES, rng.randint(3, 6)), start=1):
            sessions.append(
                AgendaSession(convening=convening, position=position, title=title,
                              starts_at=moment, ends_at=moment + dt.timedelta(minutes=90))
            )  # fmt: skip
            moment += dt.timedelta(hours=2)
    AgendaSession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    context.count("agenda sessions", len(sessions))
