"""The registry: countries, organisations, people and who belongs where."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roadmap_portal.accounts.models import validate_time_zone
from roadmap_portal.core.text import normalise_name, search_key


class CountryGroup(models.TextChoices):
    ASEAN = "asean", _("ASEAN member")
    ALLIED = "allied", _("Allied")
    OTHER_ASIA = "other_asia", _("Other Asia")
    OTHER = "other", _("Other")


class Country(models.Model):
    """A country or region, keyed by its ISO 3166 alpha-2 code."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=CountryGroup.choices)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    is_region = models.BooleanField(
        _("region"), default=False, help_text=_("A region rather than a sovereign state.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="taskforce_country_code_iso"
            ),
        ]

    def __str__(self):
        return self.name


class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("SSE network")
    COOPERATIVE = "cooperative", _("Cooperative")
    FOUNDATION = "foundation", _("Foundation")
    NGO = "ngo", _("NGO")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    PLATFORM = "platform", _("Platform cooperative or community platform")
    PARLIAMENTARY = "parliamentary", _("Parliamentary group")
    GOVERNMENT = "government", _("Government agency")
    ACADEMIC = "academic", _("Academy or research")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved=True)

    def search(self, text: str):
        key = search_key(text)
        if not key:
            return self
        return self.filter(search_text__contains=key)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_asec_member = models.BooleanField(_("ASEC member"), default=False)
    approved = models.BooleanField(
        _("approved"),
        default=False,
        help_text=_("Only approved organisations appear publicly and may register people."),
    )
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # The directory's filters and its sort; the name search uses a trigram index on
        # ``search_text`` that migration 0005 adds on PostgreSQL.
        indexes = [
            models.Index(fields=["approved", "name"], name="taskforce_org_approved_name"),
            models.Index(
                fields=["approved", "country", "name"], name="taskforce_org_approved_country"
            ),
            models.Index(fields=["approved", "kind", "name"], name="taskforce_org_approved_kind"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        self.name = normalise_name(self.name)
        self.acronym = normalise_name(self.acronym)
        self.search_text = search_key(self.name, self.acronym)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "acronym"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("taskforce:organisation_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return self.acronym or self.name


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Another gender")
    PREFER_NOT = "prefer_not", _("Prefer not to say")
    NOT_RECORDED = "not_recorded", _("Not recorded")


class PersonQuerySet(models.QuerySet):
    def listed_publicly(self):
        return self.filter(listed_publicly=True)

    def search(self, text: str):
        key = search_key(text)
        if not key:
            return self
        return self.filter(search_text__contains=key)


class Person(models.Model):
    """Someone in the network, named as they write their name, in any script."""

    honorific = models.CharField(
        _("honorific"), max_length=60, blank=True, help_text=_("As the person uses it.")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("As the person writes it."))
    name_latin = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("Helps search and sorting when the name is in another script."),
    )
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, default=Gender.NOT_RECORDED
    )
    gender_description = models.CharField(_("gender, in own words"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    listed_publicly = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("Consent to appear in public participant lists and on organisation pages."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        related_name="person",
        null=True,
        blank=True,
    )
    search_text = models.CharField(max_length=500, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name", "id"], name="taskforce_person_name")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.honorific = normalise_name(self.honorific)
        self.name = normalise_name(self.name)
        self.name_latin = normalise_name(self.name_latin)
        self.search_text = search_key(self.name, self.name_latin)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "name_latin"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    @property
    def contact_email(self):
        """The person's address; a linked user's verified address wins (kept in sync)."""
        return self.email or (self.user.email if self.user_id else "")


class AffiliationQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(started__isnull=True) | Q(started__lte=on)).filter(
            Q(ended__isnull=True) | Q(ended__gt=on)
        )

    def focal_points(self):
        return self.filter(is_focal_point=True)


class Affiliation(models.Model):
    """A person's place in an organisation over a span of time."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    started = models.DateField(_("started"), null=True, blank=True)
    ended = models.DateField(_("ended"), null=True, blank=True)
    is_focal_point = models.BooleanField(
        _("focal point"),
        default=False,
        help_text=_("Keeps the organisation's profile and registers its people."),
    )

    history = HistoricalRecords()
    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "person__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(started__isnull=True)
                | Q(ended__gte=F("started")),
                name="taskforce_affiliation_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(ended__isnull=True),
                name="taskforce_affiliation_one_open_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation}"

    @property
    def is_active(self):
        today = timezone.localdate()
        started = self.started is None or self.started <= today
        return started and (self.ended is None or self.ended > today)


class TaskForceRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CONTINENTAL_PARTNER = "continental_partner", _("Continental partner")
    SECRETARIAT = "secretariat", _("Secretariat organisation")


class TaskForceMembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))


class TaskForceMembership(models.Model):
    """An organisation's role in the Task Force. Grants no permission."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="taskforce_memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=TaskForceRole.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TaskForceMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "since"]
        verbose_name = _("Task Force membership")
        verbose_name_plural = _("Task Force memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="taskforce_membership_until_after_since",
            ),
            models.UniqueConstraint(
                fields=["organisation", "role"],
                condition=Q(until__isnull=True),
                name="taskforce_membership_one_open_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


class PositionTitle(models.TextChoices):
    CHAIR = "chair", _("Chair")
    FOUNDING_CHAIR = "founding_chair", _("Founding Chair")
    SECRETARIAT_HEAD = "secretariat_head", _("Secretariat Head")


class TaskForcePosition(models.Model):
    """A person's post in the Task Force. Grants no permission."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="taskforce_positions",
    )
    title = models.CharField(_("title"), max_length=30, choices=PositionTitle.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TaskForceMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["since"]
        verbose_name = _("Task Force position")
        verbose_name_plural = _("Task Force positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="taskforce_position_until_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_title_display()}"


class AffiliationRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AffiliationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=AffiliationRequestStatus.PENDING)

    def proposals(self):
        """Requests that propose a new organisation rather than join an existing one."""
        return self.exclude(proposed_name="")


class AffiliationRequest(models.Model):
    """A signed-up user asking to join an organisation, or proposing a new one.

    A request names either an existing ``organisation`` or a ``proposed_name``, never both.
    Proposing creates the organisation unapproved (``proposed_organisation``), so staff can
    correct it before they approve the organisation and the request together; the proposed
    fields keep what the user asked for.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="affiliation_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliation_requests",
        null=True,
        blank=True,
    )
    proposed_name = models.CharField(_("proposed organisation name"), max_length=200, blank=True)
    proposed_acronym = models.CharField(_("proposed acronym"), max_length=40, blank=True)
    proposed_country = models.ForeignKey(
        Country,
        verbose_name=_("proposed country"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    proposed_kind = models.CharField(
        _("proposed kind"), max_length=30, choices=OrganisationKind.choices, blank=True
    )
    proposed_website = models.URLField(_("proposed website"), blank=True)
    proposed_organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation created from the proposal"),
        on_delete=models.SET_NULL,
        related_name="proposal",
        null=True,
        blank=True,
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AffiliationRequestStatus.choices,
        default=AffiliationRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AffiliationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("affiliation request")
        verbose_name_plural = _("affiliation requests")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(proposed_name=""))
                | (Q(organisation__isnull=True) & ~Q(proposed_name="")),
                name="taskforce_affreq_organisation_or_proposal",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="taskforce_affreq_one_pending_per_org",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"]) | Q(decided_at__isnull=False),
                name="taskforce_affreq_decision_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "organisation"], name="taskforce_affreq_status_org")
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation_name}"

    def save(self, *args, **kwargs):
        self.proposed_name = normalise_name(self.proposed_name)
        self.proposed_acronym = normalise_name(self.proposed_acronym)
        super().save(*args, **kwargs)

    @property
    def is_proposal(self):
        return bool(self.proposed_name)

    @property
    def is_pending(self):
        return self.status == AffiliationRequestStatus.PENDING

    @property
    def target_organisation(self):
        """The organisation the user would join: the existing one, or the one proposed."""
        return self.organisation if self.organisation_id else self.proposed_organisation

    @property
    def organisation_name(self):
        if self.organisation_id:
            return str(self.organisation)
        if self.proposed_acronym:
            return f"{self.proposed_name} ({self.proposed_acronym})"
        return self.proposed_name


class MergeKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class MergeRecord(models.Model):
    """Two records found to be the same, merged by staff: the duplicate was deleted and what
    hung on it moved to the survivor. The duplicate's own history stays in its history table
    under ``duplicate_id``; ``moved`` tells what moved, by kind of record."""

    kind = models.CharField(_("kind"), max_length=20, choices=MergeKind.choices)
    survivor_id = models.PositiveBigIntegerField(_("kept record"))
    survivor_name = models.CharField(_("name of the kept record"), max_length=250)
    duplicate_id = models.PositiveBigIntegerField(_("merged record"))
    duplicate_name = models.CharField(_("name of the merged record"), max_length=250)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    moved = models.JSONField(_("what moved"), default=dict, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [
            models.Index(fields=["kind", "survivor_id"], name="taskforce_merge_survivor"),
        ]

    def __str__(self):
        return f"{self.duplicate_name} → {self.survivor_name}"
