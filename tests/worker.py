"""A real Celery worker in a subprocess, for the tests that need one (DESIGN.md, Celery).

The worker runs the test settings with ``ROADMAP_TEST_WORKER=1`` against the test database
(so the tests using it are transactional), on the run's own Redis database and on queue names
of its own, and writes the mail it sends to files in a temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
QUEUES = ("default", "mail", "reports")


def database_url_of_test_database() -> str:
    """A DATABASE_URL naming the database pytest-django created for this run."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the worker fixture needs PostgreSQL")
    user = settings.get("USER") or ""
    password = settings.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    mail_dir: Path
    queue_prefix: str
    log_path: Path

    def queue(self, name: str) -> str:
        return f"{self.queue_prefix}{name}"

    def sent_mail(self) -> list[str]:
        """The raw messages the worker handed to its mail backend, oldest first."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            chunks = path.read_text(encoding="utf-8", errors="replace").split("-" * 79 + "\n")
            messages.extend(chunk for chunk in chunks if chunk.strip())
        return messages

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self, sig=signal.SIGKILL) -> None:
        """Kill the worker (and its pool children) at once, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=20)


def start_worker(tmp_path: Path, redis_url: str, *, extra_env: dict | None = None) -> Worker:
    mail_dir = tmp_path / "worker-mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.test",
        "ROADMAP_TEST_WORKER": "1",
        "ROADMAP_TEST_MAIL_DIR": str(mail_dir),
        "ROADMAP_TEST_QUEUE_PREFIX": prefix,
        "DATABASE_URL": database_url_of_test_database(),
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log_path = tmp_path / "worker.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "roadmap_portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{prefix}worker@%h",
            "-Q",
            ",".join(prefix + queue for queue in QUEUES),
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = Worker(process=process, mail_dir=mail_dir, queue_prefix=prefix, log_path=log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited early:\n{worker.log()}")
        if " ready." in worker.log():
            return worker
        time.sleep(0.2)
    worker.kill()
    raise RuntimeError(f"the worker did not become ready in 30 s:\n{worker.log()}")


def wait_for(condition, *, timeout: float = 20.0, interval: float = 0.2, message: str = ""):
    """Poll ``condition`` until it is truthy; fail the test with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout} s")


@contextmanager
def publishing_to(worker: Worker, redis_url: str):
    """Within the block, tasks published by this process go to ``worker``'s own queues.

    The worker is stopped when the block ends, and the app's configuration put back.
    """
    from django.conf import settings

    from roadmap_portal.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "task_routes")
    }
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=worker.queue("default"),
        task_routes={
            pattern: {"queue": worker.queue(route["queue"])}
            for pattern, route in settings.CELERY_TASK_ROUTES.items()
        },
    )
    _drop_producer_pool(app)
    try:
        yield worker
    finally:
        worker.kill(signal.SIGTERM)
        app.conf.update(saved)
        _drop_producer_pool(app)


@pytest.fixture
def celery_worker(transactional_db, require_postgres, redis_url, tmp_path):
    """A real worker; the test process publishes to it instead of running tasks inline."""
    with publishing_to(start_worker(tmp_path, redis_url), redis_url) as worker:
        yield worker


def _drop_producer_pool(app):
    """Forget every pooled broker connection, so the next publish connects afresh.

    The pools are bound to the broker URL they were built with, and kombu keeps producer
    pools in a process-wide registry: closing only the app's pool would leave the app and
    that registry holding closed pools ("Acquire on closed pool").
    """
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
