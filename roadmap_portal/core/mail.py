"""One way to send mail: render the templates, write an outbox row, relay after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# How long a relay holds a claimed row before another relay may take it over.
LEASE_SECONDS = 300
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def render_mail(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """Render ``<prefix>_subject.txt``, ``_body.txt`` and ``_body.html`` (all three required)."""
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = " ".join(subject.split())
    body_text = render_to_string(f"{template_prefix}_body.txt", context)
    body_html = render_to_string(f"{template_prefix}_body.html", context)
    return subject, body_text, body_html


def queue_mail(
    *,
    to: str,
    template_prefix: str,
    context: dict,
    topic: str = "",
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict | None = None,
    language: str | None = None,
) -> OutboxMessage:
    """Write one message to the outbox, to be relayed once the surrounding transaction commits.

    Call it inside the service's transaction: if the transaction rolls back, so does the
    message. The relay is kicked after commit; if the broker is unreachable the periodic sweep
    sends the message later.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body_text, body_html = render_mail(template_prefix, context)
    return queue_rendered_mail(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        topic=topic,
        attachments=attachments,
        headers=headers,
    )


def queue_rendered_mail(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    topic: str = "",
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict | None = None,
) -> OutboxMessage:
    """Write an already rendered message to the outbox (e.g. allauth's own mails)."""
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    message = OutboxMessage.objects.create(
        to_email=to,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        attachments=[
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in attachments
        ],
        topic=topic,
        message_id=make_msgid(domain=domain or "localhost"),
    )
    transaction.on_commit(lambda: kick_relay(message_ids=[message.pk]), robust=True)
    return message


def kick_relay(*, message_ids: list[int] | None = None) -> None:
    """Ask a worker to relay now; give up quickly when the broker cannot be reached."""
    from .tasks import relay_outbox

    try:
        relay_outbox.apply_async(kwargs={"message_ids": message_ids}, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep sends it later
        logger.warning("outbox relay not kicked; the sweep will send %s", message_ids)


def _claim(*, message_ids, limit):
    now = timezone.now()
    with transaction.atomic():
        rows = OutboxMessage.objects.due(now).order_by("id")
        if message_ids is not None:
            rows = rows.filter(pk__in=message_ids)
        claimed = list(rows.select_for_update(skip_locked=True)[:limit])
        lease_until = now + timezone.timedelta(seconds=LEASE_SECONDS)
        for message in claimed:
            message.lease_until = lease_until
            message.attempts += 1
        OutboxMessage.objects.bulk_update(claimed, ["lease_until", "attempts"])
    return claimed


def _build_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id, **message.headers}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def relay(*, message_ids: list[int] | None = None, limit: int = 200) -> int:
    """Send due outbox messages; returns how many were sent.

    Each row is claimed under a lease (``select_for_update(skip_locked=True)``) so two relays
    never send the same row; a relay that dies leaves a lease that runs out, and the next sweep
    takes the row over. The one duplicate possible is a crash between the mail server accepting
    a message and the row being marked sent: the receiver can spot it by its Message-ID.
    """
    sent = 0
    while True:
        claimed = _claim(message_ids=message_ids, limit=limit)
        if not claimed:
            return sent
        connection = get_connection()
        for message in claimed:
            try:
                _build_email(message, connection).send()
            except Exception as error:  # noqa: BLE001 - recorded on the row and retried
                failed = message.attempts >= MAX_ATTEMPTS
                backoff = timezone.timedelta(seconds=min(3600, 30 * 2**message.attempts))
                OutboxMessage.objects.filter(pk=message.pk).update(
                    status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                    lease_until=None,
                    not_before=timezone.now() + backoff,
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                )
                logger.warning("outbox message %s not sent: %s", message.pk, error)
                continue
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
            )
            sent += 1
        if message_ids is not None or len(claimed) < limit:
            return sent
