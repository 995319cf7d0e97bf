"""What the secretariat needs around an activity besides the seat: messages, questions asked at
registration, check-in, support, visa letters and feedback.

Everything personal here is deleted or anonymised by ``services.purge_personal_logistics`` once
the activity is past the retention period (``LOGISTICS_RETENTION_DAYS``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- messages ---------------------------------------------------------------------------------


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    CHANGE = "change", _("Change notice")
    CANCELLATION = "cancellation", _("Cancellation notice")


class ActivityMessage(models.Model):
    """A message staff wrote to (some of) the registrants of an activity."""

    activity = models.ForeignKey(
        "registrations.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="logistics_messages",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    # The activity's dates and place when a change notice went out: the next notice compares.
    snapshot = models.JSONField(default=dict, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("activity message")
        verbose_name_plural = _("activity messages")

    def __str__(self):
        return self.subject


class MessageDelivery(models.Model):
    """One recipient of an activity message, and the outbox row that carries it."""

    message = models.ForeignKey(
        ActivityMessage, on_delete=models.CASCADE, related_name="deliveries"
    )
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="+"
    )
    to_email = models.EmailField(_("to"), blank=True)
    outbox_message = models.ForeignKey(
        "core.OutboxMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="logistics_one_delivery_per_registration"
            )
        ]

    def __str__(self):
        return f"{self.message} → {self.to_email}"


# --- registration questions ---------------------------------------------------------------


class QuestionKind(models.TextChoices):
    DIETARY = "dietary", _("Dietary needs")
    ACCESSIBILITY = "accessibility", _("Accessibility needs")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")
    ARRIVAL_DEPARTURE = "arrival_departure", _("Arrival and departure")
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes or no")


BUILT_IN_KINDS = (
    QuestionKind.DIETARY,
    QuestionKind.ACCESSIBILITY,
    QuestionKind.EMERGENCY_CONTACT,
    QuestionKind.ARRIVAL_DEPARTURE,
)


class RegistrationQuestion(models.Model):
    activity = models.ForeignKey(
        "registrations.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="registration_questions",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=250)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["activity", "position", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label


class RegistrationAnswer(models.Model):
    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="logistics_answers"
    )
    question = models.ForeignKey(
        RegistrationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="logistics_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.question}: {self.value}"


# --- check-in ---------------------------------------------------------------------------------


class CheckIn(models.Model):
    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.CASCADE, related_name="check_in"
    )
    at = models.DateTimeField(_("checked in at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device_queued = models.BooleanField(_("queued offline on the device"), default=False)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.registration_id} at {self.at:%H:%M}"


# --- support requests -------------------------------------------------------------------------


class SupportKind(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ACCOMMODATION = "accommodation", _("Accommodation")


class SupportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class SupportRequest(models.Model):
    registration = models.ForeignKey(
        "registrations.Registration",
        on_delete=models.CASCADE,
        related_name="support_requests",
    )
    kind = models.CharField(_("support for"), max_length=20, choices=SupportKind.choices)
    amount_requested = models.DecimalField(_("amount requested"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    justification = models.TextField(_("justification"))
    status = models.CharField(
        _("status"), max_length=20, choices=SupportStatus.choices, default=SupportStatus.PENDING
    )
    amount_approved = models.DecimalField(
        _("amount approved"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0), name="logistics_support_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(amount_approved__isnull=False),
                name="logistics_support_approved_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_requested} {self.currency}"


# --- visa letters -----------------------------------------------------------------------------


class VisaLetterDetails(models.Model):
    """What a visa invitation letter prints. The passport number appears only in the letter."""

    registration = models.OneToOneField(
        "registrations.Registration", on_delete=models.CASCADE, related_name="visa_details"
    )
    passport_name = models.CharField(_("name as in the passport"), max_length=200)
    nationality = models.ForeignKey(
        "taskforce.Country",
        verbose_name=_("nationality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visa letter details")
        verbose_name_plural = _("visa letter details")

    def __str__(self):
        return self.passport_name


# --- feedback ---------------------------------------------------------------------------------


class FeedbackForm(models.Model):
    activity = models.OneToOneField(
        "registrations.Activity", on_delete=models.CASCADE, related_name="feedback_form"
    )
    intro = models.TextField(_("introduction"), blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Feedback on {self.activity}"


class FeedbackQuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    TEXT = "text", _("Free text")


class FeedbackQuestion(models.Model):
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=10, choices=FeedbackQuestionKind.choices)
    label = models.CharField(_("question"), max_length=250)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["form", "position", "id"]

    def __str__(self):
        return self.label


class FeedbackResponse(models.Model):
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="responses")
    # Emptied when the personal data is purged: the answers stay, anonymous.
    registration = models.OneToOneField(
        "registrations.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_response",
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self):
        return f"Feedback {self.pk} on {self.form_id}"


class FeedbackAnswer(models.Model):
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="logistics_one_feedback_answer"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="logistics_feedback_rating_range",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.rating or self.text}"
