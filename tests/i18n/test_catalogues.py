"""The committed catalogues are up to date with the code, and the compiled ones with them."""

import gettext
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.pofile import read_po

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
TRANSLATED_LANGUAGES = ["id", "th"]
# What makemessages never needs to see; copying less keeps the test quick.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "var", "staticfiles", "node_modules", "__pycache__", "*.sqlite3", "*.pyc"
)


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing)}); see `make doctor`")


def _makemessages_command() -> list[str]:
    """The makemessages line of the Makefile's ``messages`` target, run with this Python."""
    for line in (BASE_DIR / "Makefile").read_text().splitlines():
        if "manage.py makemessages" in line:
            words = shlex.split(line.strip().replace("$(BIN)/python", shlex.quote(sys.executable)))
            return words
    raise AssertionError("the Makefile has no `manage.py makemessages` line")


def _keys(path: Path) -> set[tuple]:
    return {entry.key for entry in read_po(path) if entry.msgid}


def test_makefile_messages_target_covers_each_translated_language_without_locations():
    command = _makemessages_command()

    assert [command[i + 1] for i, word in enumerate(command) if word == "-l"] == (
        TRANSLATED_LANGUAGES
    )
    assert "--no-location" in command
    assert "--no-obsolete" in command


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_exists_for_each_language(language):
    catalogue = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    assert catalogue.is_file()
    assert _keys(catalogue) != set()


def test_catalogues_hold_exactly_the_strings_the_code_marks(tmp_path):
    """Run makemessages as ``make messages`` does, on a copy, and compare the msgids.

    Header dates and the order of entries do not count; a missing or stale msgid does.
    """
    _need("xgettext", "msgmerge", "msguniq")
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=NOT_COPIED, symlinks=True)

    result = subprocess.run(
        _makemessages_command(), cwd=copy, capture_output=True, text=True, timeout=600
    )

    assert result.returncode == 0, result.stderr
    differences = {}
    for language in TRANSLATED_LANGUAGES:
        relative = Path(language) / "LC_MESSAGES" / "django.po"
        committed, fresh = _keys(LOCALE_DIR / relative), _keys(copy / "locale" / relative)
        if committed != fresh:
            differences[language] = {
                "missing (run `make messages`)": sorted(fresh - committed, key=str)[:20],
                "stale (run `make messages`)": sorted(committed - fresh, key=str)[:20],
            }
    assert differences == {}


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_compiled_catalogue_matches_its_source(language, tmp_path):
    """The committed .mo is what msgfmt makes of the committed .po (`make messages` compiles)."""
    _need("msgfmt")
    source = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(source)], check=True, timeout=60)

    with fresh.open("rb") as expected, source.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(expected)._catalog
        )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_every_placeholder_of_their_source(language):
    """msgfmt --check refuses a translation that drops or misspells a %(name)s placeholder."""
    _need("msgfmt")
    source = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stderr == ""
    assert result.returncode == 0
