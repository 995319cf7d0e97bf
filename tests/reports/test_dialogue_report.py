"""The dialogue report, read back from its PDF: cover, sections, every row, figures, fonts."""

import re

import pytest

from dialogues.services import add_strategic_action
from roadmap_portal.core import reports
from taskforce.models import Gender
from tests.reports import arrange, pdfcheck

pytestmark = pytest.mark.django_db

LISTED = 70
NOT_LISTED = 3
A4 = (595.28, 841.89)


def _row_text(registration, number):
    online = " (online)" if registration.mode == "online" else ""
    return (
        f"{number} {registration.person.full_name}{online} "
        f"{registration.organisation.name} {registration.role_display}"
    )


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """One convening with 73 participants (3 not listed publicly), printed in both versions."""
    with arrange.rolled_back(django_db_blocker):
        convening = arrange.convening()
        add_strategic_action(
            convening=convening,
            title="Establish a Task Force",
            description="composed of ASEC member organisations.",
        )
        listed = arrange.participants(convening, count=LISTED)
        hidden = arrange.participants(convening, count=NOT_LISTED, listed=False, start=LISTED + 1)
        kind = reports.get_kind("dialogue")
        subject = reports.find_subject(kind, convening.slug)
        staff = reports.render(kind, subject, audience=reports.Audience.STAFF)
        public = reports.render(kind, subject, audience=reports.Audience.PUBLIC)
        genders = {}
        for registration in listed + hidden:
            label = str(registration.person.get_gender_display())
            genders[label] = genders.get(label, 0) + 1
        return {
            "staff": staff,
            "public": public,
            "listed": [(r, _row_text(r, n)) for n, r in enumerate(listed, start=1)],
            "hidden": [(r, _row_text(r, n)) for n, r in enumerate(hidden, start=LISTED + 1)],
            "genders": genders,
        }


def _pages(rendered):
    return [pdfcheck.flat(text) for text in pdfcheck.page_texts(pdfcheck.read(rendered.pdf))]


def test_cover_shows_title_dates_place_organisers_and_preparers(printed):
    cover = _pages(printed["staff"])[0]

    assert "REGIONAL WORKSHOP:" in cover
    assert "Solidarity Economy and the SDGs in Asia" in cover
    assert "18–19 June 2024 | Bangkok, Thailand" in cover
    organised = cover.index("Workshop organised by:")
    prepared = cover.index("Report prepared by:")
    # The acronym and the name are two lines of a tile; extractors may or may not space them.
    assert cover.index("ILO", organised) < cover.index("International Labour Organization")
    assert organised < cover.index("International Labour Organization") < prepared
    assert prepared < cover.index("ASEC", prepared) < cover.index("Asian Solidarity Economy")
    assert "ASEC Report" in cover


def test_sections_follow_the_reference_order(printed):
    text = " ".join(_pages(printed["staff"])[1:])
    headings = [
        "BACKGROUND",
        "ASEC SUBMISSION AT THE END OF THE WORKSHOP",
        "Establish a Task Force composed of ASEC member organisations.",
        "PARTICIPANTS FROM ASEC AT THE REGIONAL WORKSHOP",
        "NO. NAME ORGANISATION ROLE",
        "PARTICIPATION",
    ]

    positions = [text.find(heading) for heading in headings]

    assert -1 not in positions
    assert positions == sorted(positions)


def test_staff_version_lists_every_participant_in_order_with_online_marked(printed):
    text = " " + " ".join(_pages(printed["staff"])) + " "
    rows = [row for _registration, row in printed["listed"] + printed["hidden"]]

    positions = [text.find(f" {row} ") for row in rows]

    assert -1 not in positions
    assert positions == sorted(positions)
    assert sum(" (online) " in row for row in rows) == (LISTED + NOT_LISTED) // 5


def test_public_version_lists_only_people_who_consented_and_counts_the_others(printed):
    text = " " + " ".join(_pages(printed["public"])) + " "

    assert all(f" {row} " in text for _registration, row in printed["listed"])
    assert not any(registration.person.name in text for registration, _ in printed["hidden"])
    assert "And 3 other participants who are not listed publicly" in text
    assert "73 participants" in text


