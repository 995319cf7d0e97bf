"""Exports of any console list: as filtered, chosen columns, CSV or XLSX, streamed in chunks."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.core.console import exports
from roadmap_portal.core.console.lists import Column
from taskforce import console as taskforce_console
from tests.factories import AffiliationFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE_EXPORT = "taskforce_console:person_export"


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_export_is_streamed_and_leaves_personal_data_out_by_default(staff_client):
    PersonFactory(name="Ana Reyes", email="ana@example.org", phone="+63 2 555")

    response = staff_client.get(reverse(PEOPLE_EXPORT))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    rows = csv_rows(response)
    assert rows[0] == [
        "Name",
        "Name in Latin letters",
        "Organisations",
        "Gender",
        "Listed publicly",
        "Signs in",
        "Added",
    ]
    assert [row[0] for row in rows[1:]] == ["Ana Reyes"]
    assert "ana@example.org" not in "".join(rows[1])


def test_csv_export_has_the_columns_asked_for_in_their_order(staff_client):
    PersonFactory(name="Ana Reyes", email="ana@example.org", phone="+63 2 555")

    response = staff_client.get(reverse(PEOPLE_EXPORT), {"columns": "email,name,phone"})

    assert csv_rows(response) == [
        ["E-mail", "Name", "Phone"],
        ["ana@example.org", "Ana Reyes", "'+63 2 555"],
    ]


def test_csv_export_takes_columns_as_ticked_boxes_too(staff_client):
    PersonFactory(name="Ana Reyes", email="ana@example.org")

    response = staff_client.get(reverse(PEOPLE_EXPORT), {"columns": ["name", "email"]})

    assert csv_rows(response) == [["Name", "E-mail"], ["Ana Reyes", "ana@example.org"]]


def test_csv_export_follows_the_lists_filters_and_sort(staff_client):
    organisation = OrganisationFactory(name="Hợp tác xã Đồng Tâm")
    for name in ("Zoe Tan", "Bui Van An"):
        AffiliationFactory(person=PersonFactory(name=name), organisation=organisation)
    PersonFactory(name="Somebody Else")

    response = staff_client.get(
        reverse(PEOPLE_EXPORT),
        {"organisation": "hop tac xa dong tam", "sort": "-name", "columns": "name,organisations"},
    )

    assert csv_rows(response) == [
        ["Name", "Organisations"],
        ["Zoe Tan", "Hợp tác xã Đồng Tâm"],
        ["Bui Van An", "Hợp tác xã Đồng Tâm"],
    ]


def test_export_refuses_unknown_columns_and_formats(staff_client):
    unknown_column = staff_client.get(reverse(PEOPLE_EXPORT), {"columns": "name,password"})
    unknown_format = staff_client.get(reverse(PEOPLE_EXPORT), {"format": "pdf"})

    assert unknown_column.status_code == 400
    assert unknown_column.content.decode() == "Unknown column(s): password."
    assert unknown_format.status_code == 400


def test_export_reads_the_rows_in_chunks(staff_client, monkeypatch):
    """Memory stays flat: the rows come from ``iterator(chunk_size=...)``, never a list, and
    the prefetch of each chunk is its own query."""
    for number in range(5):
        AffiliationFactory(person=PersonFactory(name=f"Person {number}"))
    monkeypatch.setattr(taskforce_console.person_console, "export_chunk_size", 2)
    chunk_sizes = []
    original = QuerySet.iterator

    def spy(queryset, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return original(queryset, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)

    response = staff_client.get(reverse(PEOPLE_EXPORT), {"columns": "name,organisations"})
    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(response)

    assert chunk_sizes == [2]
    assert len(rows) == 6
    prefetches = [q for q in queries.captured_queries if "taskforce_affiliation" in q["sql"]]
    assert len(prefetches) == 3


def test_xlsx_export_is_a_workbook_with_the_chosen_columns(staff_client):
    PersonFactory(name='=HYPERLINK("x")', email="ana@example.org")

    response = staff_client.get(
        reverse(PEOPLE_EXPORT), {"format": "xlsx", "columns": "name,listed_publicly"}
    )

    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Name", "Listed publicly"],
        ['=HYPERLINK("x")', "no"],
    ]
    assert sheet["A2"].data_type == "s"


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    columns = [Column("value", "Value", accessor=lambda row: row)]

    class Rows(list):
        def iterator(self, chunk_size):
            return iter(self)

    lines = list(
        exports.csv_lines(Rows(["=1+1", "@SUM(A1)", "plain", None]), columns, chunk_size=10)
    )

    assert lines == ["\ufeffValue\r\n", "'=1+1\r\n", "'@SUM(A1)\r\n", "plain\r\n", '""\r\n']


def test_export_of_an_empty_list_is_its_header(staff_client):
    response = staff_client.get(reverse("taskforce_console:merge_export"))

    assert csv_rows(response) == [["When", "Kind", "Merged record", "Kept record"]]
