from celery import shared_task

from . import privacy


@shared_task(name="accounts.apply_retention")
def apply_retention():
    """Periodic: delete what the retention rules of docs/SECURITY.md no longer allow."""
    return privacy.apply_retention()
