"""The reports.render and reports.fail_stale tasks: thin wrappers, routed to the reports queue."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from roadmap_portal.celery import app
from roadmap_portal.roadmap import tasks
from roadmap_portal.roadmap.models import ReportJob, ReportJobState

pytestmark = pytest.mark.django_db


def test_render_task_makes_the_job_report(tiny_report):
    job = ReportJob.objects.create(
        kind="tiny", subject_slug="one", subject_title="Tiny report one", audience="staff"
    )

    state = tasks.render_report_job(job_id=str(job.pk))

    job.refresh_from_db()
    assert state == ReportJobState.STORED
    assert job.snapshot is not None


def test_render_task_with_a_job_that_is_gone_does_nothing():
    assert tasks.render_report_job(job_id=str(uuid.uuid4())) is None


def test_render_task_goes_to_the_reports_queue_with_time_limits():
    route = app.amqp.router.route({}, "reports.render", args=(), kwargs={})

    assert route["queue"].name == "reports"
    assert tasks.render_report_job.name == "reports.render"
    assert tasks.render_report_job.soft_time_limit == settings.REPORT_SOFT_TIME_LIMIT
    assert tasks.render_report_job.time_limit == settings.REPORT_HARD_TIME_LIMIT
    assert settings.REPORT_SOFT_TIME_LIMIT < settings.REPORT_HARD_TIME_LIMIT


def test_fail_stale_task_is_scheduled_and_fails_dead_jobs(tiny_report):
    job = ReportJob.objects.create(
        kind="tiny",
        subject_slug="one",
        subject_title="Tiny report one",
        audience="staff",
        state=ReportJobState.RENDERING,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=settings.REPORT_HARD_TIME_LIMIT + 1),
    )

    failed = tasks.fail_stale_report_jobs()

    job.refresh_from_db()
    assert failed == 1
    assert job.state == ReportJobState.FAILED
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.fail_stale" in schedule
