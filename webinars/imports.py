"""Reading a meeting platform's attendance export: decoding, columns, rows. No database writes.

Decisions (documented for staff on the upload page):

- Encoding: UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark (what
  Teams writes) are read. Anything else is refused with the byte and line that cannot be read;
  a legacy encoding such as Windows-1252 is never guessed, because a wrong guess turns names in
  Thai, Vietnamese or Khmer into mojibake that would then be stored. Staff re-save the file as
  "CSV UTF-8".
- Columns are found case-insensitively among common aliases (Zoom, Teams, Google Meet); the
  e-mail and the duration are required, the name is optional. The header may follow a
  preamble (Zoom's meeting summary, Teams' "1. Summary"), and a later numbered section
  ("3. In-Meeting Activities") ends the table.
- Durations: a plain number is minutes (seconds when the column says so); "1:05:30" is
  hours, minutes and seconds and "1:05" hours and minutes; "1h 5m 30s" and "65 min" are read
  by their units. Minutes are rounded to the nearest whole minute.
- The same e-mail twice (someone who left and rejoined) is one attendee: the minutes of the
  later rows are added to the first and each later row is shown as a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# How far into the file the header row may be (after a platform's summary preamble).
HEADER_SEARCH_LINES = 40
MAX_MINUTES = 24 * 60

NAME_ALIASES = (
    "name (original name)",
    "name",
    "full name",
    "participant",
    "participant name",
    "display name",
    "user name",
    "attendee",
    "attendee name",
)
FIRST_NAME_ALIASES = ("first name", "given name")
LAST_NAME_ALIASES = ("last name", "surname", "family name")
EMAIL_ALIASES = (
    "user email",
    "email",
    "e-mail",
    "email address",
    "e-mail address",
    "attendee email",
    "participant email",
)
# Alias -> unit of a plain number in that column.
DURATION_ALIASES = {
    "total duration (minutes)": "minutes",
    "duration (minutes)": "minutes",
    "duration (mins)": "minutes",
    "time in session (minutes)": "minutes",
    "minutes attended": "minutes",
    "minutes": "minutes",
    "attendance duration": "minutes",
    "in-meeting duration": "minutes",
    "duration": "minutes",
    "duration (seconds)": "seconds",
    "duration (secs)": "seconds",
    "seconds": "seconds",
}
DELIMITERS = (",", ";", "\t")
SECTION_HEADING = re.compile(r"^\d+\.\s+\S")
UNIT_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.IGNORECASE
)
CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d))?$")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


class ImportRefused(Exception):
    """The whole file cannot be read; ``message`` says why, for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Columns:
    header_line: int
    delimiter: str
    email: int
    duration: int
    duration_unit: str
    name: int | None = None
    first_name: int | None = None
    last_name: int | None = None
    labels: dict = field(default_factory=dict)


@dataclass
class ParsedRow:
    line: int
    name: str
    email: str
    minutes: int | None
    error: str = ""


@dataclass
class ParsedFile:
    encoding: str
    columns: Columns
    rows: list[ParsedRow]


def decode(data: bytes) -> tuple[str, str]:
    """The text of an upload and the name of its encoding, or ``ImportRefused``."""
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            _("The file is %(size)s KB; the limit is %(limit)s KB. Split the export.")
            % {"size": math.ceil(len(data) / 1024), "limit": MAX_BYTES // 1024}
        )
    if data.startswith(b"PK\x03\x04"):
        raise ImportRefused(
            _("This is a spreadsheet workbook (.xlsx), not a CSV file. Save or export it as CSV.")
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise ImportRefused(
                _("The file says it is UTF-16 but byte %(position)s cannot be read.")
                % {"position": error.start}
            ) from error
    else:
        if data.count(b"\x00") > len(data) // 4:
            raise ImportRefused(
                _(
                    "The file looks like UTF-16 text without a byte-order mark, or is not text "
                    "at all. Export it again as CSV (UTF-8)."
                )
            )
        encoding = "UTF-8"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            offset = error.start
            line = data.count(b"\n", 0, offset) + 1
            raise ImportRefused(
                _(
                    "The file is not UTF-8 text: byte 0x%(byte)02X on line %(line)s cannot be "
                    "read. It was probably saved in a legacy encoding such as Windows-1252. "
                    'Save it as "CSV UTF-8" and upload it again.'
                )
                % {"byte": data[offset], "line": line}
            ) from error
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text[:200_000]):
        raise ImportRefused(_("The file contains control characters: it is not a CSV text file."))
    return text, encoding


def _normalise_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def _find_column(header: list[str], aliases) -> int | None:
    for alias in aliases:
        for index, cell in enumerate(header):
            if cell == alias:
                return index
    return None


