"""Gunicorn settings for the portal, read from the environment.

The same file serves the container (`docker-compose.yml`) and a bare-metal install:
`gunicorn --config gunicorn.conf.py roadmap_portal.wsgi:application`.

| variable | default |
| --- | --- |
| `GUNICORN_BIND` | `0.0.0.0:8000` |
| `WEB_CONCURRENCY` | 2 x CPU cores + 1, at most 8 |
| `GUNICORN_TIMEOUT` | 60 seconds (a PDF export renders inside the request) |
| `GUNICORN_MAX_REQUESTS` | 1000 requests per worker, then a fresh worker (0 turns it off) |
| `FORWARDED_ALLOW_IPS` | `127.0.0.1,::1`: the proxies whose `X-Forwarded-*` headers count |
| `GUNICORN_CONTROL_SOCKET` | unset: no control socket |
"""

import multiprocessing
import os

# Each worker holds Django, WeasyPrint and a database connection; beyond a handful per
# container, more containers (`docker compose up --scale web=N`) scale better than more workers.
MAX_DEFAULT_WORKERS = 8

# Inside a container the port is published by Docker, so all interfaces is the point.
bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]  # noqa: S104
workers = int(
    os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, MAX_DEFAULT_WORKERS))
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# The portal is imported once, in the master; each worker is a fork of it. A worker replaced
# after max_requests starts in milliseconds instead of importing Django and WeasyPrint again
# (seconds of CPU that the busy workers beside it lose), and the forks share the imported
# code's memory. Nothing opens a connection at import time; new code needs a restart, not HUP.
preload_app = True


def when_ready(server):
    """In the master, after the preload and before the first fork: build what forks share."""
    from roadmap_portal.core.warmup import warm_up

    warm_up()


def pre_fork(server, worker):
    """Keep the master's objects out of the forks' garbage collections (see ``gc.freeze``).

    Their pages stay shared instead of being copied when a collection touches them, and a
    worker replaced after max_requests exits in tens of milliseconds instead of most of a
    second spent collecting what it inherited (measured with one worker and curl: 0.81 s
    without, 0.08 s with, for the request that waits for the replacement).
    """
    import gc

    gc.freeze()


# Requests to stdout, errors to stderr: the container runtime collects both.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Heartbeat files on an overlay filesystem can stall workers; a tmpfs cannot.
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# The control socket defaults to $HOME/.gunicorn/gunicorn.ctl, which every Gunicorn of one user
# on one host would share; containers are managed by the orchestrator instead.
control_socket_disable = "GUNICORN_CONTROL_SOCKET" not in os.environ
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

proc_name = "roadmap-portal"
