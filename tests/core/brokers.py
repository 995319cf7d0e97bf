"""Test helpers around the mail relay: a broker nobody listens on, recording mail backends."""

import threading
import time
from contextlib import contextmanager
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend

from roadmap_portal.core import mail
from roadmap_portal.core.tasks import relay_outbox

DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


@contextmanager
def unreachable_broker(url: str = DEAD_REDIS_URL):
    """Celery publishes for real (not inline) to a Redis that does not answer.

    Test settings run tasks inline; this switches the live app to a real broker URL on a
    port nothing listens on, as in production with Redis down, and puts it back afterwards.
    """
    conf = relay_outbox.app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = url
    mail.kick_pause.clear()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        mail.kick_pause.clear()


class RecordingBackend(BaseEmailBackend):
    """Records each Message-ID it sends, slowly, so that concurrent relays overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages):
        for message in email_messages:
            time.sleep(0.005)
            with self.lock:
                self.sent.append(message.extra_headers["Message-ID"])
        return len(email_messages)


class FailingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")
