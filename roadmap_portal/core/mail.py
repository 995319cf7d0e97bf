"""One way to send mail: render the templates, write an outbox row, relay after commit."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .faults import fault_point
from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# How long a relay holds a claimed row before another relay may take it over.
LEASE_SECONDS = 300
MAX_ATTEMPTS = 8
# A kick gives up on the broker after this long; the request that caused it must not wait.
KICK_TIMEOUT_SECONDS = 1
# After a failed kick, skip kicking for this long: a request that queues many messages pays
# the timeout once, and the beat sweep sends them meanwhile.
KICK_PAUSE_SECONDS = 30


class _KickPause:
    """Remembers (per process) that the broker just failed, so kicks skip it for a while."""

    def __init__(self):
        self.until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self.until

    def start(self) -> None:
        self.until = time.monotonic() + KICK_PAUSE_SECONDS

    def clear(self) -> None:
        self.until = 0.0


kick_pause = _KickPause()


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
    message = outbox_message(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        topic=topic,
        attachments=attachments,
        headers=headers,
    )
    message.save()
    transaction.on_commit(lambda: kick_relay(message_ids=[message.pk]), robust=True)
    return message


def outbox_message(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    topic: str = "",
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict | None = None,
) -> OutboxMessage:
    """An unsaved outbox row with its subject on one line and its own Message-ID.

    ``queue_rendered_mail`` saves one; a batch writer (the reminder scan) saves many with one
    ``bulk_create`` and kicks the relay itself.
    """
    return OutboxMessage(
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
        message_id=make_msgid(domain=site_domain()),
    )


def site_domain() -> str:
    """The host name of ``SITE_URL``: the right-hand side of Message-IDs and calendar UIDs."""
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return domain or "localhost"


def kick_relay(*, message_ids: list[int] | None = None) -> None:
    """Ask a worker to relay now; give up at once when the broker cannot be reached.

    The publish uses its own connection that does not retry and times out after
    ``KICK_TIMEOUT_SECONDS``, so a request never hangs on a dead Redis; the beat sweep sends
    what a failed kick left behind. That connection is kept for the next kick of the same
    thread (see ``_KickLine``); when a kept one fails, one fresh connection is tried, so a
    kick waits twice the timeout at most. With tasks running inline (the demo, the tests)
    the relay runs here and then.
    """
    from .tasks import relay_outbox

    if relay_outbox.app.conf.task_always_eager:
        try:
            relay_outbox.apply(kwargs={"message_ids": message_ids}, throw=True)
        except Exception:  # noqa: BLE001 - the row keeps its error and is retried
            logger.exception("outbox relay failed for %s", message_ids)
        return
    if kick_pause.active():
        logger.info("outbox relay not kicked (broker failed recently): %s", message_ids)
        return
    try:
        _publish_kick(relay_outbox, message_ids)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep sends it later
        kick_pause.start()
        logger.warning("outbox relay not kicked; the sweep will send %s", message_ids)


def _publish_kick(task, message_ids) -> None:
    connection, kept = kick_line.connection(task.app)
    try:
        task.apply_async(kwargs={"message_ids": message_ids}, retry=False, connection=connection)
        return
    except Exception:
        kick_line.drop()
        if not kept:
            raise
    # A connection kept from an earlier kick may have gone stale (Redis restarted, an idle
    # timeout): one try on a fresh connection, bounded by the same timeouts.
    connection, _ = kick_line.connection(task.app)
    try:
        task.apply_async(kwargs={"message_ids": message_ids}, retry=False, connection=connection)
    except Exception:
        kick_line.drop()
        raise


class _KickLine(threading.local):
    """The broker connection kicks publish on, kept per thread and per process.

    Opening a connection and declaring the queue for every kick cost about as much CPU as
    the registration that caused it, so each thread keeps one: same URL, same timeouts, no
    retries. A forked child never uses its parent's connection (it opens its own), and a
    connection that failed is dropped.
    """

    def __init__(self):
        self.held = None  # (pid, broker URL, kombu connection)

    def connection(self, app):
        """``(connection, kept)``: the kept connection for the app's broker, else a new one."""
        url = app.conf.broker_write_url or app.conf.broker_url
        if self.held is not None:
            pid, held_url, connection = self.held
            if pid == os.getpid() and held_url == url:
                return connection, True
            if pid == os.getpid():
                self.drop()
            else:
                self.held = None  # the parent's socket: leave it alone
        connection = app.connection_for_write(
            url,
            connect_timeout=KICK_TIMEOUT_SECONDS,
            transport_options={
                "max_retries": 0,
                "socket_connect_timeout": KICK_TIMEOUT_SECONDS,
                "socket_timeout": KICK_TIMEOUT_SECONDS,
            },
        )
        self.held = (os.getpid(), url, connection)
        return connection, False

    def drop(self) -> None:
        held, self.held = self.held, None
        if held is not None and held[0] == os.getpid():
            try:
                held[2].release()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close
                logger.debug("kick connection did not close cleanly", exc_info=True)


kick_line = _KickLine()


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
            fault_point("outbox.after_send")
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
            )
            sent += 1
        if message_ids is not None or len(claimed) < limit:
            return sent
