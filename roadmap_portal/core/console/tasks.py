"""The console's periodic housekeeping (loaded through ``CELERY_IMPORTS``)."""

import logging

from celery import shared_task

from . import imports

logger = logging.getLogger(__name__)


@shared_task(name="console.purge_expired_imports", acks_late=True)
def purge_expired_imports():
    """Periodic: remove CSV uploads that waited longer than their token lives; idempotent."""
    purged = imports.purge_expired_uploads()
    if purged:
        logger.info("purged %s expired console uploads", purged)
    return purged
