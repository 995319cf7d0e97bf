"""The webinar series MySDG Academy runs with ASEC: series, webinars, recordings, attendance.

Each webinar carries an ``Activity`` (its times, zone, capacity and status) so the one
registration engine decides who takes part. The SDGs are a small table seeded by a data
migration rather than a JSON list: a many-to-many join filters and indexes the same way on
SQLite and PostgreSQL, whereas JSON containment lookups are not available on SQLite and
``ArrayField`` is PostgreSQL-only.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap_portal.registrations.models import Activity


class Language(models.TextChoices):
    """The languages of the region a webinar may be held in."""

    ENGLISH = "en", _("English")
    INDONESIAN = "id", _("Indonesian")
    THAI = "th", _("Thai")
    MALAY = "ms", _("Malay")
    VIETNAMESE = "vi", _("Vietnamese")
    FILIPINO = "fil", _("Filipino")
    KHMER = "km", _("Khmer")
    LAO = "lo", _("Lao")
    BURMESE = "my", _("Burmese")
    CHINESE = "zh", _("Chinese")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")


class Platform(models.TextChoices):
    ZOOM = "zoom", _("Zoom")
    GOOGLE_MEET = "google_meet", _("Google Meet")
    TEAMS = "teams", _("Microsoft Teams")
    OTHER = "other", _("Other platform")


class Sdg(models.Model):
    """One of the 17 goals; rows come from the data migration and never change."""

    number = models.PositiveSmallIntegerField(
        _("number"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(17)],
    )
    title = models.CharField(_("title"), max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=17), name="webinars_sdg_number_1_17"
            ),
        ]

    def __str__(self):
        return f"SDG {self.number}: {self.title}"


class Series(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    organiser = models.ForeignKey(
        "taskforce.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="webinar_series_organised",
    )
    partners = models.ManyToManyField(
        "taskforce.Organisation",
        verbose_name=_("partner organisations"),
        related_name="webinar_series_partnered",
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("webinar series")
        verbose_name_plural = _("webinar series")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('webinars:webinar_list')}?series={self.slug}"


class WebinarQuerySet(models.QuerySet):
    def for_pages(self):
        """What a list or a feed shows of each webinar, at a fixed number of queries."""
        return self.select_related("activity", "series").prefetch_related(
            "sdgs",
            models.Prefetch(
                "speaker_slots",
                queryset=WebinarSpeaker.objects.select_related("person").order_by("position", "id"),
            ),
        )

    def held(self):
        from roadmap_portal.registrations.models import ActivityStatus

        return self.filter(activity__status=ActivityStatus.HELD)


class Webinar(models.Model):
    activity = models.OneToOneField(
        Activity, on_delete=models.PROTECT, related_name="webinar", verbose_name=_("activity")
    )
    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="webinars"
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    abstract = models.TextField(_("abstract"), blank=True)
    speakers = models.ManyToManyField(
        "taskforce.Person",
        verbose_name=_("speakers"),
        through="WebinarSpeaker",
        related_name="webinars_spoken",
        blank=True,
    )
    sdgs = models.ManyToManyField(
        Sdg, verbose_name=_("SDGs addressed"), related_name="webinars", blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    platform = models.CharField(
        _("platform"), max_length=20, choices=Platform.choices, default=Platform.ZOOM
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Private: shown only to confirmed registrants and the secretariat."),
    )
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    recording_published_at = models.DateTimeField(
        _("recording published at"), null=True, blank=True
    )
    sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        help_text=_("Raised on every change calendars must pick up (RFC 5545 SEQUENCE)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = WebinarQuerySet.as_manager()

    class Meta:
        ordering = ["activity__starts_at", "id"]
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")
        constraints = [
            models.CheckConstraint(
                condition=Q(recording_published_at__isnull=True) | ~Q(recording_url=""),
                name="webinars_published_recording_has_link",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("webinars:webinar_detail", kwargs={"slug": self.slug})

    @property
    def duration_minutes(self) -> int | None:
        activity = self.activity
        if activity.starts_at is None or activity.ends_at is None:
            return None
        return int((activity.ends_at - activity.starts_at).total_seconds() // 60)

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_url and self.recording_published_at)

    @property
    def public_speakers(self) -> list:
        """Speakers who consented to be named publicly, in their order (prefetched)."""
        return [slot.person for slot in self.speaker_slots.all() if slot.person.listed_publicly]

    @property
    def unlisted_speaker_count(self) -> int:
        return sum(1 for slot in self.speaker_slots.all() if not slot.person.listed_publicly)


class WebinarSpeaker(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="speaker_slots")
    person = models.ForeignKey(
        "taskforce.Person", on_delete=models.PROTECT, related_name="webinar_speaker_slots"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["webinar", "position", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(fields=["webinar", "person"], name="webinars_speaker_once"),
        ]

    def __str__(self):
        return f"{self.person} at {self.webinar}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    EXPIRED = "expired", _("Expired")


class AttendanceImport(models.Model):
    """An uploaded attendance export, kept under a token until staff confirm it or it expires.

    Nothing reaches ``WebinarAttendance`` before confirmation; the file lives in private
    storage (never served) and is removed on confirmation or by the periodic purge.
    """

    webinar = models.ForeignKey(
        Webinar, verbose_name=_("webinar"), on_delete=models.CASCADE, related_name="imports"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        related_name="attendance_imports",
        null=True,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored as"), max_length=255, blank=True, editable=False)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    keep_unmatched = models.BooleanField(_("kept attendees who had not registered"), default=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        related_name="attendance_imports_confirmed",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        indexes = [
            models.Index(fields=["status", "expires_at"], name="webinars_import_expiry"),
        ]

    def __str__(self):
        return f"{self.original_name} for {self.webinar}"


class WebinarAttendance(models.Model):
    """One attendee of a held webinar as the meeting platform reported them.

    One row per e-mail address per webinar: rows of the same address in an export (someone
    who rejoined) are merged by adding their minutes.
    """

    webinar = models.ForeignKey(
        Webinar, verbose_name=_("webinar"), on_delete=models.CASCADE, related_name="attendance"
    )
    registration = models.ForeignKey(
        "registrations.Registration",
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        related_name="webinar_attendance",
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        "taskforce.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        related_name="webinar_attendance",
        null=True,
        blank=True,
    )
    email = models.EmailField(_("e-mail"), help_text=_("Stored case-folded."))
    name = models.CharField(_("name as imported"), max_length=250, blank=True)
    minutes = models.PositiveIntegerField(_("minutes attended"))
    attended = models.BooleanField(
        _("counts as attended"), help_text=_("Stayed at least the attendance threshold.")
    )
    source_import = models.ForeignKey(
        AttendanceImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        related_name="attendance",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["webinar", "-minutes", "email"]
        verbose_name = _("webinar attendance")
        verbose_name_plural = _("webinar attendance")
        constraints = [
            models.UniqueConstraint(fields=["webinar", "email"], name="webinars_attendance_once"),
        ]
        indexes = [models.Index(fields=["attended", "email"], name="webinars_attended_email")]

    def __str__(self):
        return f"{self.email} at {self.webinar} ({self.minutes} min)"
