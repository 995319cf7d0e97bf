"""`make run` migrates and seeds a fresh SQLite database: the same steps, in a subprocess.

The rest of the suite runs on the database that DATABASE_URL names (PostgreSQL in CI), so
this is what keeps the demo's own database working: an index or a migration that only
PostgreSQL accepts fails here.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*arguments, database: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_demo_database_migrates_and_seeds_on_sqlite(tmp_path):
    database = tmp_path / "demo.sqlite3"

    migrated = manage("migrate", "--noinput", database=database)
    assert migrated.returncode == 0, migrated.stderr
    seeded = manage("seed_demo", database=database)
    assert seeded.returncode == 0, seeded.stderr
    checked = manage("check", database=database)
    assert checked.returncode == 0, checked.stderr
