"""One reminder scan of many due registrations, through a real Celery worker on Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 \\
        python benchmarks/reminder_throughput.py --recipients 10000

Migrates the database if needed, creates a webinar starting in 20 hours (its one-day reminder
is due) with ``--recipients`` confirmed registrations (names start with a unique prefix),
starts one worker (``--pool=solo``, the test worker of ``tests/worker.py``: mail written to
files), publishes one ``reminders.scan`` and times it until every reminder's outbox row is
sent. Counts the messages the worker wrote (a Message-ID seen twice is a duplicate), removes
everything it created, and prints one JSON line last:

    {"recipients": 10000, "sent": 10000, "duplicates": 0, "seconds": ..., "per_second": ...}

Exits with 1 when a reminder is missing or duplicated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "roadmap_portal.settings.test"

MESSAGE_ID = re.compile(r"^Message-ID: (\S+)", re.M)


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--recipients", type=int, default=10000, help="due registrations (default 10000)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="give up after this many seconds"
    )
    arguments = parser.parse_args(argv)
    if arguments.recipients < 1:
        parser.error("--recipients must be 1 or more")
    return arguments


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Fixture:
    """What the benchmark creates, and removes again."""

    def __init__(self, recipients: int):
        from django.db import transaction
        from django.utils import timezone

        from roadmap_portal.registrations.models import (
            Activity,
            ActivityKind,
            Registration,
            RegistrationStatus,
        )
        from taskforce.models import Country, Organisation, OrganisationKind, Person

        self.prefix = f"bench-{uuid.uuid4().hex[:10]}"
        starts_at = timezone.now() + dt.timedelta(hours=20)
        decided = starts_at - dt.timedelta(days=10)
        with transaction.atomic():
            self.organisation = Organisation.objects.create(
                name=f"{self.prefix} cooperative",
                slug=self.prefix,
                kind=OrganisationKind.COOPERATIVE,
                country=Country.objects.filter(code="TH").first(),
                approved=True,
            )
            self.activity = Activity.objects.create(
                kind=ActivityKind.WEBINAR,
                title=f"{self.prefix} webinar",
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                time_zone="Asia/Bangkok",
                registration_opens_at=starts_at - dt.timedelta(days=30),
                registration_closes_at=starts_at - dt.timedelta(days=2),
            )
            people = Person.objects.bulk_create(
                [
                    Person(
                        name=f"Participant {index}", email=f"{self.prefix}-{index}@bench.invalid"
                    )
                    for index in range(recipients)
                ],
                batch_size=2000,
            )
            self.people_ids = [person.pk for person in people]
            Registration.objects.bulk_create(
                [
                    Registration(
                        activity=self.activity,
                        person=person,
                        organisation=self.organisation,
                        status=RegistrationStatus.CONFIRMED,
                        requested_at=decided,
                        decided_at=decided,
                    )
                    for person in people
                ],
                batch_size=2000,
            )

    def sent_count(self) -> int:
        from roadmap_portal.core.models import OutboxStatus
        from roadmap_portal.registrations.models import ReminderLedger

        return ReminderLedger.objects.filter(
            activity=self.activity, outbox_message__status=OutboxStatus.SENT
        ).count()

    def phases(self) -> str:
        """How long the scan took to queue everything, and the relay to send it."""
        from django.db.models import Max, Min

        from roadmap_portal.registrations.models import ReminderLedger

        times = ReminderLedger.objects.filter(activity=self.activity).aggregate(
            claimed=Min("claimed_at"),
            queued=Max("queued_at"),
            sent=Max("outbox_message__sent_at"),
        )
        if None in times.values():
            return "phases: incomplete"
        scan = (times["queued"] - times["claimed"]).total_seconds()
        relay = (times["sent"] - times["queued"]).total_seconds()
        return f"scan queued all in {scan:.1f} s; the relay finished {relay:.1f} s later"

    def remove(self) -> None:
        from django.db import transaction

        from roadmap_portal.core.models import OutboxMessage
        from roadmap_portal.registrations.models import Activity, Registration, ReminderLedger
        from taskforce.models import Organisation, Person

        with transaction.atomic():
            message_ids = list(
                ReminderLedger.objects.filter(activity=self.activity).values_list(
                    "outbox_message_id", flat=True
                )
            )
            ReminderLedger.objects.filter(activity=self.activity).delete()
            OutboxMessage.objects.filter(pk__in=[pk for pk in message_ids if pk]).delete()
            Registration.objects.filter(activity=self.activity).delete()
            Activity.objects.filter(pk=self.activity.pk).delete()
            Activity.history.filter(id=self.activity.pk).delete()
            Person.objects.filter(pk__in=self.people_ids).delete()
            Organisation.objects.filter(pk=self.organisation.pk).delete()
            Organisation.history.filter(id=self.organisation.pk).delete()


def publish_to(app, worker, routes: dict) -> None:
    from kombu import pools

    app.conf.update(
        broker_url=os.environ["REDIS_URL"],
        task_always_eager=False,
        task_default_queue=worker.queue("default"),
        task_routes={
            pattern: {"queue": worker.queue(route["queue"])} for pattern, route in routes.items()
        },
    )
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        log("set DATABASE_URL=postgres://... and REDIS_URL=redis://... (a real worker needs both)")
        return 2
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from roadmap_portal.celery import app
    from roadmap_portal.registrations.tasks import scan_reminders
    from tests.worker import start_worker

    call_command("migrate", verbosity=0)
    log(f"creating {arguments.recipients} due registrations")
    fixture = Fixture(arguments.recipients)
    worker = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            worker = start_worker(Path(folder), os.environ["REDIS_URL"])
            publish_to(app, worker, settings.CELERY_TASK_ROUTES)
            log("worker ready; scanning")
            started = time.monotonic()
            scan_reminders.delay()
            deadline = started + arguments.timeout
            sent = 0
            while time.monotonic() < deadline:
                sent = fixture.sent_count()
                if sent >= arguments.recipients:
                    break
                time.sleep(0.25)
            seconds = time.monotonic() - started
            identifiers = [
                match.group(1)
                for raw in worker.sent_mail()
                for match in [MESSAGE_ID.search(raw)]
                if match
            ]
            worker.kill()
            log(fixture.phases())
    finally:
        fixture.remove()
    duplicates = len(identifiers) - len(set(identifiers))
    result = {
        "recipients": arguments.recipients,
        "sent": len(set(identifiers)),
        "duplicates": duplicates,
        "seconds": round(seconds, 3),
        "per_second": round(len(set(identifiers)) / seconds, 1) if seconds else None,
    }
    print(json.dumps(result), flush=True)
    return 0 if result["sent"] == arguments.recipients and not duplicates else 1


if __name__ == "__main__":
    sys.exit(main())
