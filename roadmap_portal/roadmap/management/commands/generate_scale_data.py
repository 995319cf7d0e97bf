"""``generate_scale_data``: synthetic data at the size the Roadmap aims for, to measure pages.

Not demo data: rows are bulk-inserted without the services (no history rows, no mail, no
audit), for benchmarks and capacity checks only. What the pages and the registration engine
rely on still holds: one active registration per person and activity, confirmed
registrations within each mode's capacity and a waitlist only once a mode is full, names in
NFC with their search keys. Each app plugs its part in as a ``ScaleGenerator``
(``roadmap_portal/core/plugins.py``); the platform then spreads the registrations over the
activities they made. The same ``--seed`` gives the same data; each run gets its own slug
marker ("scale1", "scale2", ...), so a second run adds to the first.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from roadmap_portal.core import plugins
from roadmap_portal.registrations.models import (
    Activity,
    Mode,
    Registration,
    RegistrationStatus,
)

BATCH_SIZE = 5000


def next_marker() -> str:
    """The first "scaleN" that no slug of any installed model starts with."""
    slugged = [
        model
        for model in apps.get_models()
        if any(field.name == "slug" for field in model._meta.get_fields())
    ]
    number = 1
    while any(
        model._default_manager.filter(slug__startswith=f"scale{number}-").exists()
        for model in slugged
    ):
        number += 1
    return f"scale{number}"


def split(total: int, weights: list[float]) -> list[int]:
    """``total`` shared out in proportion to ``weights``, the shares adding up to ``total``."""
    if not weights or total == 0:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: shares[index] - exact[index])
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _status(rng, activity: Activity, mode: str, held: dict[str, int], now) -> str:
    """What the engine would have decided, taking registrations in the order they came."""
    draw = rng.random()
    if draw < 0.06:
        return RegistrationStatus.CANCELLED
    if activity.requires_approval:
        if draw < 0.09:
            return RegistrationStatus.DECLINED
        if draw < 0.3 and (activity.period_ends_at is None or activity.period_ends_at > now):
            return RegistrationStatus.PENDING
    capacity = activity.capacity_for(mode)
    if capacity is None or held[mode] < capacity:
        held[mode] += 1
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITLISTED


def registrations_for(rng, activity: Activity, people: list[tuple[int, int]], count: int, now):
    """``count`` registrations of distinct people at ``activity``, in the order they came."""
    opened = activity.registration_opens_at
    closed = min(activity.registration_closes_at or now, now)
    span = max((closed - opened).total_seconds(), 60.0)
    moments = sorted(opened + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    modes = [mode for mode in Mode if activity.allows_mode(mode)]
    held = dict.fromkeys(Mode.values, 0)
    is_over = activity.period_ends_at is not None and activity.period_ends_at <= now
    for moment, index in zip(moments, rng.sample(range(len(people)), count), strict=True):
        person_id, organisation_id = people[index]
        mode = rng.choice(modes)
        status = _status(rng, activity, mode, held, now)
        decided = status != RegistrationStatus.PENDING
        yield Registration(
            activity_id=activity.pk,
            person_id=person_id,
            organisation_id=organisation_id,
            mode=mode,
            status=status,
            requested_at=moment,
            decided_at=moment + dt.timedelta(hours=rng.randint(1, 72)) if decided else None,
            attended=(rng.random() < 0.85)
            if is_over and status == RegistrationStatus.CONFIRMED
            else None,
        )


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC data at scale for benchmarks (not demo data): organisations, "
        "people, activities of every kind and registrations, bulk-inserted without the "
        "services, repeatable with --seed. A second run adds a new set beside the first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--people", type=int, default=50000)
        parser.add_argument("--activities", type=int, default=300)
        parser.add_argument("--registrations", type=int, default=200000)
        parser.add_argument("--seed", type=int, default=2025, help="Same seed, same data.")

    def handle(self, *args, organisations, people, activities, registrations, seed, **options):
        sizes = {"organisations": organisations, "people": people, "activities": activities,
                 "registrations": registrations}  # fmt: skip
        negative = [name for name, size in sizes.items() if size < 0]
        if negative:
            raise CommandError(f"Sizes cannot be negative: {', '.join(negative)}.")
        if people and not organisations:
            raise CommandError("People need organisations to belong to: give --organisations.")
        if registrations and not (people and activities):
            raise CommandError("Registrations need people and activities.")
        generators = list(plugins.scale_generators)
        if activities and not any(generator.activity_weight for generator in generators):
            raise CommandError("No installed app generates activities.")

        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        shares = split(activities, [generator.activity_weight for generator in generators])
        with transaction.atomic():
            context = plugins.ScaleContext(rng=rng, marker=next_marker(), wanted=sizes)
            for generator, share in zip(generators, shares, strict=True):
                context.activities = share
                step = time.monotonic()
                import_string(generator.generate)(context)
                self.stdout.write(f"{generator.key}: {time.monotonic() - step:.1f} s")
            step = time.monotonic()
            made = self._registrations(rng, context, registrations)
            context.count("registrations", made)
            self.stdout.write(f"registrations: {time.monotonic() - step:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Generated set {context.marker}"))
        for label, number in context.tallies.items():
            self.stdout.write(f"  {label}: {number}")
        self.stdout.write(f"In {time.monotonic() - started:.1f} s, seed {seed}.")

    def _registrations(self, rng, context: plugins.ScaleContext, total: int) -> int:
        now = timezone.now()
        # Only activities whose registration has opened have registrations, as the engine
        # would have it; larger capacities draw more people.
        open_activities = [
            activity
            for activity in Activity.objects.filter(pk__in=context.activity_ids).order_by("pk")
            if activity.registration_opens_at is not None and activity.registration_opens_at <= now
        ]
        room = len(context.members)
        if total > room * len(open_activities):
            raise CommandError(
                f"{total} registrations do not fit: {len(open_activities)} activities open for "
                f"registration and {room} people allow at most {room * len(open_activities)}."
            )
        weights = [
            rng.paretovariate(1.5)
            * ((activity.onsite_capacity or 0) + (activity.online_capacity or 800))
            for activity in open_activities
        ]
        counts = split(total, weights)
        # Shares over the number of people move to the activities that still have room.
        overflow = sum(max(0, count - room) for count in counts)
        counts = [min(count, room) for count in counts]
        for index in range(len(counts)):
            extra = min(overflow, room - counts[index])
            counts[index] += extra
            overflow -= extra
        made = 0
        pending = []
        for activity, count in zip(open_activities, counts, strict=True):
            for registration in registrations_for(rng, activity, context.members, count, now):
                pending.append(registration)
                if len(pending) == BATCH_SIZE:
                    Registration.objects.bulk_create(pending)
                    made += len(pending)
                    pending = []
        Registration.objects.bulk_create(pending)
        return made + len(pending)
