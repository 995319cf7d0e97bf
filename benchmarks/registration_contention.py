"""Registrations racing for the seats of one activity, through the engine the pages use.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \\
        python benchmarks/registration_contention.py --seats 50 --attempts 200 --workers 16

Creates its own organisation, focal point, people and activity (names start with a unique
prefix), lets ``--workers`` threads, each with its own database connection, register the
``--attempts`` people through ``register_person`` at once, counts the outcome afresh from the
database, removes everything it created, and prints one JSON line last:

    {"seats": 50, "attempts": 200, "confirmed": 50, "waitlisted": 150, "errors": 0,
     "duplicates": 0, "seconds": ..., "per_second": ...}

Mail is captured in memory (the outbox rows are written as in production): the benchmark
measures the engine, not a mail server. Exits with 1 when the activity is overfilled or a
person holds two active registrations. SQLite serialises every write; run it on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import multiprocessing
import os
import queue
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings.local")


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seats", type=int, default=50, help="onsite seats (default 50)")
    parser.add_argument(
        "--attempts", type=int, default=200, help="people registering (default 200)"
    )
    parser.add_argument(
        "--workers", type=int, default=16, help="concurrent connections (default 16)"
    )
    parser.add_argument(
        "--threads",
        action="store_true",
        help="workers as threads of one process instead of processes (measures the GIL too)",
    )
    arguments = parser.parse_args(argv)
    if arguments.seats < 0 or arguments.attempts < 1 or arguments.workers < 1:
        parser.error("--seats must be 0 or more, --attempts and --workers 1 or more")
    return arguments


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Fixture:
    """What the benchmark creates, and removes again."""

    def __init__(self, *, seats: int, attempts: int):
        from django.db import transaction
        from django.utils import timezone

        self.prefix = f"bench-{uuid.uuid4().hex[:10]}"
        with transaction.atomic():
            self._create(seats=seats, attempts=attempts, now=timezone.now())

    def _create(self, *, seats: int, attempts: int, now) -> None:
        from roadmap_portal.accounts.models import User
        from roadmap_portal.registrations.models import Activity, ActivityKind
        from taskforce.models import Country, OrganisationKind
        from taskforce.services import affiliate_person, create_organisation, create_person

        self.organisation = create_organisation(
            name=f"{self.prefix} cooperative",
            kind=OrganisationKind.COOPERATIVE,
            country=Country.objects.filter(code="PH").first(),
            slug=self.prefix,
            approved=True,
        )
        self.user = User.objects.create_user(email=f"{self.prefix}@bench.invalid")
        focal = create_person(name=f"{self.prefix} focal point", user=self.user)
        affiliate_person(person=focal, organisation=self.organisation, is_focal_point=True)
        self.people = []
        for number in range(attempts):
            person = create_person(
                name=f"{self.prefix} person {number}",
                email=f"{self.prefix}-{number}@bench.invalid",
            )
            affiliate_person(person=person, organisation=self.organisation)
            self.people.append(person)
        self.people_ids = [focal.pk] + [person.pk for person in self.people]
        self.activity = Activity.objects.create(
            kind=ActivityKind.WORKSHOP,
            title=f"{self.prefix} contention",
            starts_at=now + dt.timedelta(days=30),
            ends_at=now + dt.timedelta(days=31),
            time_zone="Asia/Manila",
            registration_opens_at=now - dt.timedelta(hours=1),
            registration_closes_at=now + dt.timedelta(days=29),
            onsite_capacity=seats,
            allows_online=False,
        )

    def remove(self) -> None:
        from allauth.account.models import EmailAddress
        from django.db import transaction

        from roadmap_portal.core.models import OutboxMessage
        from roadmap_portal.registrations.models import Activity, Registration
        from taskforce.models import Affiliation, Organisation, Person

        with transaction.atomic():
            OutboxMessage.objects.filter(to_email__endswith="@bench.invalid").filter(
                to_email__startswith=self.prefix
            ).delete()
            Registration.objects.filter(activity=self.activity).delete()
            Registration.history.filter(activity_id=self.activity.pk).delete()
            Activity.objects.filter(pk=self.activity.pk).delete()
            Activity.history.filter(id=self.activity.pk).delete()
            Affiliation.objects.filter(organisation=self.organisation).delete()
            Affiliation.history.filter(organisation_id=self.organisation.pk).delete()
            Person.objects.filter(pk__in=self.people_ids).delete()
            Person.history.filter(id__in=self.people_ids).delete()
            Organisation.objects.filter(pk=self.organisation.pk).delete()
            Organisation.history.filter(id=self.organisation.pk).delete()
            EmailAddress.objects.filter(user=self.user).delete()
            self.user.delete()


def _prepare(fixture: Fixture) -> dict:
    """What one worker fetches before the race starts, so the race measures registering."""
    from roadmap_portal.accounts.models import User
    from roadmap_portal.registrations.models import Activity
    from taskforce.models import Organisation, Person

    return {
        "by": User.objects.get(pk=fixture.user.pk),
        "activity": Activity.objects.get(pk=fixture.activity.pk),
        "organisation": Organisation.objects.get(pk=fixture.organisation.pk),
        "people": Person.objects.in_bulk([person.pk for person in fixture.people]),
    }


def _register_all(prepared: dict, take, report_error) -> None:
    """Register the people ``take()`` hands out until it returns None: one worker's loop."""
    from roadmap_portal.registrations.services import register_person

    while (person_id := take()) is not None:
        try:
            register_person(
                activity=prepared["activity"],
                person=prepared["people"][person_id],
                organisation=prepared["organisation"],
                mode="onsite",
                by=prepared["by"],
            )
        except Exception as error:  # noqa: BLE001 - counted and reported
            report_error(f"{type(error).__name__}: {error}")