def find_columns(lines: list[str]) -> Columns:
    """The header row (within the first lines) and where the name, e-mail and duration are."""
    for number, raw_line in enumerate(lines[:HEADER_SEARCH_LINES], start=1):
        for delimiter in DELIMITERS:
            if delimiter not in raw_line:
                continue
            cells = next(csv.reader([raw_line], delimiter=delimiter), [])
            header = [_normalise_header(cell) for cell in cells]
            email = _find_column(header, EMAIL_ALIASES)
            duration = _find_column(header, DURATION_ALIASES)
            if email is None or duration is None:
                continue
            name = _find_column(header, NAME_ALIASES)
            first_name = _find_column(header, FIRST_NAME_ALIASES)
            last_name = _find_column(header, LAST_NAME_ALIASES)
            labels = {"email": cells[email].strip(), "duration": cells[duration].strip()}
            if name is not None:
                labels["name"] = cells[name].strip()
            elif first_name is not None or last_name is not None:
                labels["name"] = " + ".join(
                    cells[index].strip() for index in (first_name, last_name) if index is not None
                )
            return Columns(
                header_line=number,
                delimiter=delimiter,
                email=email,
                duration=duration,
                duration_unit=DURATION_ALIASES[header[duration]],
                name=name,
                first_name=first_name,
                last_name=last_name,
                labels=labels,
            )
    raise ImportRefused(
        _(
            "No header row with an e-mail column and a duration column was found in the first "
            '%(count)s lines. Expected, for example, Zoom\'s "User Email" and "Total Duration '
            '(Minutes)" or Teams\' "Email" and "Duration".'
        )
        % {"count": HEADER_SEARCH_LINES}
    )


def parse_minutes(value: str, unit: str = "minutes") -> int:
    """Whole minutes from a platform's duration text; ``ValueError`` with a reason otherwise."""
    text = value.strip()
    if not text:
        raise ValueError(_("the duration is empty"))
    if text.startswith("-"):
        raise ValueError(_("the duration %(value)s is negative") % {"value": text})
    if NUMBER.match(text):
        amount = float(text.replace(",", "."))
        minutes = amount / 60 if unit == "seconds" else amount
    elif clock := CLOCK.match(text):
        hours, mins, seconds = clock.group(1), clock.group(2), clock.group(3) or "0"
        minutes = int(hours) * 60 + int(mins) + int(seconds) / 60
    else:
        parts = UNIT_PART.findall(text)
        leftover = UNIT_PART.sub("", text).strip(" ,")
        if not parts or leftover:
            raise ValueError(
                _("the duration %(value)s is not a number of minutes") % {"value": text}
            )
        minutes = 0.0
        for amount, name in parts:
            number = float(amount.replace(",", "."))
            letter = name.casefold()[0]
            minutes += number * 60 if letter == "h" else number / 60 if letter == "s" else number
    rounded = math.floor(minutes + 0.5)
    if rounded > MAX_MINUTES:
        raise ValueError(_("the duration %(value)s is longer than a day") % {"value": text})
    return rounded


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def parse(text: str, *, encoding: str) -> ParsedFile:
    """Every data row with its line number, its values, or the reason it cannot be read."""
    # Only CR and LF end a line: the line numbers shown must match a text editor's.
    lines = LINE_BREAK.split(text)
    columns = find_columns(lines)
    body = "\n".join(lines[columns.header_line :])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=columns.delimiter)
    rows: list[ParsedRow] = []
    needed = max(columns.email, columns.duration) + 1
    while True:
        line = columns.header_line + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rows.append(ParsedRow(line=line, name="", email="", minutes=None, error=str(error)))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        non_empty = [cell for cell in cells if cell.strip()]
        if len(non_empty) == 1 and SECTION_HEADING.match(non_empty[0].strip()):
            break  # the next numbered section of a Teams report
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": MAX_ROWS}
            )
        if columns.name is not None:
            name = _cell(cells, columns.name)
        else:
            name = " ".join(
                part
                for part in (_cell(cells, columns.first_name), _cell(cells, columns.last_name))
                if part
            )
        email = _cell(cells, columns.email)
        row = ParsedRow(line=line, name=name[:250], email=email.lower(), minutes=None)
        if len(cells) < needed:
            row.error = _("the row has %(found)s columns; %(needed)s are needed") % {
                "found": len(cells),
                "needed": needed,
            }
        elif not email:
            row.error = _("the e-mail address is missing")
        else:
            try:
                validate_email(email)
            except ValidationError:
                row.error = _("%(email)s is not an e-mail address") % {"email": email[:100]}
            else:
                try:
                    row.minutes = parse_minutes(
                        _cell(cells, columns.duration), columns.duration_unit
                    )
                except ValueError as error:
                    row.error = str(error)
        rows.append(row)
    if not rows:
        raise ImportRefused(_("The file has a header row but no attendee rows."))
    return ParsedFile(encoding=encoding, columns=columns, rows=rows)


def read_upload(data: bytes) -> ParsedFile:
    text, encoding = decode(data)
    return parse(text, encoding=encoding)
