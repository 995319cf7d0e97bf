"""docker-compose.yml: its structure, then the web, worker and beat commands run natively.

No Docker engine is needed: each app service's own `command` (and health check) is read from
the file, turned into argv for this virtualenv, and run against this machine's PostgreSQL (the
migrated test database) and Redis, on a free port.
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import environ
import pytest
import yaml
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
RAW_COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "beat")
CONTAINER_PORT = 8000
MEDIA_VOLUME = "media:/app/var/media"
# The executables a command names, taken from this virtualenv rather than from PATH.
EXECUTABLES = {
    "python": sys.executable,
    "gunicorn": str(Path(sys.executable).parent / "gunicorn"),
    "celery": str(Path(sys.executable).parent / "celery"),
}
TEST_SECRET_KEY = "compose-native-test-secret-key-" + "x" * 40
STEP_TIMEOUT = 30
START_TIMEOUT = 25
STOP_TIMEOUT = 10


def _need(reason: str):
    """Skip without the service, or fail when CI requires the services (as tests/conftest.py)."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# --- reading the compose file -------------------------------------------------------------

_COMPOSE_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}")
_SHELL_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)\}|(?P<name>\w+))")


def interpolate(value, variables: dict[str, str]):
    """Compose's `${VAR}`, `${VAR:-default}` and `$$`, with `variables` as the shell's."""
    if isinstance(value, str):

        def substitute(match):
            if match.group(0) == "$$":
                return "$"
            given = variables.get(match["name"], "")
            return given or (match["default"] or "")

        return _COMPOSE_VARIABLE.sub(substitute, value)
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    return value


def compose_service(name: str, variables: dict[str, str] | None = None) -> dict:
    """One service as `docker compose config` would see it with these shell variables."""
    return interpolate(RAW_COMPOSE["services"][name], variables or {})


def localise(text: str, port: int) -> str:
    """The container's port 8000, on every interface, becomes `port` on the loopback here."""
    for address in ("0.0.0.0", "127.0.0.1"):  # noqa: S104
        text = text.replace(f"{address}:{CONTAINER_PORT}", f"127.0.0.1:{port}")
    return text


def native_steps(command, *, environment: dict[str, str], port: int) -> list[list[str]]:
    """A compose `command` or health-check `test` as the argv lists to run here, in order.

    A string is split into words, as Compose does for `command`. `sh -c "a && exec b"` and
    `CMD-SHELL` scripts are split on `&&` with their `$VAR` expanded from `environment` (no
    other shell syntax is accepted, so a new one fails loudly here). `python`, `gunicorn` and
    `celery` become this virtualenv's executables.
    """
    if isinstance(command, str):
        command = shlex.split(command)
    if command[0] == "CMD":
        steps = [command[1:]]
    elif command[0] == "CMD-SHELL" or command[:2] == ["sh", "-c"]:
        script = command[-1]
        assert re.search(r"[;|<>`]", script) is None, f"unsupported shell syntax: {script}"

        def expand(match):
            return environment[match["braced"] or match["name"]]

        steps = [shlex.split(_SHELL_VARIABLE.sub(expand, part)) for part in script.split("&&")]
        steps = [step[1:] if step[0] == "exec" else step for step in steps]
    else:
        steps = [list(command)]
    return [
        [EXECUTABLES.get(step[0], step[0]), *(localise(arg, port) for arg in step[1:])]
        for step in steps
    ]


# --- running processes ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def native_environment(
    service: dict, *, database_url: str, redis_url: str, port: int, tmp_path: Path
) -> dict[str, str]:
    """The service's compose environment, pointed at this machine's services."""
    inherited = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        if key in os.environ
    }
    declared = {key: localise(str(value), port) for key, value in service["environment"].items()}
    return {
        **inherited,
        **declared,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        # One Gunicorn worker proves the command; more only cost start-up time here.
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }


def run_step(argv: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )


@contextmanager
def running(argv: list[str], *, environment: dict[str, str], log_path: Path):
    """Start a long-running command in its own process group; stop the whole group on exit."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen):
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    # Whatever is left of the group (a stuck leader, an orphaned pool child) goes now.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


def wait_for(check, *, process: subprocess.Popen, log_path: Path, what: str):
    """Poll `check` until it returns something truthy; fail with the log if it never does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if process.poll() is not None:
            pytest.fail(
                f"{what}: the process exited with {process.returncode}:\n{log_path.read_text()}"
            )
        time.sleep(0.2)
    pytest.fail(f"{what}: nothing within {START_TIMEOUT}s:\n{log_path.read_text()}")


