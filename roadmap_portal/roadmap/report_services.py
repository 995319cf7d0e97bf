"""Issuing reports: small ones at once, large ones as jobs on the ``reports`` queue.

Every issued report is stored as a dated snapshot in the private default storage and found
again unchanged (its SHA-256 is checked when it is read). A job moves queued -> gathering ->
rendering -> stored, or to failed with its reason; each move is a conditional UPDATE, so a job
the stale sweep has given up on cannot be brought back by a late worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from roadmap_portal.core import reports
from roadmap_portal.core.faults import fault_point

from .models import (
    RUNNING_STATES,
    ReportJob,
    ReportJobState,
    ReportSnapshot,
)

logger = logging.getLogger(__name__)


class SnapshotDamaged(Exception):
    """The stored file no longer matches the checksum taken when it was issued."""


class JobAbandoned(Exception):
    """The job was marked failed (e.g. by the stale sweep) while this worker was on it."""


def row_threshold() -> int:
    return settings.REPORT_ASYNC_ROW_THRESHOLD


# --- snapshots ----------------------------------------------------------------------------


@transaction.atomic
def store_snapshot(
    *, rendered: reports.RenderedReport, by=None, job: ReportJob | None = None
) -> ReportSnapshot:
    """Write the PDF to private storage and record it; with ``job``, mark the job stored.

    The job is only marked stored if it is still rendering; otherwise (the sweep gave up on
    it meanwhile) the file is removed again and ``JobAbandoned`` is raised.
    """
    gathered = rendered.gathered
    snapshot = ReportSnapshot(
        kind=gathered.kind.key,
        subject_slug=gathered.subject.slug,
        subject_title=gathered.subject.title[:250],
        audience=gathered.audience,
        size=len(rendered.pdf),
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        pages=rendered.pages,
        rows=gathered.rows,
        created_by=by,
    )
    snapshot.file.save("report.pdf", ContentFile(rendered.pdf), save=False)
    stored_name = snapshot.file.name
    try:
        snapshot.save()
        if job is not None:
            now = timezone.now()
            moved = ReportJob.objects.filter(pk=job.pk, state=ReportJobState.RENDERING).update(
                state=ReportJobState.STORED,
                snapshot=snapshot,
                finished_at=now,
                heartbeat_at=now,
                rows_done=gathered.rows,
                rows_total=gathered.rows,
            )
            if not moved:
                raise JobAbandoned(str(job.pk))
    except BaseException:
        snapshot.file.storage.delete(stored_name)
        raise
    return snapshot


def read_snapshot(*, snapshot: ReportSnapshot) -> bytes:
    """The snapshot's bytes, exactly as issued; ``SnapshotDamaged`` if they changed."""
    with snapshot.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != snapshot.sha256:
        raise SnapshotDamaged(
            gettext("The stored file of “%(title)s” no longer matches its checksum.")
            % {"title": snapshot.subject_title}
        )
    return content


def snapshot_filename(snapshot: ReportSnapshot) -> str:
    return reports.report_filename(
        snapshot.kind,
        snapshot.subject_slug,
        snapshot.audience,
        timezone.localtime(snapshot.created_at).date(),
    )


def issue_report(*, kind_key: str, subject_slug: str, audience: str, by=None) -> ReportSnapshot:
    """Gather, render and store a report now, in this process. Returns its snapshot."""
    kind = reports.get_kind(kind_key)
    subject = reports.find_subject(kind, subject_slug)
    return _issue(kind=kind, subject=subject, audience=audience, by=by)


def _issue(*, kind, subject, audience: str, by) -> ReportSnapshot:
    rendered = reports.render(kind, subject, audience=reports.check_audience(audience))
    return store_snapshot(rendered=rendered, by=by)


# --- requesting: at once or as a job ------------------------------------------------------


def request_report(
    *, kind_key: str, subject_slug: str, audience: str, by=None
) -> ReportSnapshot | ReportJob:
    """Issue a report: at once when it is small, else as a job on the ``reports`` queue.

    Small means at most ``REPORT_ASYNC_ROW_THRESHOLD`` rows (counted with one query). Returns
    the stored snapshot, or the queued job whose page shows its progress.
    """
    kind = reports.get_kind(kind_key)
    subject = reports.find_subject(kind, subject_slug)
    reports.check_audience(audience)
    if kind.count_rows(subject) <= row_threshold():
        return _issue(kind=kind, subject=subject, audience=audience, by=by)
    return start_report_job(kind=kind, subject=subject, audience=audience, by=by)


@transaction.atomic
def start_report_job(*, kind, subject, audience: str, by=None) -> ReportJob:
    """Record a queued job and publish it to the ``reports`` queue once the row is committed."""
    job = ReportJob.objects.create(
        kind=kind.key,
        subject_slug=subject.slug,
        subject_title=subject.title[:250],
        audience=audience,
        requested_by=by,
    )
    transaction.on_commit(lambda: _publish(job.pk))
    return job


