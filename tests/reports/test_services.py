"""Issuing reports: snapshots in private storage, jobs and their states, the stale sweep."""

import datetime as dt
import hashlib
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from roadmap_portal.core import reports
from roadmap_portal.roadmap import report_services
from roadmap_portal.roadmap.models import ReportJob, ReportJobState, ReportSnapshot
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def _job(tiny, *, slug="one", state=ReportJobState.QUEUED, **fields):
    return ReportJob.objects.create(
        kind=tiny.key,
        subject_slug=slug,
        subject_title=f"Tiny report {slug}",
        audience=reports.Audience.STAFF,
        state=state,
        **fields,
    )


def test_issue_report_stores_a_dated_snapshot_found_again_unchanged(tiny_report):
    user = staff_user()

    snapshot = report_services.issue_report(
        kind_key="tiny", subject_slug="one", audience="public", by=user
    )

    content = report_services.read_snapshot(snapshot=snapshot)
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == snapshot.sha256
    assert snapshot.size == len(content)
    assert snapshot.pages == 2  # the cover and the (empty) body of the bare frame
    assert snapshot.rows == 3
    assert snapshot.created_by == user
    day = snapshot.created_at.date().isoformat()
    assert snapshot.file.name.startswith(f"reports/tiny/one/{day}-public-")


