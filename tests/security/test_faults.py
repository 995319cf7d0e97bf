"""Faults against the real PostgreSQL and Redis, without stopping either of them.

What the other suites already prove is not repeated here: a dead broker URL during a
registration (tests/registrations/test_services.py), /healthz with Redis down
(tests/roadmap/test_views.py), a worker dying after claiming reminders or after sending a
message (tests/registrations/test_reminders_worker.py), stale report jobs failed by the sweep
(tests/reports/test_tasks.py), the lock timeout at the service (tests/registrations/
test_concurrency.py). Here: the web's line to Redis cut mid-run by a proxy, the database
connections killed under a running app, and the lock timeout as a user meets it on the page.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.messages import get_messages
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.core import mail
from roadmap_portal.core.models import OutboxMessage, OutboxStatus
from roadmap_portal.core.tasks import sweep_outbox
from roadmap_portal.registrations.models import Activity, Registration
from tests.factories import ActivityFactory, AffiliationFactory, OrganisationFactory, member_of
from tests.worker import _drop_producer_pool, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class LineProxy:
    """A TCP proxy on 127.0.0.1 in front of one server, whose line can be cut and restored.

    Cut, it drops every open connection and then accepts new ones without ever answering,
    as a dead network path does (the nastier case: only timeouts end the wait).
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_off = threading.Event()
        self.stopped = threading.Event()
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self.lock:
                self.sockets.add(client)
            if self.cut_off.is_set():
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                self._close(client)
                continue
            with self.lock:
                self.sockets.add(upstream)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client, upstream):
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self.stopped.is_set() and not self.cut_off.is_set():
                for key, _mask in selector.select(timeout=0.2):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            self._close(client)
            self._close(upstream)

    def _close(self, sock):
        with self.lock:
            self.sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.close()

    def cut(self):
        self.cut_off.set()
        with self.lock:
            open_sockets = list(self.sockets)
        for sock in open_sockets:
            self._close(sock)

    def restore(self):
        with self.lock:
            held = list(self.sockets)
        for sock in held:
            self._close(sock)
        self.cut_off.clear()

    def stop(self):
        self.stopped.set()
        self.cut()
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def redis_line(redis_url):
    """The run's Redis behind a proxy that can cut the line; the URL keeps its database."""
    parts = urlsplit(redis_url)
    proxy = LineProxy(parts.hostname or "127.0.0.1", parts.port or 6379)
    proxy.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture
def focal_point_and_colleague():
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    colleague = AffiliationFactory(organisation=organisation).person
    return organisation, focal_point, colleague


def _register(client, activity, organisation, person):
    return client.post(
        reverse("registrations:register", kwargs={"activity_pk": activity.pk}),
        {"organisation": organisation.pk, "people": [person.pk], "mode": "onsite"},
    )


def test_with_the_line_to_redis_cut_pages_and_registration_work_and_mail_goes_out_once_later(
    celery_worker, redis_line, settings, client, focal_point_and_colleague
):
    from roadmap_portal.celery import app

    organisation, focal_point, colleague = focal_point_and_colleague
    activity = ActivityFactory()
    settings.REDIS_URL = redis_line.url
    app.conf.broker_url = redis_line.url  # the worker itself stays on the direct line
    _drop_producer_pool(app)
    mail.kick_pause.clear()
    client.force_login(focal_point)
    redis_line.cut()

    started = time.monotonic()
    registered = _register(client, activity, organisation, colleague)
    elapsed = time.monotonic() - started
    sign_in = client.get(reverse("account_login"))
    health = client.get("/healthz")
    home = client.get("/")
    message = OutboxMessage.objects.get(to_email=colleague.email)

    assert (registered.status_code, sign_in.status_code, home.status_code) == (302, 302, 200)
    assert health.status_code == 503
    assert elapsed < 3 * mail.KICK_TIMEOUT_SECONDS + 5
    assert Registration.objects.get(person=colleague).status == "confirmed"
    assert message.status == OutboxStatus.PENDING

    redis_line.restore()
    mail.kick_pause.clear()
    _drop_producer_pool(app)
    sweep_outbox.apply_async()
    wait_for(lambda: len(celery_worker.sent_mail()) == 1, message="the sweep sent nothing")
    sweep_outbox.apply_async()
    wait_for(
        lambda: (
            "outbox.sweep" in celery_worker.log() and celery_worker.log().count("succeeded") >= 2
        ),
        message="the second sweep did not run",
    )

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(celery_worker.sent_mail()) == 1
    assert client.get("/healthz").status_code == 200


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """Kill one server process from a connection of its own, as a failover or an admin does."""
    import psycopg

    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in ("dbname", "user", "password", "host", "port")
    }
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _get(path: str) -> int:
    """A request through Django's real WSGI handler (the test client skips the connection
    checks that run when a request starts)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "localhost"}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    response = WSGIHandler()(environ, start_response)
    b"".join(response)
    response.close()  # sends request_finished, as a server does
    return answer["status"]


@pytest.fixture
def persistent_connections(require_postgres):
    """The production setting: connections kept between requests, checked before reuse."""
    settings_dict = connection.settings_dict
    saved = (settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"])
    settings_dict["CONN_MAX_AGE"] = 600
    settings_dict["CONN_HEALTH_CHECKS"] = True
    try:
        yield
    finally:
        settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"] = saved


def test_after_the_database_connection_is_killed_the_next_requests_succeed(
    persistent_connections,
):
    assert _get("/") == 200
    killed = _backend_pid()

    _terminate(killed)
    responses = [_get("/"), _get("/taskforce/")]

    assert responses == [200, 200]
    assert _backend_pid() != killed


def test_a_registration_meeting_a_held_lock_asks_to_try_again_and_writes_nothing(
    require_postgres, settings, client, focal_point_and_colleague
):
    settings.REGISTRATION_LOCK_TIMEOUT_MS = 200
    organisation, focal_point, colleague = focal_point_and_colleague
    activity = ActivityFactory()
    client.force_login(focal_point)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Activity.objects.select_for_update().get(pk=activity.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = _register(client, activity, organisation, colleague)
    finally:
        release.set()
        holder.join()

    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert response.status_code == 302
    assert shown == [f"{colleague} is not registered: This activity is busy, please try again."]
    assert "SET LOCAL lock_timeout = '200ms'" in [q["sql"] for q in queries.captured_queries]
    assert Registration.objects.filter(activity=activity).count() == 0
    assert OutboxMessage.objects.count() == 0
