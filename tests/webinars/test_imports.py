"""Reading attendance exports: encodings, columns, durations and row problems."""

import codecs

import pytest

from webinars import imports
from webinars.imports import ImportRefused

ZOOM = (
    "Name (Original Name),User Email,Total Duration (Minutes),Guest\n"
    "Nguyễn Thị Lan,Lan@Example.org,55,No\n"
    "Somchai ใจดี,somchai@example.org,12,Yes\n"
)


def test_decode_reads_utf8_without_a_byte_order_mark():
    text, encoding = imports.decode(ZOOM.encode("utf-8"))

    assert encoding == "UTF-8"
    assert text == ZOOM


def test_decode_reads_utf8_with_a_byte_order_mark_and_drops_it():
    text, encoding = imports.decode(codecs.BOM_UTF8 + ZOOM.encode("utf-8"))

    assert encoding == "UTF-8"
    assert text == ZOOM


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_reads_utf16_with_its_byte_order_mark(codec):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + ZOOM.encode(codec)

    text, encoding = imports.decode(data)

    assert encoding == "UTF-16"
    assert text == ZOOM


def test_decode_refuses_windows_1252_naming_the_byte_and_line():
    data = "Name,Email,Duration\nJosé Quiñones,jose@example.org,40\n".encode("cp1252")

    with pytest.raises(ImportRefused) as refusal:
        imports.decode(data)

    assert refusal.value.message == (
        "The file is not UTF-8 text: byte 0xE9 on line 2 cannot be read. It was probably saved "
        'in a legacy encoding such as Windows-1252. Save it as "CSV UTF-8" and upload it again.'
    )


def test_decode_refuses_utf16_without_a_byte_order_mark():
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(ZOOM.encode("utf-16-le"))

    assert "without a byte-order mark" in refusal.value.message


def test_decode_refuses_a_spreadsheet_workbook():
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50)

    assert refusal.value.message == (
        "This is a spreadsheet workbook (.xlsx), not a CSV file. Save or export it as CSV."
    )


def test_decode_refuses_binary_junk():
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(b"Name,Email\x01\x02\x03,Duration\n")

    assert refusal.value.message == (
        "The file contains control characters: it is not a CSV text file."
    )


def test_decode_refuses_an_empty_file():
    with pytest.raises(ImportRefused) as refusal:
        imports.decode(b"  \n")

    assert refusal.value.message == "The file is empty."


def test_decode_refuses_a_file_over_the_size_limit():
    data = b"a" * (imports.MAX_BYTES + 1)

    with pytest.raises(ImportRefused) as refusal:
        imports.decode(data)

    assert refusal.value.message == "The file is 2049 KB; the limit is 2048 KB. Split the export."


def test_parse_reads_a_zoom_export_with_its_original_names():
    parsed = imports.parse(ZOOM, encoding="UTF-8")

    assert [(r.line, r.name, r.email, r.minutes, r.error) for r in parsed.rows] == [
        (2, "Nguyễn Thị Lan", "lan@example.org", 55, ""),
        (3, "Somchai ใจดี", "somchai@example.org", 12, ""),
    ]
    assert parsed.columns.labels == {
        "email": "User Email",
        "duration": "Total Duration (Minutes)",
        "name": "Name (Original Name)",
    }


def test_parse_finds_the_header_after_a_zoom_meeting_summary():
    text = (
        "Meeting ID,Topic,Start Time,Duration (Minutes)\n"
        "812 3456 7890,SSE and the SDGs,04/05/2027 02:00:00 PM,92\n"
        "\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Ana Cruz,ana@example.org,02:01 PM,03:30 PM,89,No\n"
    )

    parsed = imports.parse(text, encoding="UTF-8")

    assert parsed.columns.header_line == 4
    assert [(r.line, r.email, r.minutes) for r in parsed.rows] == [(5, "ana@example.org", 89)]


