import pytest
from django.core import mail as django_mail

from roadmap_portal.core.mail import queue_rendered_mail
from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from roadmap_portal.core.tasks import relay_outbox, sweep_outbox

pytestmark = pytest.mark.django_db


def queue():
    return queue_rendered_mail(to="carlo@example.org", subject="Hello", body_text="Hello.")


def test_relay_outbox_sends_the_given_rows_only():
    wanted, other = queue(), queue()

    sent = relay_outbox(message_ids=[wanted.pk])

    assert sent == 1
    assert OutboxMessage.objects.get(pk=other.pk).status == OutboxStatus.PENDING


def test_relay_outbox_with_a_row_that_is_gone_sends_nothing():
    assert relay_outbox(message_ids=[987654]) == 0
    assert django_mail.outbox == []


def test_sweep_outbox_sends_every_due_row():
    queue(), queue()

    assert sweep_outbox() == 2
    assert sweep_outbox() == 0
