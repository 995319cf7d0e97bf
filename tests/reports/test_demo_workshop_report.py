"""The demo's ILO workshop report reproduces the reference's participants table row for row.

The reference is the ASEC report of the ILO Regional Workshop on SSE for the SDGs in Asia
(18-19 June 2024, Bangkok). Its table is copied below as printed; the demo data corrects its
four obvious typos (see dialogues/demo.py), and nothing else.
"""

import html
import re

import pytest
from django.core.management import call_command
from django.utils.html import strip_tags

from roadmap_portal.core import reports
from tests.reports import arrange, pdfcheck

pytestmark = pytest.mark.django_db

# NO. | NAME | ORGANISATION | ROLE, exactly as the reference prints them.
REFERENCE_TABLE = """\
1\tDr Ben Quinones\tASEC Founder Chair, Philippines\tPanel Moderator
2\tDr Eri Trinuri Adhi\tASEC Chair & Bina Swadaya, Indonesia\tParticipant
3\tProf Datuk Dr Denison Jayasooria\tAPPGM-SDG Malaysia\tPanel Speaker
4\tMs Poonsap Tulaphan\tHomenet Thailand\tPanel Speaker
5\tMr Akkanut Wantansombut\tTamsany Community based solidarity eco platform, Thailand\tPanel Speaker
6\tMr Kon Onn Sein (online)\tOA Organic- YKPM Malaysia\tPanel speaker
7\tMs Heira Hardiyanti\tMyCool class platform cooperative, Indonesia\tPanel speaker
8\tMr Shigeru Tanaka\tPARC Japan\tParticipant
9\tMr Chandra Firmantoko\tASEC Secretariate Head, Indonesia\tParticipant
10\tMr Carlo Sagun\tBayan Famil Foundation, Philippines\tParticipant
11\tMr Paniirselvam Jayaraman\tAPPGM-SDG Malaysia\tParticipant
12\tMs Marian Jo Jennifer Dacawi\tQuezon City (PESO), Philippines\tParticipant"""

# The typos the demo data corrects.
CORRECTIONS = {
    "OA Organic- YKPM": "OA Organic-YKPM",
    "Panel speaker": "Panel Speaker",
    "Secretariate": "Secretariat",
    "Bayan Famil Foundation": "Bayan Family Foundation",
}


def _expected_rows() -> list[list[str]]:
    table = REFERENCE_TABLE
    for typo, corrected in CORRECTIONS.items():
        table = table.replace(typo, corrected)
    return [line.split("\t") for line in table.splitlines()]


@pytest.fixture(scope="module")
def workshop_report(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        call_command("seed_demo", verbosity=0)
        kind = reports.get_kind("dialogue")
        subject = reports.find_subject(kind, "ilo-sse-workshop-2024")
        return {
            audience: reports.render(kind, subject, audience=audience)
            for audience in reports.Audience.values
        }


def _html_rows(page: str) -> list[list[str]]:
    body = page[page.index('<table class="participants">') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        [
            " ".join(html.unescape(strip_tags(cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize("audience", reports.Audience.values)
def test_the_participants_table_matches_the_reference_row_for_row(workshop_report, audience):
    rendered = workshop_report[audience]

    assert _html_rows(rendered.html) == _expected_rows()


@pytest.mark.parametrize("audience", reports.Audience.values)
def test_the_pdf_holds_the_twelve_rows_of_the_reference_in_order(workshop_report, audience):
    reader = pdfcheck.read(workshop_report[audience].pdf)
    text = " " + pdfcheck.flat(" ".join(pdfcheck.page_texts(reader))) + " "
    table = text[text.index("NO. NAME ORGANISATION ROLE") : text.index("PARTICIPATION ")]

    positions = [table.find(f" {' '.join(row)} ") for row in _expected_rows()]

    assert -1 not in positions
    assert positions == sorted(positions)
    assert re.findall(r" (\d+) (?:Dr|Prof|Mr|Ms) ", table) == [str(n) for n in range(1, 13)]


def test_the_cover_reads_like_the_reference(workshop_report):
    reader = pdfcheck.read(workshop_report["public"].pdf)
    cover = pdfcheck.flat(reader.pages[0].extract_text())

    assert "ILO REGIONAL WORKSHOP:" in cover
    assert (
        "Social and Solidarity Economy for Advancing the Sustainable Development Goals in Asia"
        in cover
    )
    assert "ASEC Report" in cover
    assert "18–19 June 2024 | Bangkok, Thailand" in cover
    assert "Workshop organised by:" in cover
    assert "Report prepared by:" in cover


def test_the_headings_follow_the_reference(workshop_report):
    reader = pdfcheck.read(workshop_report["public"].pdf)
    text = pdfcheck.flat(" ".join(pdfcheck.page_texts(reader)))

    assert "BACKGROUND" in text
    assert "ASEC SUBMISSION AT THE END OF THE WORKSHOP" in text
    assert "PARTICIPANTS FROM ASEC AT THE ILO REGIONAL WORKSHOP" in text
    assert "Establish a Multi-stakeholders ASEAN SSE for SDGs Task Force" in text
