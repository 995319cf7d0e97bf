from celery import shared_task

from . import services


@shared_task(name="registrations.sync_statuses", acks_late=True)
def sync_statuses():
    """Periodic: move activities to the status their dates give (open, closed, held)."""
    return services.sync_activity_statuses()
