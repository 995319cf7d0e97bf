"""The outbox: every e-mail is a row written in the transaction of the service that causes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now):
        """Unsent rows whose lease (if any) has run out and whose time has come."""
        return (
            self.filter(status=OutboxStatus.PENDING)
            .filter(models.Q(lease_until__isnull=True) | models.Q(lease_until__lte=now))
            .filter(models.Q(not_before__isnull=True) | models.Q(not_before__lte=now))
        )


class OutboxMessage(models.Model):
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("A list of {filename, content, mimetype}; text attachments only."),
    )
    topic = models.CharField(
        _("topic"),
        max_length=60,
        blank=True,
        help_text=_("What kind of message this is, e.g. registration.confirmed."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["status", "lease_until"],
                name="core_outbox_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["to_email", "created_at"], name="core_outbox_recipient"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"
