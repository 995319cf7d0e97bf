"""The webinar series report read back from its PDF, and the webinars' progress section."""

import datetime as dt
import zoneinfo

import pytest

from roadmap_portal.core import reports
from roadmap_portal.registrations.models import Mode
from roadmap_portal.registrations.services import record_participant
from taskforce.models import Person
from tests.factories import OrganisationFactory
from tests.reports import arrange, pdfcheck
from webinars import services
from webinars.models import WebinarAttendance

pytestmark = pytest.mark.django_db

KL = zoneinfo.ZoneInfo("Asia/Kuala_Lumpur")
THAI = arrange.NAMES_IN_SCRIPTS["thai"]
CHINESE = arrange.NAMES_IN_SCRIPTS["chinese"]


def _speaker(name, *, listed=True):
    return Person.objects.create(
        name=name, email=f"{len(name)}-{name[:3]}@example.org", listed_publicly=listed
    )


def _series(slug="mysdg-asec"):
    return services.create_series(
        title="MySDG Academy x ASEC",
        slug=slug,
        organiser=OrganisationFactory(name="MySDG Academy", acronym="MySDG"),
        partners=[OrganisationFactory(name="Asian Solidarity Economy Council", acronym="ASEC")],
        description="Webinars for the Task Force.",
    )


def _webinar(series, number, *, starts_at, speakers=(), sdgs=(), registrations=0, attended=0):
    webinar = services.create_webinar(
        series=series,
        slug=f"{series.slug}-{number}",
        title=f"Solidarity economy webinar {number}",
        starts_at=starts_at,
        duration_minutes=60,
        time_zone="Asia/Kuala_Lumpur",
        speakers=speakers,
        sdgs=sdgs,
    )
    for index in range(registrations):
        person = Person.objects.create(
            name=f"Attendee {number}-{index}", email=f"a{number}-{index}@example.org"
        )
        registration = record_participant(
            activity=webinar.activity,
            person=person,
            organisation=OrganisationFactory(),
            mode=Mode.ONLINE,
        )
        WebinarAttendance.objects.create(
            webinar=webinar,
            registration=registration,
            person=person,
            email=person.email,
            minutes=50 if index < attended else 5,
            attended=index < attended,
        )
    return webinar


def _arrange_series(slug="mysdg-asec", *, webinars=3):
    series = _series(slug)
    thai = _speaker(THAI)
    chinese = _speaker(CHINESE)
    hidden = _speaker("Hidden Speaker Name", listed=False)
    made = [
        _webinar(
            series,
            1,
            starts_at=dt.datetime(2025, 3, 12, 15, 0, tzinfo=KL),
            speakers=[thai, hidden],
            sdgs=[8, 17],
            registrations=6,
            attended=4,
        ),
        _webinar(
            series,
            2,
            starts_at=dt.datetime(2025, 6, 1, 0, 30, tzinfo=KL),  # 31 May in UTC
            speakers=[chinese],
            sdgs=[8, 5],
            registrations=3,
            attended=3,
        ),
    ]
    for number in range(3, webinars + 1):
        made.append(
            _webinar(
                series,
                number,
                starts_at=dt.datetime(2026, 1, 1, 10, 0, tzinfo=KL) + dt.timedelta(days=number),
                sdgs=[1],
                registrations=1,
                attended=1,
            )
        )
    return series, made


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        series, _webinars = _arrange_series()
        kind = reports.get_kind("webinar-series")
        subject = reports.find_subject(kind, series.slug)
        return {
            "staff": reports.render(kind, subject, audience=reports.Audience.STAFF),
            "public": reports.render(kind, subject, audience=reports.Audience.PUBLIC),
        }


def _text(rendered):
    return " ".join(
        pdfcheck.flat(page) for page in pdfcheck.page_texts(pdfcheck.read(rendered.pdf))
    )


def _cover(rendered):
    return pdfcheck.flat(pdfcheck.page_texts(pdfcheck.read(rendered.pdf))[0])


def test_cover_names_the_series_its_organiser_and_partners(printed):
    cover = _cover(printed["staff"])

    assert "MySDG Academy x ASEC" in cover
    assert (
        cover.index("Organised by:")
        < cover.index("MySDG Academy")
        < cover.index("In partnership with:")
    )
    assert "Asian Solidarity Economy Council" in cover
    assert "3 webinars | 3 held" in cover


