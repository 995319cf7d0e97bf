from celery import shared_task

from . import mail


@shared_task(name="outbox.relay", acks_late=True)
def relay_outbox(*, message_ids=None):
    """Send the given outbox rows (or every due one); safe to run twice."""
    return mail.relay(message_ids=message_ids)


@shared_task(name="outbox.sweep", acks_late=True)
def sweep_outbox():
    """Periodic: send whatever the after-commit kicks missed (broker down, worker killed)."""
    return mail.relay()
