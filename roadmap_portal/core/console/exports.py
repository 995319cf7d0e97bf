"""Exports of a console list, as filtered, to CSV or XLSX, in constant memory.

The rows are read with ``queryset.iterator(chunk_size=...)`` (prefetches run per chunk) and
written as they come: a CSV is a ``StreamingHttpResponse`` over a generator; an XLSX is an
openpyxl write-only workbook written to an anonymous temporary file, then streamed from it.
Neither ever holds the whole list in memory, so 100,000 rows cost what 1,000 do.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .lists import Column

FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` hands the line back, for ``csv.writer``."""

    def write(self, value):
        return value


def cell_value(value):
    """A plain value for a file cell: local naive datetimes, yes/no, text for the rest."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date | int | float):
        return value
    return str(value)


def _csv_text(value) -> str:
    value = cell_value(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def rows_of(queryset, columns: Sequence[Column], *, chunk_size: int) -> Iterator[list]:
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield [column.value(obj) for column in columns]


def csv_lines(queryset, columns: Sequence[Column], *, chunk_size: int) -> Iterator[str]:
    """The CSV file line by line: a UTF-8 byte-order mark (so spreadsheets read Thai and
    Vietnamese names right), the header of labels, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(column.label) for column in columns])
    for values in rows_of(queryset, columns, chunk_size=chunk_size):
        yield writer.writerow([_csv_text(value) for value in values])


def csv_response(
    queryset, columns: Sequence[Column], *, filename: str, chunk_size: int
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(queryset, columns, chunk_size=chunk_size), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(target, rows: Iterable[list], columns: Sequence[Column], *, title: str) -> None:
    """Write a one-sheet workbook to the file object ``target``, row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    safe_title = "".join(char for char in title if char not in "[]:*?/\\")[:31]
    sheet = workbook.create_sheet(title=safe_title or "Export")
    sheet.append([str(column.label) for column in columns])
    for values in rows:
        cells = []
        for value in values:
            value = cell_value(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Text stays text: openpyxl would take "=..." for a formula.
                cell.data_type = "s"
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)


def xlsx_response(
    queryset, columns: Sequence[Column], *, filename: str, title: str, chunk_size: int
) -> FileResponse:
    """Build the workbook in an anonymous temporary file and stream it from there; the file
    disappears when the response closes it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    write_xlsx(spool, rows_of(queryset, columns, chunk_size=chunk_size), columns, title=title)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