def test_table_has_a_header_and_a_row_per_webinar_in_its_own_time_zone(printed):
    text = _text(printed["staff"])

    assert "NO. DATE WEBINAR SPEAKERS SDGS REGISTERED ATTENDED" in text
    assert (
        f"1 12 Mar 2025 15:00 UTC+8 Solidarity economy webinar 1 {THAI}; "
        "Hidden Speaker Name 8, 17 6 4" in text
    )
    assert f"2 1 Jun 2025 00:30 UTC+8 Solidarity economy webinar 2 {CHINESE} 5, 8 3 3" in text
    assert "Total 10 8" in text


def test_public_version_names_only_listed_speakers_and_counts_the_others(printed):
    text = _text(printed["public"])

    assert "Hidden Speaker Name" not in text
    assert f"{THAI}; 1 speaker not listed" in text
    assert "Total 10 8" in text


def test_totals_and_sdgs_addressed_across_the_series(printed):
    text = _text(printed["public"])
    sdgs = text[text.index("SDG WEBINARS NUMBER") :]

    assert "3 webinars 3 held 10 registrations 8 attended 4 SDGs addressed" in text
    assert "SDG 1: No poverty Solidarity economy webinar 3 1" in sdgs
    assert (
        "SDG 8: Decent work and economic growth Solidarity economy webinar 1; "
        "Solidarity economy webinar 2 2" in sdgs
    )
    assert sdgs.index("SDG 5:") < sdgs.index("SDG 8:") < sdgs.index("SDG 17:")


def test_thai_and_cjk_speaker_names_are_printed_with_embedded_fonts(printed):
    reader = pdfcheck.read(printed["staff"].pdf)
    text = " ".join(pdfcheck.page_texts(reader))

    assert pdfcheck.scripts_in(text) >= {"thai", "cjk"}
    assert pdfcheck.missing_fonts(reader, text) == set()


@pytest.mark.parametrize("count", [2, 12])
def test_series_selector_costs_seven_queries_whatever_the_number_of_webinars(
    count, django_assert_num_queries
):
    series, _webinars = _arrange_series(f"series-{count}", webinars=count)
    kind = reports.get_kind("webinar-series")
    subject = kind.find(series.slug)

    with django_assert_num_queries(7):
        gathered = reports.gather(kind, subject, audience=reports.Audience.PUBLIC)

    assert gathered.rows == count


def test_unknown_series_is_not_found():
    kind = reports.get_kind("webinar-series")

    assert kind.find("no-such-series") is None


# --- the webinars' section of the Roadmap progress report --------------------------------


def _section(slug):
    kind = reports.get_kind("progress")
    subject = kind.find(slug)
    section = next(s for s in reports.sections_of("progress") if s.key == "webinars")
    return kind, subject, section


def test_progress_section_counts_webinars_attendance_and_sdgs_per_year():
    _arrange_series(webinars=4)
    _kind, subject, section = _section("2025-2026")

    data = section.gather(subject, audience=reports.Audience.PUBLIC)

    assert [
        (row["year"], row["webinars"], row["attended"], row["sdgs"]) for row in data["years"]
    ] == [(2025, 2, 7, [5, 8, 17]), (2026, 2, 2, [1])]
    assert data["totals"] == {"webinars": 4, "attended": 9}
    assert data["sdgs"] == [1, 5, 8, 17]


def test_progress_report_prints_the_webinars_section():
    _arrange_series()
    kind, subject, _section_ = _section("2025")

    html = reports.render_html(reports.gather(kind, subject, audience=reports.Audience.PUBLIC))

    assert "Webinars held" in html
    assert '<td>2025</td><td class="num">2</td><td class="num">7</td><td>5, 8, 17</td>' in html


@pytest.mark.parametrize("webinars", [2, 12])
def test_progress_section_costs_three_queries_whatever_the_number_of_webinars(
    webinars, django_assert_num_queries
):
    _arrange_series(f"progress-{webinars}", webinars=webinars)
    _kind, subject, section = _section("2025-2030")

    with django_assert_num_queries(3):
        section.gather(subject, audience=reports.Audience.PUBLIC)
