"""Registrations racing for the seats of one activity, through the engine the pages use.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 \\
        python benchmarks/registration_contention.py --seats 50 --attempts 200 --workers 16

Creates its own organisation, focal point, people and activity (names start with a unique
prefix), lets ``--workers`` processes (or threads), each with its own database connection,
register the ``--attempts`` people through ``register_person`` at once, counts the outcome
afresh from the database, removes everything it created (and vacuums the tables it wrote:
autovacuum is off on some machines, this one's included), and prints one JSON line last:

    {"seats": 50, "attempts": 200, "confirmed": 50, "waitlisted": 150, "errors": 0,
     "duplicates": 0, "seconds": ..., "per_second": ..., "load_average": [1m, 5m, 15m]}

It runs as production does: the workers are forks of a process warmed up as gunicorn's
master is (``gunicorn.conf.py``: URL resolver, catalogues and templates built, objects frozen
before the fork), ``DEBUG`` is off whatever the environment says, and with
``REDIS_URL`` set the outbox relay of each registration is queued to that broker after the
commit, as gunicorn's workers do (no worker consumes it: the benchmark measures the engine,
not a mail server). Afterwards it removes from the broker's queue exactly the relay tasks it
queued; the rest of that Redis database is left alone, but give the benchmark a database of
its own all the same (a worker listening there would send its mail). Without ``REDIS_URL``
(the demo) the relay runs inline after each commit, inside the measured time, and mail is
captured in memory. The outbox rows are written as in production either way.
``load_average`` is the machine's at the end of the run: other jobs on the machine move the
figures. Exits with 1 when the activity is overfilled or a person holds two active
registrations. SQLite serialises every write; run it on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
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
# Production conditions: DEBUG on would record every query and change what is measured.
os.environ["DJANGO_DEBUG"] = "false"


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

        philippines = Country.objects.filter(code="PH").first()
        self.organisation = create_organisation(
            name=f"{self.prefix} cooperative",
            kind=OrganisationKind.COOPERATIVE,
            country=philippines,
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
            # Onsite somewhere: the confirmation's calendar names the country.
            country=philippines,
            registration_opens_at=now - dt.timedelta(hours=1),
            registration_closes_at=now + dt.timedelta(days=29),
            onsite_capacity=seats,
            allows_online=False,
        )

    def outbox(self):
        from roadmap_portal.core.models import OutboxMessage

        return OutboxMessage.objects.filter(to_email__endswith="@bench.invalid").filter(
            to_email__startswith=self.prefix
        )

    def remove(self) -> None:
        from allauth.account.models import EmailAddress
        from django.db import transaction

        from roadmap_portal.core.models import OutboxMessage
        from roadmap_portal.registrations.models import Activity, Registration
        from taskforce.models import Affiliation, Organisation, Person

        with transaction.atomic():
            self.outbox().delete()
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
        vacuum(
            [
                OutboxMessage,
                Registration,
                Registration.history.model,
                Activity,
                Activity.history.model,
                Affiliation,
                Affiliation.history.model,
                Person,
                Person.history.model,
                Organisation,
                Organisation.history.model,
                EmailAddress,
                type(self.user),
            ]
        )


def vacuum(models) -> None:
    """Vacuum the tables the benchmark wrote, so that no run is slowed by an earlier one's
    dead rows where autovacuum is off (as on this machine's PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


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


def warm_up_as_gunicorn(*, use_threads: bool) -> None:
    """What gunicorn's master does before it forks the workers (``gunicorn.conf.py``).

    With ``preload_app`` the workers are forks of a master that has built the URL resolver,
    the translation catalogues and the compiled templates (``when_ready``) and frozen its
    objects out of the garbage collector (``pre_fork``). Without this each worker would
    build them inside the race, under the activity's lock, as no production worker does.
    """
    from roadmap_portal.core.warmup import warm_up

    warm_up()
    if not use_threads:
        gc.freeze()


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
    warm_up_as_gunicorn(use_threads=use_threads)

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


def purge_relays(message_ids: set[int]) -> int:
    """Remove from the broker the relay tasks queued for ``message_ids``; returns how many.

    Only the relay tasks of the outbox queue whose messages are all the benchmark's are
    removed, one by one (``LREM`` of the exact entry): whatever else the Redis database
    holds stays as it is.
    """
    import redis

    from roadmap_portal.core.tasks import relay_outbox

    conf = relay_outbox.app.conf
    if not message_ids or conf.task_always_eager:
        return 0
    queue_name = relay_outbox.app.amqp.router.route({}, relay_outbox.name)["queue"].name
    client = redis.Redis.from_url(conf.broker_write_url or conf.broker_url)
    removed = 0
    try:
        # kombu keeps one list per priority: the queue's name, with a suffix for the others.
        for key in client.scan_iter(match=f"{queue_name}*", _type="list"):
            for entry in client.lrange(key, 0, -1):
                if _relays_only(entry, message_ids, relay_outbox.name):
                    removed += client.lrem(key, 1, entry)
    finally:
        client.close()
    return removed


def _relays_only(entry: bytes, message_ids: set[int], task_name: str) -> bool:
    """Whether a queued kombu message is a relay of some of ``message_ids`` and nothing else."""
    import base64

    try:
        message = json.loads(entry)
        if message.get("headers", {}).get("task") != task_name:
            return False
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids = kwargs.get("message_ids") or []
    except (ValueError, KeyError, TypeError):
        return False
    return bool(ids) and set(ids) <= message_ids


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Mail relayed inline (no REDIS_URL) stays in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Inline relays log every task; the JSON line is what matters.
    logging.getLogger("celery").setLevel(logging.WARNING)
    from roadmap_portal.core.tasks import relay_outbox

    relay = "inline" if relay_outbox.app.conf.task_always_eager else "queued to REDIS_URL"
    log(
        f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}; "
        f"{arguments.workers} workers, {arguments.attempts} attempts, {arguments.seats} seats; "
        f"DEBUG {settings.DEBUG}; outbox relay {relay}"
    )
    if connection.vendor != "postgresql":
        log("warning: not PostgreSQL; SQLite runs one write at a time and may report errors")
    fixture = Fixture(seats=arguments.seats, attempts=arguments.attempts)
    try:
        errors, seconds = race(fixture, arguments.workers, use_threads=arguments.threads)
        load_average = [round(load, 2) for load in os.getloadavg()]
        totals = count(fixture)
    finally:
        try:
            purged = purge_relays(set(fixture.outbox().values_list("pk", flat=True)))
            if purged:
                log(f"removed the {purged} relay tasks it queued from the broker")
        except Exception as error:  # noqa: BLE001 - the figures stand; say what is left
            log(f"warning: the relay tasks it queued stay in the broker: {error}")
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
        "load_average": load_average,
    }
    print(json.dumps(result), flush=True)
    overfilled = totals["confirmed"] > arguments.seats
    return 1 if overfilled or totals["duplicates"] else 0


if __name__ == "__main__":
    sys.exit(main())