def test_read_snapshot_refuses_a_file_that_changed(tiny_report):
    snapshot = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    with snapshot.file.storage.open(snapshot.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 not the issued report")

    with pytest.raises(report_services.SnapshotDamaged):
        report_services.read_snapshot(snapshot=snapshot)


def test_snapshots_of_one_report_are_kept_side_by_side(tiny_report):
    first = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    second = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")

    assert first.file.name != second.file.name
    assert report_services.read_snapshot(snapshot=first).startswith(b"%PDF-")
    assert ReportSnapshot.objects.filter(kind="tiny", subject_slug="one").count() == 2


def test_request_report_issues_a_small_report_at_once(tiny_report, settings):
    settings.REPORT_ASYNC_ROW_THRESHOLD = 3

    issued = report_services.request_report(kind_key="tiny", subject_slug="one", audience="staff")

    assert isinstance(issued, ReportSnapshot)
    assert ReportJob.objects.count() == 0


def test_request_report_runs_a_large_report_as_a_job(
    tiny_report, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_ASYNC_ROW_THRESHOLD = 2

    with django_capture_on_commit_callbacks(execute=True):
        issued = report_services.request_report(
            kind_key="tiny", subject_slug="one", audience="staff"
        )

    assert isinstance(issued, ReportJob)
    issued.refresh_from_db()
    assert issued.state == ReportJobState.STORED
    assert (issued.rows_done, issued.rows_total) == (3, 3)
    assert report_services.read_snapshot(snapshot=issued.snapshot).startswith(b"%PDF-")


def test_request_report_with_an_unknown_kind_or_subject_says_so(tiny_report):
    with pytest.raises(reports.UnknownReport, match="no report called “nope”"):
        report_services.request_report(kind_key="nope", subject_slug="one", audience="staff")
    with pytest.raises(reports.SubjectNotFound, match="“missing”"):
        report_services.request_report(kind_key="tiny", subject_slug="missing", audience="staff")
    with pytest.raises(reports.ReportError, match="not a version"):
        report_services.request_report(kind_key="tiny", subject_slug="one", audience="press")
    assert ReportSnapshot.objects.count() == 0


def test_publishing_to_an_unreachable_queue_fails_the_job_with_its_reason(
    tiny_report, django_capture_on_commit_callbacks
):
    from roadmap_portal.roadmap import tasks

    kind = reports.get_kind("tiny")
    with (
        mock.patch.object(tasks.render_report_job, "delay", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = report_services.start_report_job(
            kind=kind, subject=kind.find("one"), audience="staff"
        )

    job.refresh_from_db()
    assert job.state == ReportJobState.FAILED
    assert job.error == "The report queue could not be reached (ConnectionError). Try again later."


def test_run_report_job_moves_through_every_state_with_progress(tiny_report):
    job = _job(tiny_report)
    seen = []
    tiny_report.during_gather.append(
        lambda done: seen.append(
            ReportJob.objects.values_list("state", "rows_done", "rows_total").get(pk=job.pk)
        )
    )

    job = report_services.run_report_job(job=job)

    # While row n is being gathered, n - 1 are through.
    assert seen == [("gathering", 0, 3), ("gathering", 1, 3), ("gathering", 2, 3)]
    assert job.state == ReportJobState.STORED
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert job.snapshot.rows == 3
    assert job.started_at <= job.finished_at


def test_run_report_job_marks_any_failure_with_its_reason(tiny_report):
    tiny_report.failure = RuntimeError("the selector broke")
    job = _job(tiny_report)

    job = report_services.run_report_job(job=job)

    assert job.state == ReportJobState.FAILED
    assert job.error == "RuntimeError: the selector broke"
    assert job.finished_at is not None
    assert ReportSnapshot.objects.count() == 0


def test_run_report_job_stopped_by_the_soft_time_limit_is_failed(tiny_report, settings):
    settings.REPORT_SOFT_TIME_LIMIT = 120
    tiny_report.failure = SoftTimeLimitExceeded()
    job = _job(tiny_report)

    job = report_services.run_report_job(job=job)

    assert job.state == ReportJobState.FAILED
    assert job.error == "The report took longer than 120 seconds and was stopped."


def test_run_report_job_whose_subject_is_gone_fails(tiny_report):
    job = _job(tiny_report, slug="missing")

    job = report_services.run_report_job(job=job)

    assert job.state == ReportJobState.FAILED
    assert "missing" in job.error


def test_run_report_job_found_running_lost_its_worker_and_is_not_retried(tiny_report):
    job = _job(tiny_report, state=ReportJobState.GATHERING, rows_done=1, rows_total=3)

    job = report_services.run_report_job(job=job)

    assert job.state == ReportJobState.FAILED
    assert job.error == "The worker died while making this report (an earlier attempt)."
    assert ReportSnapshot.objects.count() == 0


def test_run_report_job_leaves_a_finished_job_as_it_is(tiny_report):
    job = _job(tiny_report, state=ReportJobState.FAILED, error="earlier reason")

    job = report_services.run_report_job(job=job)

    assert (job.state, job.error) == (ReportJobState.FAILED, "earlier reason")


def test_a_job_given_up_on_while_running_stays_failed_and_stores_nothing(tiny_report):
    job = _job(tiny_report)
    tiny_report.during_gather.append(
        lambda done: done == 2 and report_services.fail_job(job_id=job.pk, reason="swept as dead")
    )

    job = report_services.run_report_job(job=job)

    assert (job.state, job.error) == (ReportJobState.FAILED, "swept as dead")
    assert ReportSnapshot.objects.count() == 0


def test_fail_stale_jobs_fails_silent_running_jobs_and_old_queued_ones(tiny_report, settings):
    settings.REPORT_HARD_TIME_LIMIT = 300
    settings.REPORT_QUEUE_TIMEOUT = 3600
    now = timezone.now()
    silent = _job(
        tiny_report, state=ReportJobState.RENDERING, heartbeat_at=now - dt.timedelta(seconds=301)
    )
    alive = _job(
        tiny_report, state=ReportJobState.GATHERING, heartbeat_at=now - dt.timedelta(seconds=30)
    )
    stuck = _job(tiny_report, heartbeat_at=now - dt.timedelta(hours=2))
    waiting = _job(tiny_report, heartbeat_at=now - dt.timedelta(minutes=5))
    done = _job(
        tiny_report,
        state=ReportJobState.FAILED,
        error="old",
        heartbeat_at=now - dt.timedelta(days=3),
    )

    failed = report_services.fail_stale_jobs(now=now)

    states = dict(ReportJob.objects.values_list("pk", "state"))
    assert failed == 2
    assert states == {
        silent.pk: "failed",
        alive.pk: "gathering",
        stuck.pk: "failed",
        waiting.pk: "queued",
        done.pk: "failed",
    }
    silent.refresh_from_db()
    stuck.refresh_from_db()
    assert silent.error == "The worker died: no sign of life for more than 300 seconds."
    assert stuck.error == "No worker took the job within 60 minutes."


def test_store_snapshot_for_a_job_no_longer_rendering_keeps_no_file(tiny_report, settings):
    kind = reports.get_kind("tiny")
    rendered = reports.render(kind, kind.find("one"), audience="staff")
    job = _job(tiny_report, state=ReportJobState.FAILED, error="swept as dead")

    with pytest.raises(report_services.JobAbandoned):
        report_services.store_snapshot(rendered=rendered, job=job)

    folder = settings.MEDIA_ROOT / "reports" / "tiny" / "one"
    assert ReportSnapshot.objects.count() == 0
    assert list(folder.iterdir()) == []
