"""The participation tables every kind of activity shares: one engine decides them all."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap_portal.accounts.models import validate_time_zone


class ActivityKind(models.TextChoices):
    POLICY_DIALOGUE = "policy_dialogue", _("Policy dialogue")
    FORUM = "forum", _("Forum")
    SUMMIT = "summit", _("Summit")
    WORKSHOP = "workshop", _("Workshop")
    WEBINAR = "webinar", _("Webinar")
    TRAINING_COHORT = "training_cohort", _("Training cohort")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    CLOSED = "closed", _("Registration closed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class DatePrecision(models.TextChoices):
    """How much of ``starts_at`` is known: a summit "in April 2025" has no day yet."""

    DAY = "day", _("Exact dates")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


def _zone(time_zone: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def partial_date_anchor(moment: dt.datetime, precision: str, time_zone: str) -> dt.datetime:
    """Where a month- or year-precision start is stored: noon UTC on the period's first day.

    The local date of ``moment`` gives the month or year; noon UTC on its first day falls in
    that same month and year in UTC and in every time zone of the region, so grouping by year
    or month agrees whichever zone a page or report reads it in.
    """
    local = moment.astimezone(_zone(time_zone))
    month = local.month if precision == DatePrecision.MONTH else 1
    return dt.datetime(local.year, month, 1, 12, tzinfo=dt.UTC)


def period_end(
    *,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    precision: str,
    time_zone: str,
) -> dt.datetime | None:
    """When the known period of an activity is over, in UTC; None while it has no date.

    With exact dates that is the end (or the start); with only the month or the year known,
    the end of that month or year in the activity's own time zone: the summit "in April 2025"
    in Kuala Lumpur is over at midnight on 1 May 2025 there, not earlier.
    """
    finished = ends_at or starts_at
    if finished is None:
        return None
    if precision == DatePrecision.DAY:
        return finished
    zone = _zone(time_zone)
    local = finished.astimezone(zone)
    if precision == DatePrecision.MONTH:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    else:
        year, month = local.year + 1, 1
    return dt.datetime(year, month, 1, tzinfo=zone).astimezone(dt.UTC)


def status_for(
    *,
    status: str,
    period_ends_at: dt.datetime | None,
    registration_opens_at: dt.datetime | None,
    registration_closes_at: dt.datetime | None,
    now: dt.datetime,
) -> str:
    """The status the dates give at ``now``; a cancelled activity stays cancelled."""
    if status == ActivityStatus.CANCELLED:
        return ActivityStatus.CANCELLED
    if period_ends_at is not None and period_ends_at <= now:
        return ActivityStatus.HELD
    if registration_closes_at and registration_closes_at <= now:
        return ActivityStatus.CLOSED
    if registration_opens_at and registration_opens_at <= now:
        return ActivityStatus.OPEN
    return ActivityStatus.PLANNED


class Access(models.TextChoices):
    OPEN = "open", _("Open to members")
    INVITATION = "invitation", _("By invitation only")


class Mode(models.TextChoices):
    ONSITE = "onsite", _("Onsite")
    ONLINE = "online", _("Online")


class ActivityQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Not cancelled, and not over: the known period ends after ``now``, or no date yet."""
        now = now or timezone.now()
        return self.exclude(status=ActivityStatus.CANCELLED).filter(
            Q(period_ends_at__gt=now) | Q(starts_at__isnull=True, status=ActivityStatus.PLANNED)
        )

    def held(self):
        return self.filter(status=ActivityStatus.HELD)

    def with_kind_objects(self):
        """Join each kind's own object (a convening, a webinar, a cohort) in the same query,
        so ``page_url()`` costs nothing however many kinds are installed."""
        return self.select_related(*kind_accessors())


def kind_accessors() -> list[str]:
    """The reverse one-to-one names through which the kinds' apps reach ``Activity``."""
    return [
        relation.get_accessor_name()
        for relation in Activity._meta.related_objects
        if relation.one_to_one
    ]