def test_parse_reads_a_teams_report_tab_separated_and_stops_at_the_next_section():
    text = (
        "1. Summary\n"
        "Meeting title\tSSE and the SDGs\n"
        "\n"
        "2. Participants\n"
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
        "Ana Cruz\t4/5/27, 2:01:10 PM\t4/5/27, 3:30:00 PM\t1h 28m 50s\tana@example.org\tana\t"
        "Attendee\n"
        "\n"
        "3. In-Meeting Activities\n"
        "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
        "Ana Cruz\t4/5/27, 2:01:10 PM\t4/5/27, 3:30:00 PM\t1h 28m 50s\tana@example.org\t"
        "Attendee\n"
    )

    parsed = imports.parse(text, encoding="UTF-16")

    assert parsed.columns.delimiter == "\t"
    assert [(r.line, r.name, r.email, r.minutes) for r in parsed.rows] == [
        (6, "Ana Cruz", "ana@example.org", 89)
    ]


def test_parse_joins_first_and_last_names_when_there_is_no_full_name_column():
    text = "First Name;Last Name;Email;Duration\nAna;Cruz;ana@example.org;0:45:20\n"

    parsed = imports.parse(text, encoding="UTF-8")

    assert [(r.name, r.minutes) for r in parsed.rows] == [("Ana Cruz", 45)]


def test_parse_reports_each_malformed_row_with_its_line_and_reason():
    text = (
        "Name,Email,Duration\n"
        "No Address,,30\n"
        "Bad Address,not-an-address,30\n"
        "Bad Minutes,bad@example.org,forty\n"
        "Negative,neg@example.org,-5\n"
        "Short row\n"
        "Too Long,long@example.org,2000\n"
        "Fine,fine@example.org,30\n"
    )

    parsed = imports.parse(text, encoding="UTF-8")

    assert [(r.line, r.error) for r in parsed.rows] == [
        (2, "the e-mail address is missing"),
        (3, "not-an-address is not an e-mail address"),
        (4, "the duration forty is not a number of minutes"),
        (5, "the duration -5 is negative"),
        (6, "the row has 1 columns; 3 are needed"),
        (7, "the duration 2000 is longer than a day"),
        (8, ""),
    ]


def test_parse_counts_lines_of_quoted_fields_spanning_lines():
    text = 'Name,Email,Duration\n"Ana\nCruz",ana@example.org,30\nBen,,30\n'

    parsed = imports.parse(text, encoding="UTF-8")

    assert [(r.line, r.error) for r in parsed.rows] == [
        (2, ""),
        (4, "the e-mail address is missing"),
    ]


def test_parse_refuses_a_file_without_the_needed_columns():
    with pytest.raises(ImportRefused) as refusal:
        imports.parse("Name,Joined\nAna,yes\n", encoding="UTF-8")

    assert refusal.value.message.startswith("No header row with an e-mail column")


def test_parse_refuses_a_header_without_rows():
    with pytest.raises(ImportRefused) as refusal:
        imports.parse("Name,Email,Duration\n\n", encoding="UTF-8")

    assert refusal.value.message == "The file has a header row but no attendee rows."


def test_parse_refuses_more_rows_than_the_limit(settings, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    text = "Name,Email,Duration\n" + "".join(f"P{n},p{n}@example.org,30\n" for n in range(4))

    with pytest.raises(ImportRefused) as refusal:
        imports.parse(text, encoding="UTF-8")

    assert refusal.value.message == "The file has more than 3 rows; split it into smaller files."


@pytest.mark.parametrize(
    ("value", "unit", "minutes"),
    [
        ("45", "minutes", 45),
        ("45.5", "minutes", 46),
        ("45,4", "minutes", 45),
        ("2700", "seconds", 45),
        ("1:05:30", "minutes", 66),
        ("1:05", "minutes", 65),
        ("1h 5m 29s", "minutes", 65),
        ("1 hr 5 min", "minutes", 65),
        ("65 mins", "minutes", 65),
        ("30 sec", "minutes", 1),
        ("2 hours", "minutes", 120),
    ],
)
def test_parse_minutes_reads_the_platforms_duration_formats(value, unit, minutes):
    assert imports.parse_minutes(value, unit) == minutes


@pytest.mark.parametrize("value", ["", "abc", "5 apples", "1h and 5m"])
def test_parse_minutes_refuses_what_is_not_a_duration(value):
    with pytest.raises(ValueError):
        imports.parse_minutes(value)
