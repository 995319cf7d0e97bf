"""The ASEAN SSE for SDGs Training Course: course, modules, cohorts, sessions, certificates.

A cohort is an ``Activity`` of kind "training_cohort": its dates, time zone, capacity,
nomination window (``registration_opens_at`` to ``registration_closes_at``, the nomination
deadline), seats per organisation and approval live there, so the one registration engine
decides nominations like every other registration.
"""

import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap_portal.registrations.models import Activity, ActivityStatus, Mode

# 20 random bytes (160 bits) in URL-safe base64: always 27 characters, no padding.
CERTIFICATE_CODE_BYTES = 20
CERTIFICATE_CODE_PATTERN = r"^[A-Za-z0-9_-]{27}$"
_CERTIFICATE_CODE_RE = re.compile(CERTIFICATE_CODE_PATTERN)


def new_certificate_code() -> str:
    return secrets.token_urlsafe(CERTIFICATE_CODE_BYTES)


def is_well_formed_certificate_code(code: str) -> bool:
    """Whether ``code`` could be a certificate code at all; checked before any query."""
    return bool(_CERTIFICATE_CODE_RE.fullmatch(code or ""))


class Course(models.Model):
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField(
        "taskforce.Organisation",
        verbose_name=_("organised by"),
        related_name="training_courses_organised",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[organisers])

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.title


class Module(models.Model):
    """One part of a course, in the order the course teaches it."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "position"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"], name="training_module_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="training_module_position_positive"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class DeliveryMode(models.TextChoices):
    ONSITE = "onsite", _("Onsite")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (onsite and online)")


def delivery_mode_flags(delivery_mode: str) -> tuple[bool, bool]:
    """``(allows_onsite, allows_online)`` of the cohort's ``Activity`` for a delivery mode."""
    return (
        delivery_mode in (DeliveryMode.ONSITE, DeliveryMode.HYBRID),
        delivery_mode in (DeliveryMode.ONLINE, DeliveryMode.HYBRID),
    )


class CohortQuerySet(models.QuerySet):
    def with_activity(self):
        return self.select_related("activity", "activity__country", "course")

    def upcoming(self, now=None):
        """Cohorts not cancelled that have not ended yet (or have no dates yet)."""
        now = now or timezone.now()
        return self.exclude(activity__status=ActivityStatus.CANCELLED).filter(
            Q(activity__ends_at__gt=now) | Q(activity__ends_at__isnull=True)
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.exclude(activity__status=ActivityStatus.CANCELLED).filter(
            activity__ends_at__lte=now
        )

    def open_for_nomination(self, now=None):
        now = now or timezone.now()
        return self.exclude(
            activity__status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD]
        ).filter(
            Q(activity__registration_closes_at__isnull=True)
            | Q(activity__registration_closes_at__gt=now),
            activity__registration_opens_at__lte=now,
        )


class Cohort(models.Model):
    """One run of a course for a group of nominees, with its sessions."""

    activity = models.OneToOneField(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="training_cohort",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(
        _("place"),
        max_length=250,
        blank=True,
        help_text=_("Venue and city for onsite sessions, e.g. “Bina Swadaya, Jakarta”."),
    )
    eligible_countries = models.ManyToManyField(
        "taskforce.Country",
        verbose_name=_("eligible countries"),
        related_name="training_cohorts",
        blank=True,
        help_text=_(
            "Only organisations from these countries may nominate people. "
            "Leave empty to open the cohort to organisations from every country."
        ),
    )
    completion_threshold_percent = models.PositiveSmallIntegerField(
        _("completion threshold (percentage of sessions)"),
        default=80,
        help_text=_("A participant completes the course by attending at least this share."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[eligible_countries])
    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["activity__starts_at", "id"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_threshold_percent__gte=1)
                & Q(completion_threshold_percent__lte=100),
                name="training_cohort_threshold_is_a_percentage",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:cohort_detail", kwargs={"slug": self.slug})

    @property
    def delivery_mode(self) -> str:
        if self.activity.allows_onsite and self.activity.allows_online:
            return DeliveryMode.HYBRID
        return DeliveryMode.ONSITE if self.activity.allows_onsite else DeliveryMode.ONLINE

    def get_delivery_mode_display(self) -> str:
        return DeliveryMode(self.delivery_mode).label

    @property
    def modes(self) -> list[str]:
        """The registration modes a nominee can take: onsite, online or both."""
        return [mode for mode in Mode if self.activity.allows_mode(mode)]

    @property
    def nominations_open_at(self):
        return self.activity.registration_opens_at

    @property
    def nomination_deadline(self):
        return self.activity.registration_closes_at


class CohortSession(models.Model):
    """A session of a cohort, teaching one module; attendance is taken per session."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="sessions"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(
        _("title"), max_length=250, blank=True, help_text=_("Empty: the module's title.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["cohort", "starts_at", "id"]
        verbose_name = _("cohort session")
        verbose_name_plural = _("cohort sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="training_session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "ends_at"], name="training_session_cohort_end")]

    def __str__(self):
        return self.display_title

    def get_attendance_url(self):
        return reverse("training:session_attendance", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or self.module.title


class SessionAttendance(models.Model):
    """Whether one participant was present at one session, as the secretariat recorded it."""

    session = models.ForeignKey(
        CohortSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    registration = models.ForeignKey(
        "registrations.Registration",
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        related_name="training_attendances_recorded",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "registration"]
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"], name="training_attendance_once_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.registration.person} at {self.session}: {self.present}"


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)

    def with_holder(self):
        return self.select_related(
            "registration__person",
            "registration__organisation",
            "registration__activity__training_cohort__course",
        )


class Certificate(models.Model):
    """Proof that a participant completed a cohort: one per completed registration.

    Issued only by ``services.issue_certificate_if_complete``; the code is random (160 bits),
    printed on the certificate and checked at ``/training/certificates/<code>/``.
    """

    registration = models.OneToOneField(
        "registrations.Registration",
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="training_certificate",
    )
    code = models.CharField(_("code"), max_length=40, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        related_name="training_certificates_revoked",
        null=True,
        blank=True,
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CERTIFICATE_CODE_PATTERN),
                name="training_certificate_code_format",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoke_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="training_certificate_revoked_with_reason",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("training:certificate_verify", kwargs={"code": self.code})

    def get_pdf_url(self):
        return reverse("training:certificate_pdf", kwargs={"code": self.code})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