class Activity(models.Model):
    """What the registration engine needs to know of a dialogue, a webinar or a cohort.

    Each kind's own model holds ``activity = OneToOneField(Activity, on_delete=PROTECT)``.
    Times are stored in UTC; ``time_zone`` is where the activity happens (or is hosted).
    """

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    country = models.ForeignKey(
        "taskforce.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        help_text=_("Where it takes place; empty when online only."),
    )
    onsite_capacity = models.PositiveIntegerField(
        _("onsite seats"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    online_capacity = models.PositiveIntegerField(
        _("online seats"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    allows_onsite = models.BooleanField(_("onsite participation"), default=True)
    allows_online = models.BooleanField(_("online participation"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    access = models.CharField(
        _("access"), max_length=20, choices=Access.choices, default=Access.OPEN
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    seats_per_organisation = models.PositiveIntegerField(
        _("seats per organisation"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    # Derived from the dates on save (see period_end): lets "upcoming" be one indexed filter.
    period_ends_at = models.DateTimeField(_("over at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gte=F("starts_at")),
                name="registrations_activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="registrations_activity_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(allows_onsite=True) | Q(allows_online=True),
                name="registrations_activity_has_a_mode",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "starts_at"], name="registrations_act_kind_start"),
            models.Index(fields=["kind", "period_ends_at"], name="registrations_act_kind_over"),
            models.Index(fields=["status", "starts_at"], name="registrations_act_status_st"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.starts_at is not None and self.date_precision != DatePrecision.DAY:
            self.starts_at = partial_date_anchor(
                self.starts_at, self.date_precision, self.time_zone
            )
        self.period_ends_at = period_end(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            precision=self.date_precision,
            time_zone=self.time_zone,
        )
        self.status = self.status_at(timezone.now())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "starts_at", "period_ends_at", "status"}
        super().save(*args, **kwargs)

    def status_at(self, now: dt.datetime) -> str:
        """The status the dates give at ``now``; a cancelled activity stays cancelled."""
        return status_for(
            status=self.status,
            period_ends_at=period_end(
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                precision=self.date_precision,
                time_zone=self.time_zone,
            ),
            registration_opens_at=self.registration_opens_at,
            registration_closes_at=self.registration_closes_at,
            now=now,
        )

    def page_url(self) -> str:
        """The public page of the kind's own object (a convening, a webinar, a cohort).

        The platform does not import the apps above it: it follows the reverse one-to-one
        relations they declare to ``Activity``. Empty when no kind has claimed the activity.
        """
        for relation in self._meta.related_objects:
            if not relation.one_to_one:
                continue
            try:
                kind_object = getattr(self, relation.get_accessor_name())
            except ObjectDoesNotExist:
                continue
            if hasattr(kind_object, "get_absolute_url"):
                return kind_object.get_absolute_url()
        return ""

    def capacity_for(self, mode: str) -> int | None:
        return self.onsite_capacity if mode == Mode.ONSITE else self.online_capacity

    def allows_mode(self, mode: str) -> bool:
        return self.allows_onsite if mode == Mode.ONSITE else self.allows_online

    @property
    def is_registration_open(self):
        now = timezone.now()
        return (
            self.status not in (ActivityStatus.CANCELLED, ActivityStatus.HELD)
            and self.registration_opens_at is not None
            and self.registration_opens_at <= now
            and (self.registration_closes_at is None or now < self.registration_closes_at)
        )


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


# Roles assigned by staff sit outside capacity.
ROLES_OUTSIDE_CAPACITY = (Role.SPEAKER, Role.MODERATOR, Role.ORGANISER, Role.RAPPORTEUR)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def holding_seats(self, mode):
        """Confirmed participants of ``mode``: the rows that count against its capacity."""
        return self.filter(status=RegistrationStatus.CONFIRMED, mode=mode).exclude(
            role__in=ROLES_OUTSIDE_CAPACITY
        )

    def waitlist(self, mode):
        return self.filter(status=RegistrationStatus.WAITLISTED, mode=mode).order_by(
            "requested_at", "id"
        )

    def in_list_order(self):
        return self.order_by(F("list_position").asc(nulls_last=True), "requested_at", "id")


class Registration(models.Model):
    """A person's place at an activity, decided by the engine in ``services.py``."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    person = models.ForeignKey(
        "taskforce.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    organisation = models.ForeignKey(
        "taskforce.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="registrations",
        null=True,
        blank=True,
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    role_label = models.CharField(
        _("role as printed"),
        max_length=100,
        blank=True,
        help_text=_('Overrides the role\'s name in participant lists, e.g. "Panel Speaker".'),
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        related_name="registrations_made",
        null=True,
        blank=True,
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    list_position = models.PositiveIntegerField(
        _("position in the participants list"), null=True, blank=True
    )
    affiliation_label = models.CharField(
        _("organisation as printed"),
        max_length=250,
        blank=True,
        help_text=_('How the participants list prints the organisation, e.g. "PARC Japan".'),
    )
    motivation = models.TextField(_("motivation"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    is_staff_override = models.BooleanField(
        _("recorded by staff override"),
        default=False,
        help_text=_("Recorded outside the window or over capacity by the secretariat."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "requested_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="registrations_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "confirmed", "waitlisted", "declined", "cancelled"]
                ),
                name="registrations_registration_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["activity", "status", "mode", "requested_at"],
                name="registrations_reg_queue",
            ),
            models.Index(
                fields=["activity", "organisation", "status"], name="registrations_reg_org"
            ),
            # The participants table (in_list_order): a page of thousands is read in order.
            # An ascending key puts NULLs last already (PostgreSQL), as in_list_order asks;
            # SQLite accepts no NULLS LAST in an index.
            models.Index(
                fields=["activity", "status", "list_position", "requested_at", "id"],
                name="registrations_reg_list",
            ),
        ]

    def __str__(self):
        return f"{self.person} at {self.activity} ({self.get_status_display()})"

    @property
    def role_display(self):
        return self.role_label or self.get_role_display()

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """An organisation invited to an activity; its focal point accepts or declines."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "taskforce.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    message = models.TextField(_("message"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
        null=True,
        blank=True,
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="invitations_answered",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "organisation__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="registrations_one_invitation_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} invited to {self.activity}"


# Reminders ----------------------------------------------------------------------------------

# The longest a reminder may come before its activity, and how many one policy may hold.
MAX_REMINDER_OFFSET_MINUTES = 366 * 24 * 60
MAX_REMINDER_OFFSETS = 10


def validate_reminder_offsets(value) -> None:
    """A list of distinct whole minutes before the start, each between 1 minute and a year."""
    from django.core.exceptions import ValidationError

    if not isinstance(value, list):
        raise ValidationError(_("Give the reminders as a list of minutes before the start."))
    if len(value) > MAX_REMINDER_OFFSETS:
        raise ValidationError(
            _("At most %(count)s reminders per activity.") % {"count": MAX_REMINDER_OFFSETS}
        )
    for minutes in value:
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise ValidationError(_("Each reminder is a whole number of minutes."))
        if not 1 <= minutes <= MAX_REMINDER_OFFSET_MINUTES:
            raise ValidationError(
                _("Each reminder comes between one minute and one year before the start.")
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("The same reminder time is given twice."))


class ReminderPolicy(models.Model):
    """When participants of one kind of activity are reminded, edited by staff.

    ``offsets`` are minutes before the start, e.g. ``[20160, 2880]`` for 14 and 2 days.
    The data migration seeds one row per kind; an activity may override it.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices, unique=True)
    offsets = models.JSONField(
        _("reminders (minutes before the start)"),
        default=list,
        blank=True,
        validators=[validate_reminder_offsets],
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return self.get_kind_display()


class ActivityReminderOverride(models.Model):
    """One activity's own reminders instead of its kind's policy; or none at all."""

    activity = models.OneToOneField(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="reminder_override",
    )
    enabled = models.BooleanField(
        _("send reminders"), default=True, help_text=_("Off: this activity sends no reminders.")
    )
    offsets = models.JSONField(
        _("reminders (minutes before the start)"),
        default=list,
        blank=True,
        validators=[validate_reminder_offsets],
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity reminder override")
        verbose_name_plural = _("activity reminder overrides")

    def __str__(self):
        return f"Reminders of {self.activity}"


class LedgerStatus(models.TextChoices):
    PENDING = "pending", _("Due")
    CLAIMED = "claimed", _("Being written")
    QUEUED = "queued", _("Queued for sending")
    SKIPPED = "skipped", _("Skipped")


class ReminderLedgerQuerySet(models.QuerySet):
    def claimable(self, now):
        """Due rows nobody holds: pending ones, and claimed ones whose lease has run out."""
        return self.filter(due_at__lte=now).filter(
            Q(status=LedgerStatus.PENDING) | Q(status=LedgerStatus.CLAIMED, lease_until__lte=now)
        )

    def open(self):
        return self.filter(status__in=[LedgerStatus.PENDING, LedgerStatus.CLAIMED])


class ReminderLedger(models.Model):
    """One reminder or nudge to one address, at most once (the unique constraint says so).

    ``reminder_kind`` names what it is: ``before:2880`` (two days before the start) or
    ``nudge:nomination:10080`` (seven days before the nomination deadline).
    ``target_starts_at`` is the moment it counts back from (the start, a deadline); when an
    activity moves, its old rows are skipped and new ones, with the new start, take over.
    "Queued" means its outbox message was written in the same transaction; the outbox relay
    then sends it.
    """

    recipient_email = models.EmailField(_("recipient"))
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="reminders"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        related_name="reminders",
        null=True,
        blank=True,
    )
    reminder_kind = models.CharField(_("reminder"), max_length=60)
    target_starts_at = models.DateTimeField(_("counted back from"))
    due_at = models.DateTimeField(_("due at"))
    payload = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.PENDING
    )
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    outbox_message = models.ForeignKey(
        "core.OutboxMessage",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    skip_reason = models.CharField(_("why skipped"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReminderLedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminder ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_email", "activity", "reminder_kind", "target_starts_at"],
                name="registrations_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "claimed", "queued", "skipped"]),
                name="registrations_reminder_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "due_at"],
                name="registrations_reminder_due",
                condition=Q(status__in=["pending", "claimed"]),
            ),
            models.Index(fields=["activity", "due_at"], name="registrations_reminder_act"),
        ]

    def __str__(self):
        return f"{self.reminder_kind} → {self.recipient_email} ({self.activity_id})"


class MailPreference(models.Model):
    """An address that asked for no more mail of one topic (reminders, one kind of nudge).

    Keyed by address, not account: the one-click link works without signing in. Transactional
    mail (confirmations, decisions) has no topic here and always goes.
    """

    email = models.EmailField(_("e-mail address"))
    topic = models.CharField(_("topic"), max_length=40)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), default=timezone.now)

    class Meta:
        ordering = ["email", "topic"]
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "topic"], name="registrations_one_preference_per_topic"
            ),
        ]

    def __str__(self):
        return f"{self.email}: no {self.topic}"
