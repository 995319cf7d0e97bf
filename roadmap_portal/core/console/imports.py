"""CSV imports in the console: upload, preview, then an all-or-nothing confirm.

The rules, told to staff on the upload page:

- Encoding: UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are
  read. Anything else is refused with the byte and line that cannot be read: a legacy
  encoding such as Windows-1252 is never guessed, because a wrong guess turns Thai,
  Vietnamese or Khmer names into mojibake that would then be stored.
- Files that are not text (a workbook, a PDF, bytes with NULs or control characters) are
  refused, as are files over the size limit or with more rows than the row limit.
- The first line names the columns, in any order and case; comma, semicolon and tab
  separators are recognised. Unknown columns are ignored and listed; a missing required
  column refuses the file.
- The upload is kept in private storage (never served) under a signed token that only its
  uploader can use and that expires; a periodic task removes expired files.
- The preview tells, line by line, what will be created, updated, left unchanged or
  rejected (with the reason). The import runs only when no line is rejected, in one
  transaction: everything is written, or nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
UPLOAD_DIR = "console-imports"
SIGNING_SALT = "roadmap_portal.core.console.imports"
DELIMITERS = (",", ";", "\t")


def upload_ttl() -> dt.timedelta:
    """How long an upload waits for its confirmation (``CONSOLE_IMPORT_TTL_MINUTES``)."""
    return dt.timedelta(minutes=getattr(settings, "CONSOLE_IMPORT_TTL_MINUTES", 120))


class ImportRefused(Exception):
    """The file, or the import as a whole, cannot go ahead; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Reading the file ---------------------------------------------------------------------------


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of an upload, or ``ImportRefused`` saying what is wrong with it."""
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    if len(data) > max_bytes:
        raise ImportRefused(
            _("The file is %(size)s KB; the limit is %(limit)s KB. Split it into smaller files.")
            % {"size": math.ceil(len(data) / 1024), "limit": max_bytes // 1024}
        )
    if data.startswith(b"PK\x03\x04"):
        raise ImportRefused(
            _("This is a spreadsheet workbook (.xlsx), not a CSV file. Save it as CSV UTF-8.")
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused(_("This is a PDF document, not a CSV file."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                _("The file says it is UTF-16 but byte %(position)s cannot be read.")
                % {"position": error.start}
            ) from error
    else:
        if b"\x00" in data:
            raise ImportRefused(
                _(
                    "The file contains NUL bytes: it is UTF-16 without a byte-order mark, or "
                    "not text at all. Save it as CSV UTF-8."
                )
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            offset = error.start
            raise ImportRefused(
                _(
                    "The file is not UTF-8 text: byte 0x%(byte)02X on line %(line)s cannot be "
                    "read. It was probably saved in a legacy encoding such as Windows-1252. "
                    'Save it as "CSV UTF-8" and upload it again.'
                )
                % {"byte": data[offset], "line": data.count(b"\n", 0, offset) + 1}
            ) from error
    for number, line in enumerate(text.splitlines(), start=1):
        if any(unicodedata.category(char) == "Cc" and char not in "\t\r\n" for char in line):
            raise ImportRefused(
                _("Line %(line)s contains control characters: this is not a CSV text file.")
                % {"line": number}
            )
    return text.lstrip("\ufeff")


@dataclass(frozen=True)
class ImportColumn:
    """A column the import reads: its name in the header, other names it answers to, and
    the help shown on the upload page."""

    name: str
    help_text: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {_header_key(self.name), *(_header_key(alias) for alias in self.aliases)}


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]
    error: str = ""

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class CsvFile:
    rows: list[CsvRow]
    ignored_columns: list[str] = field(default_factory=list)


def _header_key(cell: str) -> str:
    cleaned = cell.replace("\ufeff", "").strip().casefold().replace("_", " ")
    return " ".join(cleaned.split())


def _cell(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _choose_delimiter(header_line: str, columns: Sequence[ImportColumn]) -> str:
    known = set().union(*(column.names() for column in columns))

    def recognised(delimiter: str) -> int:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if _header_key(cell) in known)

    return max(DELIMITERS, key=recognised)


def read_csv(text: str, columns: Sequence[ImportColumn], *, max_rows: int = MAX_ROWS) -> CsvFile:
    """The rows of the file under the columns' names, or ``ImportRefused``."""
    lines = text.splitlines()
    header_index = next((index for index, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise ImportRefused(_("The file is empty."))
    delimiter = _choose_delimiter(lines[header_index], columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header: list[str] = []
        while not any(cell.strip() for cell in header):
            header = next(reader)
        by_position: dict[int, str] = {}
        ignored: list[str] = []
        for position, cell in enumerate(header):
            key = _header_key(cell)
            column = next((c for c in columns if key in c.names()), None)
            if column is None:
                if key:
                    ignored.append(cell.strip())
                continue
            if column.name in by_position.values():
                raise ImportRefused(
                    _('The column "%(column)s" appears twice in the first line.')
                    % {"column": column.name}
                )
            by_position[position] = column.name
        missing = [c.name for c in columns if c.required and c.name not in by_position.values()]
        if missing:
            raise ImportRefused(
                _(
                    "The first line must name the columns; %(missing)s is missing. "
                    "The columns are: %(columns)s."
                )
                % {
                    "missing": ", ".join(f'"{name}"' for name in missing),
                    "columns": ", ".join(column.name for column in columns),
                }
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows:
                raise ImportRefused(
                    _("The file has more than %(limit)s rows. Split it into smaller files.")
                    % {"limit": max_rows}
                )
            values = {
                name: _cell(cells[position]) if position < len(cells) else ""
                for position, name in by_position.items()
            }
            error = ""
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                error = _("This line has more cells than the first line has columns.")
            rows.append(CsvRow(line=reader.line_num, values=values, error=error))
    except csv.Error as error:
        raise ImportRefused(
            _("Line %(line)s cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    if not rows:
        raise ImportRefused(_("The file has a header line but no rows."))
    return CsvFile(rows=rows, ignored_columns=ignored)


# The plan ------------------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
ACTION_LABELS = {
    CREATE: gettext_lazy("Will be created"),
    UPDATE: gettext_lazy("Will be updated"),
    UNCHANGED: gettext_lazy("Already up to date"),
    REJECT: gettext_lazy("Rejected"),
}


@dataclass
class PlannedRow:
    """What the import does with one line. ``target`` and ``data`` are for ``apply``."""

    line: int
    action: str
    label: str
    details: list[str] = field(default_factory=list)
    target: Any = None
    data: dict = field(default_factory=dict)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.count(REJECT) == 0

    def refusal(self) -> ImportRefused:
        rejected = self.count(REJECT)
        return ImportRefused(
            _(
                "Nothing was imported: %(count)s line(s) are rejected. Correct the file and "
                "upload it again."
            )
            % {"count": rejected}
        )


class ConsoleImport:
    """An app's CSV import: its columns, how a file's rows are planned and applied.

    ``plan(rows)`` reads the database and tells what each row would do (no writes);
    ``apply(rows=..., by=...)`` is a service: in one transaction it plans again against the
    current data, raises ``ImportRefused`` if any row is rejected, and writes every row.
    """

    key: str = ""
    title: str = ""
    help_text: str = ""
    columns: Sequence[ImportColumn] = ()
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES

    def read(self, data: bytes) -> CsvFile:
        return read_csv(
            decode(data, max_bytes=self.max_bytes), self.columns, max_rows=self.max_rows
        )

    def preview(self, csv_file: CsvFile) -> ImportPlan:
        """The plan of every line: unreadable lines are rejected here, the rest by ``plan``."""
        readable = [row for row in csv_file.rows if not row.error]
        planned = self.plan(readable).rows if readable else []
        unreadable = [
            PlannedRow(line=row.line, action=REJECT, label="", details=[row.error])
            for row in csv_file.rows
            if row.error
        ]
        rows = sorted([*planned, *unreadable], key=lambda row: row.line)
        return ImportPlan(rows=rows, ignored_columns=csv_file.ignored_columns)

    def confirm(self, csv_file: CsvFile, *, by) -> ImportPlan:
        if any(row.error for row in csv_file.rows):
            raise self.preview(csv_file).refusal()
        return self.apply(rows=csv_file.rows, by=by)

    # Each app's importer (e.g. taskforce/imports.py) says what its rows become.
    def plan(self, rows: list[CsvRow]) -> ImportPlan:
        raise NotImplementedError(f"{type(self).__name__} must say what its rows become")

    def apply(self, *, rows: list[CsvRow], by) -> ImportPlan:
        raise NotImplementedError(f"{type(self).__name__} must say how its rows are written")


# Keeping the upload until it is confirmed ------------------------------------------------


def store_upload(*, data: bytes, kind: str, user) -> str:
    """Keep ``data`` in private storage; the token names it for ``user`` only, until it expires."""
    name = default_storage.save(f"{UPLOAD_DIR}/{secrets.token_hex(16)}.csv", ContentFile(data))
    return signing.dumps({"file": name, "kind": kind, "user": user.pk}, salt=SIGNING_SALT)


def _read_token(token: str, *, kind: str, user) -> str:
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=upload_ttl().total_seconds())
    except signing.SignatureExpired as error:
        raise ImportRefused(_("This upload has expired. Please upload the file again.")) from error
    except signing.BadSignature as error:
        raise ImportRefused(_("This upload is unknown. Please upload the file again.")) from error
    if payload.get("kind") != kind or payload.get("user") != user.pk:
        raise ImportRefused(_("This upload is unknown. Please upload the file again."))
    name = str(payload.get("file", ""))
    if not name.startswith(f"{UPLOAD_DIR}/") or ".." in name:
        raise ImportRefused(_("This upload is unknown. Please upload the file again."))
    return name


def load_upload(*, token: str, kind: str, user) -> bytes:
    name = _read_token(token, kind=kind, user=user)
    if not default_storage.exists(name):
        raise ImportRefused(
            _("This upload has already been imported or has expired. Please upload it again.")
        )
    with default_storage.open(name, "rb") as upload:
        return upload.read()


def discard_upload(*, token: str, kind: str, user) -> None:
    try:
        name = _read_token(token, kind=kind, user=user)
    except ImportRefused:
        return
    default_storage.delete(name)


def purge_expired_uploads(*, now: dt.datetime | None = None) -> int:
    """Remove uploads older than the time they may wait for confirmation; returns how many."""
    now = now or timezone.now()
    try:
        _folders, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return 0
    purged = 0
    for filename in files:
        name = f"{UPLOAD_DIR}/{filename}"
        if default_storage.get_modified_time(name) <= now - upload_ttl():
            default_storage.delete(name)
            purged += 1
    return purged
