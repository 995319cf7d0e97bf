"""The CSV import machinery: reading files safely, keeping uploads under expiring tokens."""

import codecs
import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from roadmap_portal.core.console import imports, tasks
from roadmap_portal.core.console.imports import ImportColumn, ImportRefused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COLUMNS = (
    ImportColumn("name", "The name", required=True),
    ImportColumn("email", "The e-mail", aliases=("e-mail",)),
)
TEXT = "name,email\nNguyễn Thị Hằng,hang@example.org\nสมชาย ใจดี,somchai@example.org\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 LE", "utf-16 BE"],
)
def test_decode_reads_utf8_and_utf16_with_a_byte_order_mark(data):
    assert imports.decode(data) == TEXT


def test_decode_refuses_a_legacy_encoding_with_the_line_that_cannot_be_read():
    data = "name\nAna\nJos\u00e9 Rizal\n".encode("cp1252")

    with pytest.raises(ImportRefused) as refusal:
        imports.decode(data)

    assert refusal.value.message == (
        "The file is not UTF-8 text: byte 0xE9 on line 3 cannot be read. It was probably saved "
        'in a legacy encoding such as Windows-1252. Save it as "CSV UTF-8" and upload it again.'
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04\x14\x00rest", "This is a spreadsheet workbook (.xlsx), not a CSV file."),
        (b"%PDF-1.7\n", "This is a PDF document, not a CSV file."),
        (b"n\x00a\x00m\x00e\x00", "The file contains NUL bytes"),
        (b"name\nAna\x07Reyes\n", "Line 2 contains control characters"),
    ],
)
def test_decode_refuses_what_is_not_csv_text(data, message):
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(data)

    assert refusal.value.message.startswith(message)


def test_decode_refuses_a_file_over_the_size_limit():
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(b"name\n" + b"x" * 3000, max_bytes=2048)

    assert refusal.value.message == (
        "The file is 3 KB; the limit is 2 KB. Split it into smaller files."
    )


def test_read_csv_maps_headers_in_any_case_and_order_and_lists_ignored_ones():
    text = "E-Mail;Notes;NAME\nana@example.org;x;Ana Reyes\n\n"

    csv_file = imports.read_csv(text, COLUMNS)

    assert [(row.line, row.values) for row in csv_file.rows] == [
        (2, {"email": "ana@example.org", "name": "Ana Reyes"})
    ]
    assert csv_file.ignored_columns == ["Notes"]


def test_read_csv_refuses_a_file_without_the_required_column():
    with pytest.raises(ImportRefused) as refusal:
        imports.read_csv("email\nana@example.org\n", COLUMNS)

    assert refusal.value.message == (
        'The first line must name the columns; "name" is missing. The columns are: name, email.'
    )


def test_read_csv_refuses_more_rows_than_the_limit():
    text = "name\n" + "".join(f"Person {n}\n" for n in range(4))

    with pytest.raises(ImportRefused) as refusal:
        imports.read_csv(text, COLUMNS, max_rows=3)

    assert refusal.value.message == ("The file has more than 3 rows. Split it into smaller files.")


def test_read_csv_marks_a_line_with_more_cells_than_columns():
    csv_file = imports.read_csv("name,email\nAna,ana@example.org,extra\n", COLUMNS)

    assert csv_file.rows[0].error == "This line has more cells than the first line has columns."


def test_read_csv_keeps_quoted_line_breaks_and_counts_lines():
    csv_file = imports.read_csv(
        'name,email\n"Ana\nReyes",a@example.org\nBen,b@example.org\n', COLUMNS
    )

    assert [(row.line, row.get("name")) for row in csv_file.rows] == [
        (3, "Ana\nReyes"),
        (4, "Ben"),
    ]


def test_an_upload_is_read_back_only_by_its_uploader_and_kind():
    owner, other = UserFactory(), UserFactory()
    token = imports.store_upload(data=b"name\nAna\n", kind="people", user=owner)

    assert imports.load_upload(token=token, kind="people", user=owner) == b"name\nAna\n"
    for kind, user in (("people", other), ("organisations", owner)):
        with pytest.raises(ImportRefused) as refusal:
            imports.load_upload(token=token, kind=kind, user=user)
        assert refusal.value.message == "This upload is unknown. Please upload the file again."


def test_a_tampered_token_is_unknown():
    owner = UserFactory()
    token = imports.store_upload(data=b"name\nAna\n", kind="people", user=owner)

    with pytest.raises(ImportRefused):
        imports.load_upload(token=token[:-2] + "xx", kind="people", user=owner)


def test_an_upload_expires(settings):
    owner = UserFactory()
    token = imports.store_upload(data=b"name\nAna\n", kind="people", user=owner)
    settings.CONSOLE_IMPORT_TTL_MINUTES = -1

    with pytest.raises(ImportRefused) as refusal:
        imports.load_upload(token=token, kind="people", user=owner)

    assert refusal.value.message == "This upload has expired. Please upload the file again."


def test_uploads_are_kept_in_the_private_media_storage(settings):
    imports.store_upload(data=b"name\nAna\n", kind="people", user=UserFactory())

    _folders, files = default_storage.listdir(imports.UPLOAD_DIR)

    assert len(files) == 1
    path = default_storage.path(f"{imports.UPLOAD_DIR}/{files[0]}")
    assert path.startswith(str(settings.MEDIA_ROOT))
    with open(path, "rb") as stored:
        assert stored.read() == b"name\nAna\n"


def test_purge_removes_only_expired_uploads():
    owner = UserFactory()
    imports.store_upload(data=b"name\nOld\n", kind="people", user=owner)
    later = timezone.now() + imports.upload_ttl() + dt.timedelta(minutes=1)

    kept = imports.purge_expired_uploads()
    purged = imports.purge_expired_uploads(now=later)

    assert (kept, purged) == (0, 1)
    assert default_storage.listdir(imports.UPLOAD_DIR) == ([], [])


def test_purge_task_runs_with_no_upload_folder_at_all():
    assert tasks.purge_expired_imports() == 0


def test_purge_task_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "console.purge_expired_imports" in schedule
    assert "roadmap_portal.core.console.tasks" in settings.CELERY_IMPORTS
