"""Uploads in a wrong encoding, with wrong columns, too big or not text at all are refused
with a clear reason and leave nothing behind; the right ones go on to the preview."""

import codecs
import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.core.console import imports as console_imports
from webinars import imports as attendance_imports
from webinars import services as webinar_services
from webinars.models import AttendanceImport

pytestmark = pytest.mark.django_db

ATTENDANCE = "Name,Email,Duration (Minutes)\nสมชาย ใจดี,somchai@example.org,61\n"
ORGANISATIONS = "name,country\nສະຫະກອນ ແກ້ວມະນີ,LA\n"

REFUSED = {
    "windows-1252": (
        "name,country\nCafé Coopérative,PH\n".encode("cp1252"),
        "probably saved in a legacy encoding such as Windows-1252",
    ),
    "binary junk": (bytes(range(256)) * 4, None),
    "a workbook": (b"PK\x03\x04" + b"\x00" * 100, "not a CSV file"),
    "empty": (b"", None),
}


def _upload(client, url, data: bytes, name="upload.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _error(response) -> str:
    return " ".join(response.context["form"].errors["file"])


# --- the attendance import of a webinar ---------------------------------------------------


@pytest.fixture
def attendance_url(scenario, client):
    """The upload page of a webinar held two days ago (attendance comes after the event)."""
    held = webinar_services.create_webinar(
        series=scenario.series,
        slug="held-webinar",
        title="Held webinar",
        starts_at=(timezone.now() - dt.timedelta(days=2)).replace(second=0, microsecond=0),
        duration_minutes=60,
        time_zone="Asia/Manila",
        language="en",
        platform="zoom",
        join_url="https://zoom.example.org/j/held",
    )
    client.force_login(scenario.staff)
    return reverse("webinars:attendance_upload", kwargs={"slug": held.slug})


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + ATTENDANCE.encode("utf-8"),
        ATTENDANCE.encode("utf-16"),  # with its byte-order mark
        ATTENDANCE.encode("utf-8"),
    ],
    ids=["utf-8 with BOM", "utf-16 with BOM", "utf-8"],
)
def test_attendance_upload_in_a_unicode_encoding_goes_to_the_preview(
    data, client, attendance_url, scenario
):
    response = _upload(client, attendance_url, data)

    attendance_import = AttendanceImport.objects.exclude(token="matrix-token").get()
    assert response.status_code == 302
    assert attendance_import.summary["rows"][0]["name"] == "สมชาย ใจดี"


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_attendance_upload_refuses_bad_files_with_a_reason(case, client, attendance_url):
    data, reason = REFUSED[case]
    before = AttendanceImport.objects.count()

    response = _upload(client, attendance_url, data)

    assert response.status_code == 200
    assert _error(response) != ""
    if reason:
        assert reason in _error(response)
    assert AttendanceImport.objects.count() == before


def test_attendance_upload_refuses_wrong_columns(client, attendance_url):
    response = _upload(client, attendance_url, b"Name,Country\nMaria,PH\n")

    assert "No header row with an e-mail column and a duration column" in _error(response)
    assert AttendanceImport.objects.count() == 1  # the scenario's own


def test_attendance_upload_refuses_a_file_over_the_limit(client, attendance_url):
    header = b"Name,Email,Duration (Minutes)\n"
    data = header + b"x,x@example.org,1\n" * (attendance_imports.MAX_BYTES // 18 + 1)

    response = _upload(client, attendance_url, data)

    assert "the limit is 2048 KB" in _error(response)
    assert AttendanceImport.objects.count() == 1


# --- the console import of organisations --------------------------------------------------


@pytest.fixture
def import_url(scenario, client):
    client.force_login(scenario.staff)
    return reverse("taskforce_console:organisation_import")


def _stored_uploads() -> set[str]:
    if not default_storage.exists(console_imports.UPLOAD_DIR):
        return set()
    return set(default_storage.listdir(console_imports.UPLOAD_DIR)[1])


@pytest.mark.parametrize(
    "data",
    [codecs.BOM_UTF8 + ORGANISATIONS.encode("utf-8"), ORGANISATIONS.encode("utf-16")],
    ids=["utf-8 with BOM", "utf-16 with BOM"],
)
def test_console_import_in_a_unicode_encoding_goes_to_the_preview(data, client, import_url):
    before = _stored_uploads()

    response = _upload(client, import_url, data)

    assert response.status_code == 302
    assert len(_stored_uploads() - before) == 1


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_console_import_refuses_bad_files_with_a_reason(case, client, import_url):
    data, reason = REFUSED[case]
    before = _stored_uploads()

    response = _upload(client, import_url, data)

    assert response.status_code == 200
    assert _error(response) != ""
    if reason:
        assert reason in _error(response)
    assert _stored_uploads() == before


def test_console_import_refuses_wrong_columns(client, import_url):
    before = _stored_uploads()

    response = _upload(client, import_url, b"acronym,country\nASEC,PH\n")

    assert '"name" is missing' in _error(response)
    assert _stored_uploads() == before


def test_console_import_refuses_a_file_over_the_limit(client, import_url):
    data = b"name\n" + b"Cooperative\n" * (console_imports.MAX_BYTES // 12 + 1)
    before = _stored_uploads()

    response = _upload(client, import_url, data)

    assert "the limit is 2048 KB" in _error(response)
    assert _stored_uploads() == before
