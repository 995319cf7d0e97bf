"""Thin Celery wrappers around the report services; routed to the ``reports`` queue."""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(
    name="reports.render",
    acks_late=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_HARD_TIME_LIMIT,
)
def render_report_job(*, job_id):
    """Make a queued report; any failure marks the job failed with its reason."""
    from .models import ReportJob
    from .report_services import run_report_job

    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("reports.render: job %s is gone", job_id)
        return None
    return run_report_job(job=job).state


@shared_task(name="reports.fail_stale")
def fail_stale_report_jobs():
    """Periodic: mark failed the jobs whose worker died or that no worker ever took."""
    from .report_services import fail_stale_jobs

    return fail_stale_jobs()
