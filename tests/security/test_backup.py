"""Backup and restore with pg_dump: a dump of the database restores into an empty one with
every row (docs/SECURITY.md, "Backup and restore")."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import _need

pytestmark = pytest.mark.django_db(transaction=True)


def _tools() -> tuple[str, str]:
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if not (pg_dump and pg_restore):
        _need("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    return pg_dump, pg_restore


def _libpq_environment() -> dict:
    params = connection.get_connection_params()
    environment = {
        "PGHOST": str(params.get("host") or "127.0.0.1"),
        "PGPORT": str(params.get("port") or 5432),
        "PGUSER": str(params.get("user") or "postgres"),
    }
    if params.get("password"):
        environment["PGPASSWORD"] = str(params["password"])
    return environment


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  (table names of the models)
        counts[table] = cursor.fetchone()[0]
    return counts


def test_a_pg_dump_restores_into_an_empty_database_with_every_row(
    require_postgres, scenario, tmp_path
):
    import psycopg

    pg_dump, pg_restore = _tools()
    environment = {**_libpq_environment(), "PATH": "/usr/bin:/bin"}
    source = connection.settings_dict["NAME"]
    copy = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "backup.dump"
    with connection.cursor() as cursor:
        expected = _row_counts(cursor)
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in ("user", "password", "host", "port")
    }

    subprocess.run(  # noqa: S603
        [pg_dump, "-Fc", "--no-owner", "-f", str(dump), source],
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{copy}"')
    try:
        subprocess.run(  # noqa: S603
            [pg_restore, "--no-owner", "--exit-on-error", "-d", copy, str(dump)],
            env=environment,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with psycopg.connect(dbname=copy, **params) as restored:
            restored_counts = _row_counts(restored.cursor())
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

    assert restored_counts == expected
    assert expected["taskforce_person"] >= 3
    assert expected["registrations_registration"] >= 2
