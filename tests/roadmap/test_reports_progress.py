"""The Roadmap progress report: the platform's frame plus the sections the apps plug in."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogues.models import Convening
from dialogues.services import local_datetime, update_convening
from roadmap_portal.core import plugins, reports
from roadmap_portal.registrations.services import record_participant
from taskforce.models import Country, TaskForceRole
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tests.reports import arrange, pdfcheck

pytestmark = pytest.mark.django_db


def _hold_dialogue_2025(participants: int, countries=("MY", "PH", "TH")):
    dialogue = Convening.objects.get(slug="policy-dialogue-2025")
    update_convening(
        convening=dialogue,
        city="Kuala Lumpur",
        date_precision="day",
        starts_at=local_datetime(dt.date(2025, 10, 20), dt.time(9), "Asia/Kuala_Lumpur"),
        ends_at=local_datetime(dt.date(2025, 10, 21), dt.time(17), "Asia/Kuala_Lumpur"),
    )
    for index in range(participants):
        organisation = OrganisationFactory(
            country=Country.objects.get(code=countries[index % len(countries)])
        )
        record_participant(
            activity=dialogue.activity,
            person=PersonFactory(listed_publicly=True),
            organisation=organisation,
        )
    return dialogue


def _grow_task_force():
    """Three members from 2024; two join in 2025 and one of the first leaves mid-2025."""
    first = [
        MembershipFactory(
            since=dt.date(2024, 3, 1),
            organisation=OrganisationFactory(country=Country.objects.get(code=code)),
        )
        for code in ("MY", "PH", "TH")
    ]
    first[2].until = dt.date(2025, 6, 30)
    first[2].save()
    for code in ("VN", "JP"):
        MembershipFactory(
            since=dt.date(2025, 5, 1),
            organisation=OrganisationFactory(country=Country.objects.get(code=code)),
        )
    MembershipFactory(
        since=dt.date(2025, 5, 1),
        role=TaskForceRole.CONTINENTAL_PARTNER,
        organisation=first[0].organisation,
    )


@pytest.fixture(scope="module")
def progress(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        _hold_dialogue_2025(participants=5)
        _grow_task_force()
        kind = reports.get_kind("progress")
        rendered = reports.render(kind, kind.find("2025-2030"), audience="public")
        single = reports.gather(kind, kind.find("2025"), audience="public")
        return {"period": rendered, "single": single}


def _text(rendered):
    return pdfcheck.flat(" ".join(pdfcheck.page_texts(pdfcheck.read(rendered.pdf))))


def test_progress_report_prints_the_frame_then_each_plugged_section_in_order(progress):
    text = _text(progress["period"])
    headings = [
        "Progress report",
        "CONTENTS",
        "ACTIVITIES AND PARTICIPATION",
        "TASK FORCE GROWTH",
        "POLICY DIALOGUES AND CONVENINGS",
    ]

    positions = [text.find(heading) for heading in headings]

    assert -1 not in positions
    assert positions == sorted(positions)


def test_each_year_shows_its_host_and_its_dialogue_with_participation(progress):
    text = _text(progress["period"])

    assert (
        "2025 Malaysia ASEAN SSE for SDGs Policy Dialogue 2025 20–21 October 2025 · Held 5 3"
        in text
    )
    for year, host in [
        (2026, "Philippines"),
        (2027, "Singapore"),
        (2028, "Thailand"),
        (2029, "Vietnam"),
        (2030, "Brunei Darussalam"),
    ]:
        assert f"{year} {host} ASEAN SSE for SDGs Policy Dialogue {year}" in text


def test_task_force_growth_counts_joins_and_departures_per_year(progress):
    text = _text(progress["period"])
    growth = text[text.index("TASK FORCE GROWTH") :]

    # End of 2025: two of the first three stayed, two joined; four countries (MY, PH, VN, JP).
    assert "2025 4 2 1 4" in growth


def test_activities_and_participation_cover_every_kind(progress):
    text = _text(progress["period"])

    assert "5 participations 5 people 5 organisations 3 countries" in text
    assert "2025 Policy dialogue: 1 1 5" in text


def test_charts_are_drawn_as_svg_bars_in_the_pdf(progress):
    html = progress["period"].html
    text = _text(progress["period"])

    assert html.count('<svg class="chart-svg"') == 3
    assert html.count('<rect class="bar"') == 3 * 6  # one bar per year in each chart
    assert "Organisations in the Task Force at the end of each year" in text
    assert "Participants at the Policy Dialogue, per year" in text


def test_a_single_year_report_holds_that_year_only(progress):
    gathered = progress["single"]

    assert gathered.subject.title == "Roadmap progress report 2025"
    assert [row["year"] for row in gathered.context["summary"]["years"]] == [2025]
    sections = {section.key: data for section, data in gathered.context["sections"]}
    assert [row["year"] for row in sections["dialogues"]["years"]] == [2025]
    assert [row["year"] for row in sections["taskforce"]["years"]] == [2025]


@pytest.fixture
def plugged_section():
    section = plugins.ReportSection(
        key="test-webinars",
        report="progress",
        title="Webinars, plugged in by a test",
        template_name="taskforce/pdf/_growth_section.html",
        order=30,
        gather=lambda subject, *, audience: {
            "years": [{"year": year, "future": True} for year in subject.obj.years],
            "chart": reports.column_chart([], title="Webinars per year"),
        },
    )
    plugins.register_report_section(section)
    yield section
    plugins.report_sections[:] = [s for s in plugins.report_sections if s.key != section.key]


def test_an_app_plugs_a_section_in_without_the_platform_changing(plugged_section):
    kind = reports.get_kind("progress")

    html = reports.render_html(reports.gather(kind, kind.find("2026"), audience="public"))

    assert html.index("Task Force growth") < html.index("Policy Dialogues and convenings")
    assert html.index("Policy Dialogues and convenings") < html.index(
        "Webinars, plugged in by a test"
    )
    assert "<li>Webinars, plugged in by a test</li>" in html


def test_progress_report_costs_the_same_queries_whatever_the_size(django_assert_num_queries):
    kind = reports.get_kind("progress")
    subject = kind.find("2025-2030")
    dialogue = _hold_dialogue_2025(participants=1)
    with CaptureQueriesContext(connection) as small:
        reports.gather(kind, subject, audience="public")
    for _ in range(12):
        record_participant(
            activity=dialogue.activity,
            person=PersonFactory(),
            organisation=OrganisationFactory(country=Country.objects.get(code="VN")),
        )
    _grow_task_force()

    with django_assert_num_queries(len(small.captured_queries)):
        reports.gather(kind, subject, audience="public")


@pytest.mark.parametrize("slug", ["2031-2025", "twenty-five", "1999", "2025-2090"])
def test_a_period_that_is_not_one_is_not_found(slug):
    kind = reports.get_kind("progress")

    with pytest.raises(reports.SubjectNotFound):
        reports.find_subject(kind, slug)