def test_table_header_repeats_on_every_page_of_the_table(printed):
    pages = _pages(printed["staff"])
    with_rows = [
        page
        for page in pages
        if re.search(
            r"\b\d+ (Ms|Mr) \S+.* Solidarity Network \d+ (Participant|Panel Speaker)", page
        )
    ]

    assert len(with_rows) >= 3
    assert all("NO. NAME ORGANISATION ROLE" in page for page in with_rows)


def test_no_row_is_split_across_pages(printed):
    pages = [" " + page + " " for page in _pages(printed["staff"])]

    for _registration, row in printed["listed"] + printed["hidden"]:
        assert sum(f" {row} " in page for page in pages) == 1, row


def test_every_page_after_the_cover_has_the_running_header_and_its_number(printed):
    pages = _pages(printed["staff"])
    total = len(pages)

    assert total == printed["staff"].pages
    assert "Page 1 of" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert "ASEAN SSE for SDGs Roadmap · Regional Workshop: Solidarity Economy" in page
        assert f"Page {number} of {total}" in page
        assert "Staff version" in page


def test_pages_are_a4(printed):
    reader = pdfcheck.read(printed["staff"].pdf)

    sizes = {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }

    assert sizes == {A4}


def test_a_font_for_each_script_present_is_embedded(printed):
    reader = pdfcheck.read(printed["staff"].pdf)
    text = " ".join(pdfcheck.page_texts(reader))

    assert pdfcheck.scripts_in(text) == {"thai", "khmer", "lao", "myanmar", "cjk"}
    assert pdfcheck.missing_fonts(reader, text) == set()
    assert "Nguyễn Thị Hương" in pdfcheck.flat(text)


def test_participation_by_gender_counts_everybody_and_adds_up(printed):
    text = " ".join(_pages(printed["public"]))
    total = LISTED + NOT_LISTED
    section = text[text.index("Participants by gender") :]

    for label in Gender.labels:
        count = printed["genders"].get(str(label), 0)
        assert f"{label} {count} {round(100 * count / total)}" in section
    assert f"Total {total} 100" in section


def test_participation_by_country_and_kind_add_up(printed):
    text = " ".join(_pages(printed["staff"]))

    by_country = text[text.index("Participants by country") : text.index("Participants by kind")]
    by_kind = text[text.index("Participants by kind") : text.index("Participants by gender")]

    assert f"Total {LISTED + NOT_LISTED} 100" in by_country
    assert f"Total {LISTED + NOT_LISTED} 100" in by_kind
    assert "Thailand" in by_country
    assert "Cooperative" in by_kind


@pytest.mark.parametrize("count", [2, 25])
def test_dialogue_selector_costs_seven_queries_whatever_the_number_of_participants(
    count, django_assert_num_queries
):
    convening = arrange.convening(slug=f"workshop-{count}")
    arrange.participants(convening, count=count)
    kind = reports.get_kind("dialogue")
    subject = kind.find(convening.slug)

    # Six for the report itself, one for the plugged-in feedback section (no form yet).
    with django_assert_num_queries(7):
        gathered = reports.gather(kind, subject, audience=reports.Audience.STAFF)

    assert gathered.rows == count


def test_the_html_preview_comes_from_the_same_template_as_the_pdf():
    convening = arrange.convening()
    arrange.participants(convening, count=3)
    kind = reports.get_kind("dialogue")
    gathered = reports.gather(kind, kind.find(convening.slug), audience=reports.Audience.PUBLIC)

    preview = reports.render_html(gathered, preview=True)
    printed = reports.render_html(gathered)

    assert (
        preview.replace(' is-preview"', '"').split('<section class="cover">', 1)[1]
        == (printed.split('<section class="cover">', 1)[1])
    )
    assert "Preview of the Public version as HTML." in preview


def test_a_convening_without_participants_says_so():
    convening = arrange.convening()
    kind = reports.get_kind("dialogue")

    html = reports.render_html(
        reports.gather(kind, kind.find(convening.slug), audience=reports.Audience.STAFF)
    )

    assert "No participants are recorded for this convening yet." in html
    assert "Participants by gender" not in html