def get_healthz(port: int):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services_in_environment():
    """DATABASE_URL in the environment names PostgreSQL (the processes share one database)
    and REDIS_URL is set; the `redis_url` fixture then checks that Redis answers.

    Module-scoped so that it decides before pytest-django builds a test database.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url or "postgresql" not in environ.Env.db_url_config(url)["ENGINE"]:
        _need("the compose services need PostgreSQL (set DATABASE_URL=postgres://...)")
    if not os.environ.get("REDIS_URL"):
        _need("the compose services need Redis (set REDIS_URL=redis://...)")


@pytest.fixture
def database_url(services_in_environment, transactional_db) -> str:
    """The migrated test database pytest-django created, as a URL for the subprocesses."""
    database = connection.settings_dict
    assert database["NAME"].startswith("test_"), "never point the services at a real database"
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'], safe='')}"


# --- the structure --------------------------------------------------------------------------


def test_compose_defines_the_five_services():
    assert sorted(RAW_COMPOSE["services"]) == ["beat", "db", "redis", "web", "worker"]


def test_compose_uses_postgres_15_and_redis_7():
    images = {name: compose_service(name)["image"] for name in ("db", "redis")}

    assert images == {"db": "postgres:15", "redis": "redis:7"}


def test_redis_evicts_only_what_has_a_ttl_so_the_broker_queues_stay():
    command = compose_service("redis")["command"]
    options = dict(zip(command[1::2], command[2::2], strict=True))

    assert options["--maxmemory-policy"] == "volatile-lru"
    assert options["--maxmemory"]
    assert (options["--save"], options["--appendonly"]) == ("", "no")


def test_every_long_running_service_but_beat_has_a_health_check():
    checks = {
        name: compose_service(name)["healthcheck"]["test"][0]
        for name in ("db", "redis", "web", "worker")
    }

    assert checks == {"db": "CMD-SHELL", "redis": "CMD", "web": "CMD", "worker": "CMD-SHELL"}
    assert "pg_isready" in compose_service("db")["healthcheck"]["test"][1]
    assert compose_service("redis")["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_worker_health_check_pings_its_own_node():
    assert compose_service("worker")["healthcheck"]["test"] == [
        "CMD-SHELL",
        "celery -A roadmap_portal inspect ping -d celery@$HOSTNAME --timeout 10",
    ]


def test_named_volumes_hold_the_database_and_the_media():
    assert sorted(RAW_COMPOSE["volumes"]) == ["media", "pgdata"]
    assert compose_service("db")["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_web_and_worker_share_the_media_volume():
    mounts = {name: compose_service(name)["volumes"] for name in ("web", "worker")}
    media_roots = {
        name: compose_service(name)["environment"]["DJANGO_MEDIA_ROOT"]
        for name in ("web", "worker")
    }

    assert mounts == {"web": [MEDIA_VOLUME], "worker": [MEDIA_VOLUME]}
    assert media_roots == {"web": "/app/var/media", "worker": "/app/var/media"}


def test_exactly_one_beat_runs():
    commands = {
        name: compose_service(name).get("command") or [] for name in RAW_COMPOSE["services"]
    }
    runs_beat = [
        name
        for name, command in commands.items()
        if "beat" in command or "-B" in command or "--beat" in command
    ]

    assert runs_beat == ["beat"]
    assert compose_service("beat")["deploy"] == {"replicas": 1}


def test_worker_consumes_every_queue_with_a_memory_cap():
    command = compose_service("worker")["command"]

    assert command[:4] == ["celery", "-A", "roadmap_portal", "worker"]
    assert command[command.index("-Q") + 1] == "default,mail,reports"
    assert int(command[command.index("--max-memory-per-child") + 1]) > 0
    assert command[command.index("-O") + 1] == "fair"


def test_app_services_wait_for_healthy_database_and_redis():
    conditions = {
        name: {
            dependency: compose_service(name)["depends_on"][dependency]["condition"]
            for dependency in ("db", "redis")
        }
        for name in APP_SERVICES
    }
    healthy = {"db": "service_healthy", "redis": "service_healthy"}

    assert conditions == dict.fromkeys(APP_SERVICES, healthy)


def test_app_services_run_production_settings_on_the_compose_services():
    environments = {name: compose_service(name)["environment"] for name in APP_SERVICES}

    for environment in environments.values():
        assert environment["DJANGO_SETTINGS_MODULE"] == "roadmap_portal.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@db:5432/roadmap")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "false"
        assert environment["DJANGO_DEMO_ACCOUNTS"] == "false"


def test_secrets_come_from_the_shell_with_dev_defaults_production_settings_accept():
    production = {
        "DJANGO_SECRET_KEY": "p" * 64,
        "DJANGO_ALLOWED_HOSTS": "roadmap.example.org",
        "POSTGRES_PASSWORD": "from-the-operator",
    }
    given = compose_service("web", production)["environment"]
    default = compose_service("web")["environment"]

    assert given["DJANGO_SECRET_KEY"] == "p" * 64
    assert given["DJANGO_ALLOWED_HOSTS"] == "roadmap.example.org"
    assert given["DATABASE_URL"] == "postgres://portal:from-the-operator@db:5432/roadmap"
    # The dev default must still satisfy production settings, or `docker compose up` would fail.
    assert len(default["DJANGO_SECRET_KEY"]) >= 50
    assert not default["DJANGO_SECRET_KEY"].startswith(("django-insecure", "change-me"))


def test_native_steps_turn_a_shell_command_into_argv_for_this_virtualenv():
    command = ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -b 0.0.0.0:8000"]

    steps = native_steps(command, environment={}, port=5123)

    assert steps == [
        [sys.executable, "manage.py", "migrate", "--noinput"],
        [EXECUTABLES["gunicorn"], "-b", "127.0.0.1:5123"],
    ]


# --- each service's own command, run natively -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_web_command_migrates_and_serves_healthz(database_url, redis_url, tmp_path):
    port = free_port()
    web = compose_service("web")
    environment = native_environment(
        web, database_url=database_url, redis_url=redis_url, port=port, tmp_path=tmp_path
    )
    *setup, serve = native_steps(web["command"], environment=environment, port=port)
    [health_check] = native_steps(web["healthcheck"]["test"], environment=environment, port=port)
    log_path = tmp_path / "web.log"

    migrated = [run_step(step, environment) for step in setup]
    assert [result.returncode for result in migrated] == [0], migrated
    with running(serve, environment=environment, log_path=log_path) as process:
        answer = wait_for(
            lambda: get_healthz(port), process=process, log_path=log_path, what="GET /healthz"
        )
        checked = run_step(health_check, environment)

    assert answer == (
        200,
        "application/json",
        {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.django_db(transaction=True)
def test_worker_command_answers_a_ping(database_url, redis_url, tmp_path):
    port = free_port()
    worker = compose_service("worker")
    container_hostname = f"compose-test-{uuid.uuid4().hex[:12]}"
    node = f"celery@{container_hostname}"
    environment = native_environment(
        worker, database_url=database_url, redis_url=redis_url, port=port, tmp_path=tmp_path
    )
    [consume] = native_steps(worker["command"], environment=environment, port=port)
    # Inside a container the node is celery@<container hostname>; here it gets a unique one.
    environment_with_hostname = {**environment, "HOSTNAME": container_hostname}
    [health_check] = native_steps(
        worker["healthcheck"]["test"], environment=environment_with_hostname, port=port
    )
    log_path = tmp_path / "worker.log"

    with (
        Celery("compose-test", broker=redis_url, set_as_current=False) as client,
        running(
            [*consume, "--hostname", node], environment=environment, log_path=log_path
        ) as process,
    ):
        replies = wait_for(
            lambda: client.control.ping(destination=[node], timeout=1.0),
            process=process,
            log_path=log_path,
            what=f"a ping answered by {node}",
        )
        checked = run_step(health_check, environment_with_hostname)

    assert replies == [{node: {"ok": "pong"}}]
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.django_db(transaction=True)
def test_beat_command_starts(database_url, redis_url, tmp_path):
    port = free_port()
    beat = compose_service("beat")
    environment = native_environment(
        beat, database_url=database_url, redis_url=redis_url, port=port, tmp_path=tmp_path
    )
    [schedule] = native_steps(beat["command"], environment=environment, port=port)
    # The container keeps its schedule under /tmp; here each run gets its own file.
    schedule_option = schedule.index("--schedule") + 1
    assert schedule[schedule_option].startswith("/tmp/")
    schedule[schedule_option] = str(tmp_path / "celerybeat-schedule")
    log_path = tmp_path / "beat.log"

    with running(schedule, environment=environment, log_path=log_path) as process:
        wait_for(
            lambda: "beat: Starting..." in log_path.read_text(),
            process=process,
            log_path=log_path,
            what="celery beat starting",
        )
        still_running = process.poll() is None

    assert still_running is True
