"""Thin Celery wrappers around the training services."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="training.issue_due_certificates", acks_late=True)
def issue_due_certificates():
    """Periodic: issue the certificates of cohorts that ended recently; safe to run twice.

    Attendance of a last session is often saved before that session is over, when the
    cohort has not ended yet; this sweep issues those certificates once it has.
    """
    issued = services.evaluate_ended_cohorts()
    if issued:
        logger.info("training: %s certificates issued", issued)
    return issued
