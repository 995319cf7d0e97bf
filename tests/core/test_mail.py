import threading
import time

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.utils import timezone

from roadmap_portal.core import mail
from roadmap_portal.core.mail import Attachment, queue_mail, queue_rendered_mail, relay
from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from tests.core.brokers import RecordingBackend, unreachable_broker

pytestmark = pytest.mark.django_db


def queue(to="carlo@example.org", **kwargs):
    return queue_rendered_mail(
        to=to, subject="Registered", body_text="You are registered.", **kwargs
    )


def test_a_rolled_back_transaction_leaves_no_message(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the service failed after queueing its mail")

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    assert django_mail.outbox == []


def test_a_committed_message_is_relayed_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(headers={"X-Topic": "test"})

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert len(django_mail.outbox) == 1
    sent = django_mail.outbox[0]
    assert sent.to == ["carlo@example.org"]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.extra_headers["X-Topic"] == "test"


def test_each_message_has_its_own_message_id_on_the_site_domain(settings):
    settings.SITE_URL = "https://roadmap.example.org:8443"

    first, second = queue(), queue()

    assert first.message_id != second.message_id
    assert first.message_id.endswith("@roadmap.example.org>")


def test_queue_mail_renders_the_three_templates():
    message = queue_mail(
        to="carlo@example.org",
        template_prefix="registrations/emails/invitation_answered",
        context={
            "organisation": type("Org", (), {"name": "PARC Japan"})(),
            "invitation": type("Inv", (), {"get_status_display": "Accepted"})(),
            "activity": type("Act", (), {"title": "Policy Dialogue 2026"})(),
        },
        topic="invitation.answered",
    )

    assert message.subject == "PARC Japan accepted: Policy Dialogue 2026"
    assert "PARC Japan has accepted the invitation" in message.body_text
    assert "<strong>Policy Dialogue 2026</strong>" in message.body_html
    assert message.topic == "invitation.answered"


def test_relay_sends_a_text_attachment(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(attachments=[Attachment("forum.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")])

    assert django_mail.outbox[0].attachments == [
        ("forum.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")
    ]


def test_relay_sends_a_message_once(django_capture_on_commit_callbacks):
    message = queue()

    first = relay(message_ids=[message.pk])
    second = relay(message_ids=[message.pk])
    sweep = relay()

    assert (first, second, sweep) == (1, 0, 0)
    assert len(django_mail.outbox) == 1


def test_relay_leaves_a_row_another_relay_holds_until_its_lease_runs_out():
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        lease_until=timezone.now() + timezone.timedelta(minutes=1)
    )

    held = relay()
    OutboxMessage.objects.filter(pk=message.pk).update(
        lease_until=timezone.now() - timezone.timedelta(seconds=1)
    )
    taken_over = relay()

    assert (held, taken_over) == (0, 1)


def test_a_failing_mail_server_records_the_error_and_retries_with_backoff(settings):
    settings.EMAIL_BACKEND = "tests.core.brokers.FailingBackend"
    message = queue()

    sent = relay()
    message.refresh_from_db()
    retried_at_once = relay()

    assert sent == 0
    assert retried_at_once == 0
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.lease_until is None
    wait = (message.not_before - timezone.now()).total_seconds()
    assert 50 < wait <= 60


def test_a_message_fails_for_good_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = "tests.core.brokers.FailingBackend"
    message = queue()

    for _ in range(mail.MAX_ATTEMPTS + 2):
        OutboxMessage.objects.filter(pk=message.pk).update(not_before=None)
        relay()

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == mail.MAX_ATTEMPTS


def test_a_message_that_failed_once_is_sent_by_a_later_relay(settings):
    settings.EMAIL_BACKEND = "tests.core.brokers.FailingBackend"
    message = queue()
    relay()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=message.pk).update(not_before=timezone.now())

    sent = relay()

    message.refresh_from_db()
    assert sent == 1
    assert message.status == OutboxStatus.SENT
    assert message.last_error == ""
    assert message.attempts == 2


# The broker is down -------------------------------------------------------------------------


def test_a_failing_kick_keeps_the_message_and_the_sweep_sends_it_once(
    django_capture_on_commit_callbacks,
):
    with unreachable_broker(), django_capture_on_commit_callbacks(execute=True):
        message = queue()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    assert django_mail.outbox == []

    assert relay() == 1
    assert relay() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(django_mail.outbox) == 1


def test_a_kick_gives_up_at_once_and_later_kicks_skip_the_broker(caplog):
    with unreachable_broker():
        started = time.monotonic()
        mail.kick_relay(message_ids=[1])
        first = time.monotonic() - started
        paused = mail.kick_pause.active()
        mail.kick_relay(message_ids=[2])

    assert first < mail.KICK_TIMEOUT_SECONDS + 0.5
    assert paused is True
    assert [r.getMessage() for r in caplog.records if r.name == "roadmap_portal.core.mail"] == [
        "outbox relay not kicked; the sweep will send [1]",
        "outbox relay not kicked (broker failed recently): [2]",
    ]


# Two relays at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_never_send_a_row_twice(require_postgres, settings):
    settings.EMAIL_BACKEND = "tests.core.brokers.RecordingBackend"
    RecordingBackend.sent = []
    # Written directly: queue_rendered_mail would relay each row at once (tasks run inline).
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            to_email=f"person{n}@example.org",
            subject="Registered",
            body_text="You are registered.",
            message_id=f"<{n}.concurrent@example.org>",
        )
        for n in range(60)
    )
    ids = [row.message_id for row in rows]
    barrier = threading.Barrier(4)
    totals = []

    def run_relay():
        try:
            barrier.wait()
            totals.append(relay(limit=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=run_relay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(RecordingBackend.sent) == sorted(ids)
    assert sum(totals) == 60
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 60
