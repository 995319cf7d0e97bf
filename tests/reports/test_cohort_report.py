"""The cohort report read back from its PDF, and the training course's progress section."""

import pytest
from django.utils import timezone

from roadmap_portal.core import reports
from taskforce.models import Country, Gender
from tests.factories import OrganisationFactory, staff_user
from tests.reports import arrange, pdfcheck
from tests.training import builders
from training import services
from training.models import Certificate

pytestmark = pytest.mark.django_db

THAI = arrange.NAMES_IN_SCRIPTS["thai"]
JAPANESE = arrange.NAMES_IN_SCRIPTS["japanese"]


def _arrange_cohort(*, slug="cohort-report", people=5):
    """An ended cohort of four sessions (threshold 75%): participant 1 misses one session
    (75%, completes), participant 2 misses two (50%), the last one is not listed publicly;
    participant 3's certificate is revoked."""
    cohort = builders.make_ended_cohort(sessions=4, threshold=75, slug=slug)
    thailand = OrganisationFactory(
        name="Thai Cooperative League", country=Country.objects.get(code="TH")
    )
    japan = OrganisationFactory(
        name="Japan Workers Co-op Union", country=Country.objects.get(code="JP")
    )
    genders = [Gender.WOMAN, Gender.MAN, Gender.NOT_RECORDED]
    registrations = []
    for index in range(people):
        organisation = thailand if index % 2 == 0 else japan
        name = {0: THAI, 1: JAPANESE}.get(index, f"Trainee Number {index + 1}")
        person = builders.make_nominee(
            organisation,
            name=name,
            gender=genders[index % 3],
            listed_publicly=index != people - 1,
            email=f"trainee{index}-{slug}@example.org",
        )
        registrations.append(builders.enrol(cohort, person=person, organisation=organisation))
    builders.attend_all(
        cohort,
        registrations,
        skip={0: [registrations[0], registrations[1]], 1: [registrations[1]]},
    )
    if people > 2:
        certificate = Certificate.objects.get(registration=registrations[2])
        services.revoke_certificate(certificate=certificate, by=staff_user(), reason="Duplicate.")
    return cohort, registrations


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        cohort, registrations = _arrange_cohort()
        kind = reports.get_kind("cohort")
        subject = reports.find_subject(kind, cohort.slug)
        return {
            "cohort": cohort,
            "names": [r.person.full_name for r in registrations],
            "staff": reports.render(kind, subject, audience=reports.Audience.STAFF),
            "public": reports.render(kind, subject, audience=reports.Audience.PUBLIC),
        }


def _pages(rendered):
    return [pdfcheck.flat(page) for page in pdfcheck.page_texts(pdfcheck.read(rendered.pdf))]


def _text(rendered):
    return " ".join(_pages(rendered))


def test_cover_and_facts_name_the_course_and_the_cohort(printed):
    cohort = printed["cohort"]
    text = _text(printed["staff"])

    assert f"{cohort.course.title.upper()}: {cohort.title}" in _pages(printed["staff"])[0]
    assert "Online Held 4 attending at least 75% of the sessions 5" in text
    assert "5 participants 4 completed 3 certificates issued 1 certificates revoked" in text


def test_staff_participants_table_lists_everybody_with_organisation_and_country(printed):
    text = _text(printed["staff"])
    names = printed["names"]

    assert "NO. NAME ORGANISATION COUNTRY E-MAIL" in text
    assert (
        f"1 {names[0]} Thai Cooperative League Thailand trainee0-cohort-report@example.org" in text
    )
    assert f"5 {names[4]} Thai Cooperative League Thailand" in text


def test_public_version_lists_only_listed_people_without_their_country(printed):
    text = _text(printed["public"])
    names = printed["names"]

    assert "NO. NAME ORGANISATION 1 " in text
    assert f"2 {names[1]} Japan Workers Co-op Union" in text
    assert names[4] not in text
    assert "@example.org" not in text
    assert "And 1 other participant who is not listed publicly" in text


