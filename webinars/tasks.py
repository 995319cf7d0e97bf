import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="webinars.purge_expired_imports", acks_late=True)
def purge_expired_imports():
    """Periodic: remove attendance uploads nobody confirmed before they expired."""
    purged = services.purge_expired_imports()
    if purged:
        logger.info("purged %s expired attendance uploads", purged)
    return purged
