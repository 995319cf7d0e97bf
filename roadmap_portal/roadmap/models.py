"""Issued reports: dated snapshots kept in private storage, and the jobs that make large ones."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core.reports import Audience


def snapshot_path(snapshot: "ReportSnapshot", filename: str) -> str:
    """reports/<kind>/<subject>/<date>-<audience>-<id>.pdf in the private default storage."""
    day = snapshot.created_at.date().isoformat()
    return (
        f"reports/{snapshot.kind}/{snapshot.subject_slug}/"
        f"{day}-{snapshot.audience}-{snapshot.id.hex[:12]}.pdf"
    )


class ReportSnapshot(models.Model):
    """One issued report, stored as printed: it is found again unchanged, never re-rendered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=40)
    subject_slug = models.CharField(_("subject"), max_length=100)
    subject_title = models.CharField(_("title"), max_length=250)
    audience = models.CharField(_("version"), max_length=10, choices=Audience.choices)
    file = models.FileField(_("file"), upload_to=snapshot_path, max_length=300)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        related_name="report_snapshots",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        indexes = [
            models.Index(
                fields=["kind", "subject_slug", "-created_at"], name="roadmap_snapshot_subject"
            ),
        ]

    def __str__(self):
        return f"{self.subject_title} ({self.get_audience_display()}, {self.created_at:%Y-%m-%d})"


class ReportJobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    GATHERING = "gathering", _("Gathering rows")
    RENDERING = "rendering", _("Rendering")
    STORED = "stored", _("Stored")
    FAILED = "failed", _("Failed")


RUNNING_STATES = (ReportJobState.GATHERING, ReportJobState.RENDERING)
UNFINISHED_STATES = (ReportJobState.QUEUED, *RUNNING_STATES)


class ReportJobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=UNFINISHED_STATES)

    def for_subject(self, kind: str, subject_slug: str):
        return self.filter(kind=kind, subject_slug=subject_slug)


class ReportJob(models.Model):
    """A large report made on the ``reports`` queue, with honest progress for the page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=40)
    subject_slug = models.CharField(_("subject"), max_length=100)
    subject_title = models.CharField(_("title"), max_length=250)
    audience = models.CharField(_("version"), max_length=10, choices=Audience.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportJobState.choices, default=ReportJobState.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows gathered"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to gather"), default=0)
    error = models.TextField(_("reason for the failure"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        related_name="report_jobs",
        null=True,
        blank=True,
    )
    snapshot = models.OneToOneField(
        ReportSnapshot,
        verbose_name=_("snapshot"),
        on_delete=models.PROTECT,
        related_name="job",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        default=timezone.now,
        help_text=_("Moved on at every step; a job silent for too long has lost its worker."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="roadmap_reportjob_state"),
            models.Index(
                fields=["kind", "subject_slug", "-created_at"], name="roadmap_reportjob_subject"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="stored") | Q(snapshot__isnull=False),
                name="roadmap_reportjob_stored_has_snapshot",
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(error=""),
                name="roadmap_reportjob_failed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")),
                name="roadmap_reportjob_rows_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.subject_title} ({self.get_state_display()})"

    @property
    def is_finished(self):
        return self.state in (ReportJobState.STORED, ReportJobState.FAILED)

    @property
    def percent(self):
        if self.state == ReportJobState.STORED:
            return 100
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
