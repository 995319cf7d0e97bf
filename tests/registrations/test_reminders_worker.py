"""Reminders through a real Celery worker on Redis and PostgreSQL, with crashes injected.

The crash points are ``roadmap_portal.core.faults``: a worker started with
``ROADMAP_FAULT=<point>`` dies (``os._exit``) when it reaches that point. A fresh worker then
finishes the work once the dead one's leases have run out (the tests move the leases into the
past instead of waiting for them).
"""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from roadmap_portal.core.tasks import sweep_outbox
from roadmap_portal.registrations.models import ActivityKind, LedgerStatus, ReminderLedger
from roadmap_portal.registrations.tasks import scan_reminders
from tests.factories import ActivityFactory, RegistrationFactory
from tests.worker import publishing_to, start_worker, wait_for

pytestmark = pytest.mark.services

PAST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def services(transactional_db, require_postgres, redis_url):
    return redis_url


def due_webinar(people: int):
    """A webinar starting in 20 hours whose one-day reminder is due for ``people`` people."""
    starts_at = timezone.now() + dt.timedelta(hours=20)
    with transaction.atomic():
        activity = ActivityFactory(
            kind=ActivityKind.WEBINAR,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            registration_opens_at=starts_at - dt.timedelta(days=30),
            registration_closes_at=starts_at - dt.timedelta(days=2),
            time_zone="Asia/Bangkok",
        )
        registrations = [
            RegistrationFactory(
                activity=activity,
                requested_at=starts_at - dt.timedelta(days=10),
                decided_at=starts_at - dt.timedelta(days=10),
            )
            for _index in range(people)
        ]
    return activity, registrations


def message_ids(raw_messages: list[str]) -> list[str]:
    return [re.search(r"^Message-ID: (\S+)", raw, re.M).group(1) for raw in raw_messages]


def all_sent(count: int):
    return lambda: OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == count


def test_a_real_worker_delivers_a_reminder_once(celery_worker):
    _activity, (registration,) = due_webinar(1)

    scan_reminders.delay()
    wait_for(all_sent(1), message=f"not delivered; worker log:\n{celery_worker.log()}")
    scan_reminders.delay()
    sweep_outbox.delay()
    # Both go to the mail queue in order: once the sweep is done, so is the second scan.
    wait_for(lambda: re.search(r"Task outbox\.sweep\[\S+\] succeeded", celery_worker.log()))

    sent = celery_worker.sent_mail()
    assert len(sent) == 1
    assert f"To: {registration.person.email}" in sent[0]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent[0]
    assert ReminderLedger.objects.get().status == LedgerStatus.QUEUED


def test_a_scan_dying_after_claiming_is_finished_by_the_next_one(services, tmp_path):
    _activity, registrations = due_webinar(3)

    crashing = start_worker(
        tmp_path / "first", services, extra_env={"ROADMAP_FAULT": "reminders.after_claim"}
    )
    with publishing_to(crashing, services):
        scan_reminders.delay()
        wait_for(lambda: crashing.process.poll() is not None, message=crashing.log())
    claimed = list(ReminderLedger.objects.values_list("status", flat=True))
    assert claimed == [LedgerStatus.CLAIMED] * 3
    assert OutboxMessage.objects.count() == 0
    # Time passes: the dead scan's lease runs out.
    ReminderLedger.objects.update(lease_until=PAST)

    fresh = start_worker(tmp_path / "second", services)
    with publishing_to(fresh, services):
        scan_reminders.delay()
        wait_for(all_sent(3), message=fresh.log())
        sent = fresh.sent_mail()

    assert crashing.sent_mail() == []
    assert sorted(re.search(r"^To: (\S+)", raw, re.M).group(1) for raw in sent) == sorted(
        registration.person.email for registration in registrations
    )
    assert set(ReminderLedger.objects.values_list("status", flat=True)) == {"queued"}


def test_a_relay_dying_after_sending_duplicates_only_that_message(services, tmp_path):
    """The documented duplicate: the mail server accepted the message, the worker died before
    marking it sent; the next relay sends it again with the same Message-ID."""
    due_webinar(3)

    crashing = start_worker(
        tmp_path / "first", services, extra_env={"ROADMAP_FAULT": "outbox.after_send"}
    )
    with publishing_to(crashing, services):
        scan_reminders.delay()
        wait_for(lambda: crashing.process.poll() is not None, message=crashing.log())
    before_crash = crashing.sent_mail()
    assert len(before_crash) == 1
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 0
    assert set(ReminderLedger.objects.values_list("status", flat=True)) == {"queued"}
    # Time passes: the dead relay's leases run out.
    OutboxMessage.objects.update(lease_until=PAST)

    fresh = start_worker(tmp_path / "second", services)
    with publishing_to(fresh, services):
        scan_reminders.delay()
        sweep_outbox.delay()
        wait_for(all_sent(3), message=fresh.log())
        after = fresh.sent_mail()

    expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
    assert len(after) == 3
    assert set(message_ids(after)) == expected
    assert message_ids(before_crash)[0] in expected
    assert ReminderLedger.objects.count() == 3