def _publish(job_id) -> None:
    from .tasks import render_report_job

    try:
        render_report_job.delay(job_id=str(job_id))
    except Exception as error:  # the broker is down or refuses: say so rather than wait
        logger.exception("reports: could not publish job %s", job_id)
        fail_job(
            job_id=job_id,
            reason=gettext("The report queue could not be reached (%(error)s). Try again later.")
            % {"error": type(error).__name__},
        )


# --- running a job ------------------------------------------------------------------------


def fail_job(*, job_id, reason: str, only_from=None) -> bool:
    """Mark a job failed with ``reason`` unless it already finished; True when it was marked."""
    states = only_from or (ReportJobState.QUEUED, *RUNNING_STATES)
    now = timezone.now()
    return bool(
        ReportJob.objects.filter(pk=job_id, state__in=states).update(
            state=ReportJobState.FAILED,
            error=reason or gettext("Unknown error."),
            finished_at=now,
            heartbeat_at=now,
        )
    )


def _move(job: ReportJob, *, from_states, **fields) -> None:
    fields.setdefault("heartbeat_at", timezone.now())
    if not ReportJob.objects.filter(pk=job.pk, state__in=from_states).update(**fields):
        raise JobAbandoned(str(job.pk))


def run_report_job(*, job: ReportJob) -> ReportJob:
    """Make the job's report: gather (with progress), render, store. Never leaves it running.

    Side effects: updates the job row at each step and every few hundred rows; stores a
    snapshot. Idempotent: a finished job is left as it is. A job found already gathering or
    rendering lost its worker in an earlier attempt (killed, out of memory): it is marked
    failed rather than tried again, so a report that kills workers cannot loop.
    """
    if job.is_finished:
        return job
    if job.state in RUNNING_STATES:
        fail_job(
            job_id=job.pk,
            reason=gettext("The worker died while making this report (an earlier attempt)."),
        )
        job.refresh_from_db()
        return job
    try:
        kind = reports.get_kind(job.kind)
        subject = reports.find_subject(kind, job.subject_slug)
        now = timezone.now()
        _move(
            job, from_states=[ReportJobState.QUEUED], state=ReportJobState.GATHERING, started_at=now
        )

        def progress(done: int, total: int) -> None:
            _move(
                job,
                from_states=[ReportJobState.GATHERING],
                rows_done=min(done, total),
                rows_total=total,
            )

        def on_rendering() -> None:
            _move(job, from_states=[ReportJobState.GATHERING], state=ReportJobState.RENDERING)
            fault_point("reports.during_render")

        rendered = reports.render(
            kind, subject, audience=job.audience, progress=progress, on_rendering=on_rendering
        )
        store_snapshot(rendered=rendered, by=job.requested_by, job=job)
    except JobAbandoned:
        logger.warning("reports: job %s was given up on while it ran", job.pk)
    except SoftTimeLimitExceeded:
        fail_job(
            job_id=job.pk,
            reason=gettext("The report took longer than %(seconds)s seconds and was stopped.")
            % {"seconds": settings.REPORT_SOFT_TIME_LIMIT},
        )
    except Exception as error:  # any failure is the job's reason, never a job left running
        logger.exception("reports: job %s failed", job.pk)
        fail_job(job_id=job.pk, reason=f"{type(error).__name__}: {error}"[:2000])
    job.refresh_from_db()
    return job


def fail_stale_jobs(*, now: dt.datetime | None = None) -> int:
    """Mark failed the jobs whose worker died: running but silent for longer than the hard
    time limit, or queued for longer than ``REPORT_QUEUE_TIMEOUT``. Returns how many."""
    now = now or timezone.now()
    silent_since = now - dt.timedelta(seconds=settings.REPORT_HARD_TIME_LIMIT)
    queued_since = now - dt.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT)
    died = ReportJob.objects.filter(state__in=RUNNING_STATES, heartbeat_at__lt=silent_since).update(
        state=ReportJobState.FAILED,
        error=gettext("The worker died: no sign of life for more than %(seconds)s seconds.")
        % {"seconds": settings.REPORT_HARD_TIME_LIMIT},
        finished_at=now,
    )
    never_started = ReportJob.objects.filter(
        state=ReportJobState.QUEUED, heartbeat_at__lt=queued_since
    ).update(
        state=ReportJobState.FAILED,
        error=gettext("No worker took the job within %(minutes)s minutes.")
        % {"minutes": settings.REPORT_QUEUE_TIMEOUT // 60},
        finished_at=now,
    )
    if died or never_started:
        logger.warning("reports: %s dead and %s never started jobs failed", died, never_started)
    return died + never_started
