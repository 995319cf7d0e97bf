"""A worker killed while it renders a report: the job is marked failed, never left running."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from roadmap_portal.core import reports
from roadmap_portal.roadmap.models import ReportJob
from roadmap_portal.roadmap.report_services import fail_stale_jobs, start_report_job
from tests.worker import publishing_to, start_worker, wait_for

pytestmark = pytest.mark.services


def test_a_job_whose_worker_died_while_rendering_is_failed_by_the_sweep(
    transactional_db, require_postgres, redis_url, tmp_path
):
    kind = reports.get_kind("dialogue")
    subject = reports.find_subject(kind, "policy-dialogue-2026")
    worker = start_worker(tmp_path, redis_url, extra_env={"ROADMAP_FAULT": "reports.during_render"})

    with publishing_to(worker, redis_url):
        with transaction.atomic():
            job = start_report_job(kind=kind, subject=subject, audience="public")
        wait_for(
            lambda: worker.process.poll() is not None,
            timeout=60,
            message=f"the worker did not reach the crash point; log:\n{worker.log()}",
        )
    stuck = ReportJob.objects.get(pk=job.pk).state
    silent_too_long = timezone.now() + dt.timedelta(seconds=settings.REPORT_HARD_TIME_LIMIT + 1)

    failed = fail_stale_jobs(now=silent_too_long)

    job.refresh_from_db()
    assert stuck == "rendering"
    assert (failed, job.state) == (1, "failed")
    assert job.error.startswith("The worker died")
