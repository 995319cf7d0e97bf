from celery import shared_task

from . import services


@shared_task(name="registrations.sync_statuses", acks_late=True)
def sync_statuses():
    """Periodic: move activities to the status their dates give (open, closed, held)."""
    return services.sync_activity_statuses()


@shared_task(name="reminders.scan", acks_late=True)
def scan_reminders():
    """Periodic (every five minutes): queue every reminder and nudge that is due; safe to run
    twice and at the same time (the ledger's claims and unique constraint keep it once)."""
    from . import reminders

    return reminders.scan().as_dict()
