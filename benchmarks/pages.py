"""The key pages under load: gunicorn as in production, PostgreSQL with the scale data, wrk.

    python benchmarks/pages.py --prepare          # first time: database, scale data, users
    python benchmarks/pages.py --duration 20 --connections 4

``--prepare`` creates the PostgreSQL database ``--database`` (default ``roadmap_scale``) when
it is missing and fills it with ``generate_scale_data`` at the Roadmap's target size when it
holds no scale data yet. Every run migrates the database, collects the static files once
(into a temporary folder), signs in a member of a scale organisation and a secretariat user
(sessions made with this run's random secret key), counts each page's queries once
in-process, starts gunicorn with the production settings and ``gunicorn.conf.py`` (workers:
2 x cores + 1) on ``benchmarks/bench_wsgi.py``, pinned with ``taskset`` to ``--server-cpus``
(default core 0), and loads each page with wrk pinned to ``--client-cpus`` (default core 1).
PostgreSQL and Redis keep their own scheduling: they are not ours to pin. The same server's
``/__bench__/ping`` (no query, no template) is measured first: the stack's ceiling here.

Prints one JSON line per page, then one line with the list of them:

    [{"page": "/taskforce/?country=TH", "p50_ms": ..., "p95_ms": ..., "rps": ...,
      "baseline_rps": ..., "ratio_to_baseline": ..., "queries": ..., "queries_rendered": ...,
      "page_cache": "hit", "errors": 0}, ...]

``queries`` is what each measured request cost, ``queries_rendered`` what the page costs
rendered afresh, and ``page_cache`` says whether the measured requests were served from the
public page cache (anonymous pages; ``roadmap_portal/core/pagecache.py``). With
``--no-page-cache`` the server renders every page afresh: the figures of the cache's misses.

Needs wrk (Debian: ``apt-get install -y wrk``) and PostgreSQL; Redis is used as in production
when ``--redis-url`` answers. Exits with 1 when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBER_EMAIL = "bench-member@example.org"
STAFF_EMAIL = "bench-staff@example.org"
PING = "/__bench__/ping"
SCALE = ("--organisations", "5000", "--people", "50000", "--activities", "300",
         "--registrations", "200000", "--seed", "2025")  # fmt: skip

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "requests": %d, "duration_us": %d, "errors": %d}\\n',
    latency:percentile(50), latency:percentile(95), summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--prepare", action="store_true", help="create and fill the database")
    parser.add_argument("--database", default="roadmap_scale", help="PostgreSQL database name")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--port", type=int, default=8941)
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=4, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--server-cpus", default="0", help="taskset CPU list of gunicorn")
    parser.add_argument("--client-cpus", default="1", help="taskset CPU list of wrk")
    parser.add_argument("--only", nargs="*", default=None, help="measure only these paths")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve every page rendered afresh (PUBLIC_PAGE_CACHE_TTL=0): the cache's misses",
    )
    arguments = parser.parse_args(argv)
    if arguments.duration < 1 or arguments.connections < 1 or arguments.threads < 1:
        parser.error("--duration, --connections and --threads must be 1 or more")
    if arguments.threads > arguments.connections:
        parser.error("--threads cannot exceed --connections")
    return arguments


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def server_environment(arguments) -> dict[str, str]:
    """The production settings with this run's secret; the same for gunicorn and this script."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="roadmap_portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(Path(tempfile.gettempdir()) / "roadmap-bench-static"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"{arguments.pg.rstrip('/')}/{arguments.database}",
        GUNICORN_BIND=f"127.0.0.1:{arguments.port}",
        GUNICORN_LOG_LEVEL="warning",
    )
    if arguments.no_page_cache:
        environment["PUBLIC_PAGE_CACHE_TTL"] = "0"
    if redis_answers(arguments.redis_url):
        environment["REDIS_URL"] = arguments.redis_url
    else:
        environment.pop("REDIS_URL", None)
        log(f"Redis at {arguments.redis_url} does not answer: each worker caches in memory.")
    return environment


def manage(environment, *command) -> None:
    # Their output goes to stderr: stdout carries only the JSON lines.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], env=environment,
                   stdout=sys.stderr, check=True)  # fmt: skip


def database_exists(arguments) -> bool:
    import psycopg

    with psycopg.connect(f"{arguments.pg.rstrip('/')}/postgres", autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [arguments.database]
        ).fetchone()
        if found is None and arguments.prepare:
            log(f"Creating database {arguments.database}")
            connection.execute(f'CREATE DATABASE "{arguments.database}"')
            return True
    return found is not None


def prepare(arguments, environment) -> None:
    import django

    django.setup()
    from taskforce.models import Organisation

    if not Organisation.objects.filter(slug__startswith="scale1-").exists():
        log("Generating the scale data (about half a minute)")
        manage(environment, "generate_scale_data", *SCALE)


def ensure_static(environment) -> None:
    """The production settings serve hashed static files: collect them once."""
    if not (Path(environment["DJANGO_STATIC_ROOT"]) / "staticfiles.json").exists():
        manage(environment, "collectstatic", "--no-input", "-v", "0")


