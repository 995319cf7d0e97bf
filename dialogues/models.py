"""Convenings: the annual Policy Dialogue and the forums, summits and workshops around it."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap_portal.registrations.models import Activity, ActivityKind


class ConveningKind(models.TextChoices):
    POLICY_DIALOGUE = ActivityKind.POLICY_DIALOGUE.value, ActivityKind.POLICY_DIALOGUE.label
    FORUM = ActivityKind.FORUM.value, ActivityKind.FORUM.label
    SUMMIT = ActivityKind.SUMMIT.value, ActivityKind.SUMMIT.label
    WORKSHOP = ActivityKind.WORKSHOP.value, ActivityKind.WORKSHOP.label


class ConveningQuerySet(models.QuerySet):
    def policy_dialogues(self):
        return self.filter(kind=ConveningKind.POLICY_DIALOGUE)

    def with_activity(self):
        return self.select_related("activity", "host_country")


class Convening(models.Model):
    activity = models.OneToOneField(
        Activity, on_delete=models.PROTECT, related_name="convening", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ConveningKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    subtitle = models.CharField(_("subtitle"), max_length=250, blank=True)
    host_country = models.ForeignKey(
        "taskforce.Country",
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        related_name="convenings_hosted",
        null=True,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    organised_by = models.ManyToManyField(
        "taskforce.Organisation",
        verbose_name=_("organised by"),
        related_name="convenings_organised",
        blank=True,
    )
    report_prepared_by = models.ManyToManyField(
        "taskforce.Organisation",
        verbose_name=_("report prepared by"),
        related_name="convening_reports_prepared",
        blank=True,
    )
    background = models.TextField(_("background"), blank=True)
    outcomes = models.TextField(
        _("outcomes"), blank=True, help_text=_("The outcomes or submission, as paragraphs.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ConveningQuerySet.as_manager()

    class Meta:
        ordering = ["year", "activity__starts_at", "title"]
        verbose_name = _("convening")
        verbose_name_plural = _("convenings")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(kind="policy_dialogue"),
                name="dialogues_one_policy_dialogue_per_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="dialogues_convening_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dialogues:convening_detail", kwargs={"slug": self.slug})


class StrategicAction(models.Model):
    """One of the strategic actions a convening's outcome sets out, in its order."""

    convening = models.ForeignKey(
        Convening, on_delete=models.CASCADE, related_name="strategic_actions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["convening", "position"]
        verbose_name = _("strategic action")
        verbose_name_plural = _("strategic actions")
        constraints = [
            models.UniqueConstraint(
                fields=["convening", "position"], name="dialogues_action_position_unique"
            ),
        ]

    def __str__(self):
        return self.title


class AgendaSession(models.Model):
    convening = models.ForeignKey(
        Convening, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("convening")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    moderators = models.ManyToManyField(
        "taskforce.Person",
        verbose_name=_("moderators"),
        related_name="sessions_moderated",
        blank=True,
    )
    speakers = models.ManyToManyField(
        "taskforce.Person", verbose_name=_("speakers"), related_name="sessions_spoken", blank=True
    )

    history = HistoricalRecords(m2m_fields=[moderators, speakers])

    class Meta:
        ordering = ["convening", "position", "starts_at"]
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gte=models.F("starts_at")),
                name="dialogues_session_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title
