"""The real-worker fixture itself: a message queued in a committed transaction is relayed."""

import pytest
from django.db import transaction

from roadmap_portal.core.mail import queue_rendered_mail
from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from tests.worker import wait_for

pytestmark = pytest.mark.services


def test_a_real_worker_relays_a_committed_outbox_message_once(celery_worker):
    with transaction.atomic():
        message = queue_rendered_mail(
            to="nominee@example.org", subject="Hello from the outbox", body_text="Body text."
        )

    wait_for(
        lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT,
        message=f"not relayed; worker log:\n{celery_worker.log()}",
    )
    sent = celery_worker.sent_mail()
    assert len(sent) == 1
    assert f"Message-ID: {message.message_id}" in sent[0]
    assert "Subject: Hello from the outbox" in sent[0]