def sign_in(email: str, *, staff: bool) -> str:
    """A session key for ``email``: a member focal point of a busy scale organisation, or staff."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from roadmap_portal.accounts.roles import ensure_secretariat_group
    from taskforce.models import Affiliation, Person

    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=email.split("@")[0])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if staff:
        user.groups.add(ensure_secretariat_group())
    elif not Person.objects.filter(user=user).exists():
        focal = (
            Affiliation.objects.filter(is_focal_point=True, organisation__slug__startswith="scale",
                                       person__user__isnull=True)
            .annotate(registrations=Count("person__registrations"))
            .order_by("-registrations", "pk")
            .select_related("person")
            .first()
        )  # fmt: skip
        if focal is None:
            raise SystemExit("No scale data in this database: run with --prepare first.")
        Person.objects.filter(pk=focal.person_id).update(user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def key_pages(member_session: str, staff_session: str) -> list[tuple[str, str]]:
    """``(path, session key or "")`` of each key page; the dialogue is the most registered."""
    from django.db.models import Count, Q

    from dialogues.models import Convening

    convening = (
        Convening.objects.annotate(
            active=Count("activity__registrations",
                         filter=Q(activity__registrations__status="confirmed"))
        )
        .order_by("-active", "pk")
        .first()
    )  # fmt: skip
    if convening is None:
        raise SystemExit("No convening in this database: run with --prepare first.")
    return [
        ("/", ""),
        ("/taskforce/?country=TH", ""),
        ("/taskforce/?q=cooperative", ""),
        (convening.get_absolute_url(), ""),
        ("/webinars/", ""),
        ("/manage/taskforce/people/?country=TH", staff_session),
        ("/me/", member_session),
    ]


def count_queries(pages) -> dict[str, dict]:
    """Each page's queries, in-process, after one request that warms the caches.

    ``queries`` is what the measured requests cost: for an anonymous page served from the
    public page cache, the cost of a hit. ``queries_rendered`` is the cost of rendering the
    page afresh (the cache's miss, or a signed-in visitor).
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    def cost(client, page):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        if response.status_code != 200:
            raise SystemExit(f"{page} answered {response.status_code}, not 200.")
        return response, len(queries)

    counts = {}
    for page, session in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        if session:
            client.cookies["sessionid"] = session
        client.get(page)
        response, queries = cost(client, page)
        with override_settings(PUBLIC_PAGE_CACHE_TTL=0):
            _response, rendered = cost(client, page)
        counts[page] = {
            "queries": queries,
            "queries_rendered": rendered,
            "page_cache": "hit" if response.get("X-Page-Cache") == "hit" else "no",
        }
    return counts


def pinned(cpus: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpus, *command] if shutil.which("taskset") and cpus else command


def start_server(arguments, environment) -> subprocess.Popen:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", arguments.port)) == 0:
            raise SystemExit(f"Port {arguments.port} is taken: choose another with --port.")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "--config", str(ROOT / "gunicorn.conf.py"),
               "benchmarks.bench_wsgi:application"]  # fmt: skip
    server = subprocess.Popen(
        pinned(arguments.server_cpus, command),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{arguments.port}{PING}", timeout=2):
                return server
        except (urllib.error.URLError, OSError) as error:
            if server.poll() is not None:
                stderr = server.stderr.read().decode()[-2000:]
                raise SystemExit(f"gunicorn stopped: {stderr}") from error
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds.")


def load(arguments, page: str, session: str, script: Path, *, seconds: int) -> dict:
    command = [
        "wrk", f"-t{arguments.threads}", f"-c{arguments.connections}", f"-d{seconds}s",
        "--timeout", "10s", "-s", str(script),
    ]  # fmt: skip
    if session:
        command += ["-H", f"Cookie: sessionid={session}"]
    command.append(f"http://127.0.0.1:{arguments.port}{page}")
    output = subprocess.run(pinned(arguments.client_cpus, command), capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def measure(arguments, page: str, session: str, script: Path) -> dict:
    if arguments.warmup:
        load(arguments, page, session, script, seconds=arguments.warmup)
    report = load(arguments, page, session, script, seconds=arguments.duration)
    return {
        "p50_ms": round(report["p50_us"] / 1000, 1),
        "p95_ms": round(report["p95_us"] / 1000, 1),
        "rps": round(report["requests"] / (report["duration_us"] / 1_000_000), 1),
        "errors": report["errors"],
    }


def main(argv=None) -> int:
    arguments = parse_arguments(argv)
    if shutil.which("wrk") is None:
        log("wrk is not installed: on Debian or Ubuntu, `apt-get install -y wrk`.")
        return 2
    environment = server_environment(arguments)
    os.environ.update(environment)
    if not database_exists(arguments):
        log(f"No database {arguments.database}: run with --prepare first.")
        return 2
    manage(environment, "migrate", "--no-input", "-v", "0")  # a no-op when up to date
    if arguments.prepare:
        prepare(arguments, environment)
    ensure_static(environment)
    import django

    django.setup()
    member_session = sign_in(MEMBER_EMAIL, staff=False)
    staff_session = sign_in(STAFF_EMAIL, staff=True)
    pages = key_pages(member_session, staff_session)
    if arguments.only:
        pages = [(page, session) for page, session in pages if page in arguments.only]
    queries = count_queries(pages)
    from django.db import connections

    connections.close_all()

    results = []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_REPORT)
        server = start_server(arguments, environment)
        try:
            baseline = measure(arguments, PING, "", script)
            log(f"baseline {PING}: {json.dumps(baseline)}")
            for page, session in pages:
                figures = measure(arguments, page, session, script)
                result = {
                    "page": page,
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "rps": figures["rps"],
                    "baseline_rps": baseline["rps"],
                    "ratio_to_baseline": round(figures["rps"] / baseline["rps"], 3),
                    **queries[page],
                    "errors": figures["errors"],
                }
                print(json.dumps(result), flush=True)
                results.append(result)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(results), flush=True)
    return 1 if any(result["errors"] for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