def test_attendance_grid_marks_each_session_and_counts_the_present(printed):
    text = _text(printed["staff"])
    names = printed["names"]
    grid = text[text.index("ATTENDANCE PER SESSION") :]

    assert "NO. NAME S1 S2 S3 S4 ATTENDED" in grid
    assert f"1 {names[0]} – ✓ ✓ ✓ 3/4" in grid
    assert f"2 {names[1]} – – ✓ ✓ 2/4" in grid
    assert f"3 {names[2]} ✓ ✓ ✓ ✓ 4/4" in grid
    assert "Present 3 4 5 5" in grid


def test_completion_shows_percent_and_certificate_state(printed):
    text = _text(printed["staff"])
    names = printed["names"]
    completion = text[text.index("NO. NAME ATTENDED COMPLETED CERTIFICATE") :]

    assert f"1 {names[0]} 75% yes issued" in completion
    assert f"2 {names[1]} 50% no –" in completion
    assert f"3 {names[2]} 100% yes revoked" in completion


def test_totals_by_country_and_gender_add_up_with_not_recorded(printed):
    text = _text(printed["public"])
    by_gender = text[text.index("Participants by gender") :]

    assert "Thailand 3 60" in text
    assert "Japan 2 40" in text
    assert "Woman 2 40" in by_gender
    assert "Man 2 40" in by_gender
    assert "Not recorded 1 20" in by_gender
    assert "Total 5 100" in by_gender


def test_grid_header_repeats_on_every_page_of_a_long_grid():
    cohort, _registrations = _arrange_cohort(slug="long-cohort", people=60)
    kind = reports.get_kind("cohort")
    rendered = reports.render(kind, kind.find(cohort.slug), audience=reports.Audience.STAFF)
    pages = _pages(rendered)
    start = next(i for i, page in enumerate(pages) if "ATTENDANCE PER SESSION" in page)
    end = next(i for i, page in enumerate(pages) if "NO. NAME ATTENDED COMPLETED" in page)
    with_rows = pages[start : end + 1]

    assert len(with_rows) >= 2
    assert all("NO. NAME S1 S2 S3 S4 ATTENDED" in page for page in with_rows)


def test_thai_and_cjk_names_are_printed_with_embedded_fonts(printed):
    reader = pdfcheck.read(printed["staff"].pdf)
    text = " ".join(pdfcheck.page_texts(reader))

    assert pdfcheck.scripts_in(text) >= {"thai", "cjk"}
    assert pdfcheck.missing_fonts(reader, text) == set()


@pytest.mark.parametrize("people", [2, 15])
def test_cohort_selector_costs_five_queries_whatever_the_number_of_participants(
    people, django_assert_num_queries
):
    cohort, _registrations = _arrange_cohort(slug=f"cohort-{people}", people=people)
    kind = reports.get_kind("cohort")
    subject = kind.find(cohort.slug)

    with django_assert_num_queries(5):
        gathered = reports.gather(kind, subject, audience=reports.Audience.STAFF)

    assert gathered.rows == people


# --- the training course's section of the Roadmap progress report --------------------------


def _progress(slug):
    kind = reports.get_kind("progress")
    subject = kind.find(slug)
    section = next(s for s in reports.sections_of("progress") if s.key == "training")
    return kind, subject, section


def test_progress_section_counts_people_trained_by_country_and_certificates():
    _arrange_cohort()
    year = timezone.now().year
    cohort_year = (timezone.now() - timezone.timedelta(days=30)).year
    _kind, subject, section = _progress(f"{min(year, cohort_year)}-{year}")

    data = section.gather(subject, audience=reports.Audience.PUBLIC)

    trained = {row["country"]: row["total"] for row in data["by_country"]}
    assert trained == {"Japan": 2, "Thailand": 3}
    assert data["totals"] == {"trained": 5, "certificates": 3}


def test_progress_report_prints_the_training_section():
    _arrange_cohort()
    kind, subject, _section = _progress(str(timezone.now().year))

    html = reports.render_html(reports.gather(kind, subject, audience=reports.Audience.PUBLIC))

    assert "People trained" in html
    assert "Certificates issued" in html


@pytest.mark.parametrize("people", [2, 15])
def test_progress_section_costs_two_queries_whatever_the_number_of_people(
    people, django_assert_num_queries
):
    _arrange_cohort(slug=f"progress-{people}", people=people)
    _kind, subject, section = _progress("2025-2030")

    with django_assert_num_queries(2):
        section.gather(subject, audience=reports.Audience.PUBLIC)