def race(fixture: Fixture, workers: int, *, use_threads: bool) -> tuple[int, float]:
    """Every person registered once, from ``workers`` concurrent connections.

    By default each worker is a process with its own connection, as gunicorn's workers are;
    with ``--threads`` they are threads of one process, which measures Python's GIL as much
    as the engine. Returns (errors, seconds).
    """
    from django.db import connections

    if use_threads:
        pending: queue.Queue = queue.Queue()
        errors_queue: queue.Queue = queue.Queue()
        start = threading.Barrier(workers + 1)
        spawn = threading.Thread
    else:
        context = multiprocessing.get_context("fork")
        pending = context.Queue()
        errors_queue = context.Queue()
        start = context.Barrier(workers + 1)
        spawn = context.Process
        # A forked child must open its own connection, never share the parent's.
        connections.close_all()
    for person in fixture.people:
        pending.put(person.pk)

    def take():
        try:
            return pending.get(timeout=0.05)
        except queue.Empty:
            return None

    def work() -> None:
        try:
            prepared = _prepare(fixture)
            start.wait()
            _register_all(prepared, take, errors_queue.put)
        finally:
            connections.close_all()

    runners = [spawn(target=work) for _ in range(workers)]
    for runner in runners:
        runner.start()
    start.wait()
    began = time.perf_counter()
    for runner in runners:
        runner.join()
    seconds = time.perf_counter() - began
    errors = []
    while True:
        try:
            errors.append(errors_queue.get(timeout=0.1))
        except queue.Empty:
            break
    for error in sorted(set(errors)):
        log(f"error ({errors.count(error)}x): {error}")
    return len(errors), seconds


def count(fixture: Fixture) -> dict:
    from django.db.models import Count, Q

    from roadmap_portal.registrations.models import Registration

    registrations = Registration.objects.filter(activity=fixture.activity)
    totals = registrations.aggregate(
        confirmed=Count("id", filter=Q(status="confirmed")),
        waitlisted=Count("id", filter=Q(status="waitlisted")),
    )
    totals["duplicates"] = (
        registrations.active().values("person").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    return totals


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Inline relays log every task; the JSON line is what matters.
    logging.getLogger("celery").setLevel(logging.WARNING)
    log(
        f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{arguments.workers} workers, {arguments.attempts} attempts, {arguments.seats} seats"
    )
    if connection.vendor != "postgresql":
        log("warning: not PostgreSQL; SQLite runs one write at a time and may report errors")
    fixture = Fixture(seats=arguments.seats, attempts=arguments.attempts)
    try:
        errors, seconds = race(fixture, arguments.workers, use_threads=arguments.threads)
        totals = count(fixture)
    finally:
        fixture.remove()
    result = {
        "seats": arguments.seats,
        "attempts": arguments.attempts,
        "confirmed": totals["confirmed"],
        "waitlisted": totals["waitlisted"],
        "errors": errors,
        "duplicates": totals["duplicates"],
        "seconds": round(seconds, 3),
        "per_second": round(arguments.attempts / seconds, 1) if seconds else None,
    }
    print(json.dumps(result), flush=True)
    overfilled = totals["confirmed"] > arguments.seats
    return 1 if overfilled or totals["duplicates"] else 0


if __name__ == "__main__":
    sys.exit(main())
