"""The ``send_due_reminders`` command and the ``reminders.scan`` task."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roadmap_portal.registrations.models import ActivityKind, LedgerStatus, ReminderLedger
from roadmap_portal.registrations.tasks import scan_reminders
from tests.factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 15, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def due_registration():
    activity = ActivityFactory(
        kind=ActivityKind.WEBINAR,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
        registration_opens_at=START - dt.timedelta(days=30),
        registration_closes_at=START - dt.timedelta(days=1),
    )
    return RegistrationFactory(
        activity=activity,
        requested_at=START - dt.timedelta(days=10),
        decided_at=START - dt.timedelta(days=10),
    )


def test_send_due_reminders_queues_what_is_due_at_now(due_registration):
    out = StringIO()

    call_command("send_due_reminders", "--now", "2027-03-14T09:00:00+07:00", stdout=out)

    row = ReminderLedger.objects.get()
    assert row.status == LedgerStatus.QUEUED
    assert row.reminder_kind == "before:1440"
    assert out.getvalue().strip() == "1 queued, 0 skipped, 1 newly due."


def test_send_due_reminders_dry_run_lists_and_writes_nothing(due_registration):
    out = StringIO()

    call_command("send_due_reminders", "--dry-run", "--now", "2027-03-14T02:30:00", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert ReminderLedger.objects.count() == 0
    assert lines[-1] == "Dry run: 1 due; nothing written."
    assert due_registration.person.email in lines[0]


def test_send_due_reminders_refuses_a_time_that_is_not_iso():
    with pytest.raises(CommandError):
        call_command("send_due_reminders", "--now", "tomorrow")


def test_scan_task_runs_the_scan_with_nothing_due():
    assert scan_reminders() == {"planned": 0, "skipped": 0, "queued": 0, "dry_run": False}
