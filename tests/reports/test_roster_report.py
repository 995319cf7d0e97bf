"""The Task Force roster, read back from its PDF: countries, roles, focal points, contacts."""

import datetime as dt

import pytest

from roadmap_portal.core import reports
from taskforce.models import Country, PositionTitle, TaskForcePosition, TaskForceRole
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.reports import arrange, pdfcheck

pytestmark = pytest.mark.django_db


def _member(name, acronym, code, *, role=TaskForceRole.MEMBER, since=dt.date(2024, 7, 1), **kw):
    organisation = OrganisationFactory(
        name=name, acronym=acronym, country=Country.objects.get(code=code) if code else None, **kw
    )
    MembershipFactory(organisation=organisation, role=role, since=since)
    return organisation


def _focal_point(organisation, name, *, listed, email, phone=""):
    person = PersonFactory(name=name, email=email, phone=phone, listed_publicly=listed)
    AffiliationFactory(
        person=person, organisation=organisation, is_focal_point=True, position="Coordinator"
    )
    return person


@pytest.fixture(scope="module")
def roster(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        thai = _member("Homenet Thailand", "HNT", "TH")
        cambodian = _member("Khmer Solidarity Network", "KSN", "KH")
        lao = _member("Lao Cooperative Union", "LCU", "LA")
        myanmar = _member("Myanmar Fair Trade", "MFT", "MM")
        japanese = _member("PARC Japan", "PARC", "JP", since=dt.date(2025, 2, 1))
        regional = _member(
            "ICA Asia Pacific", "ICA-AP", None, role=TaskForceRole.CONTINENTAL_PARTNER
        )
        asec = _member("Asian Solidarity Economy Council", "ASEC", "PH")
        MembershipFactory(
            organisation=asec, role=TaskForceRole.SECRETARIAT, since=dt.date(2024, 7, 1)
        )
        _member(
            "Former Member Cooperative", "FMC", "VN", since=dt.date(2024, 1, 1)
        ).taskforce_memberships.update(until=dt.date(2024, 12, 31))
        _member("Unapproved Cooperative", "UC", "ID", approved=False)
        _focal_point(
            thai,
            arrange.NAMES_IN_SCRIPTS["thai"],
            listed=True,
            email="thai@example.org",
            phone="+66 81 000 0000",
        )
        _focal_point(
            cambodian, arrange.NAMES_IN_SCRIPTS["khmer"], listed=True, email="khmer@example.org"
        )
        _focal_point(lao, arrange.NAMES_IN_SCRIPTS["lao"], listed=True, email="lao@example.org")
        _focal_point(
            myanmar, arrange.NAMES_IN_SCRIPTS["burmese"], listed=True, email="mm@example.org"
        )
        _focal_point(
            japanese, arrange.NAMES_IN_SCRIPTS["japanese"], listed=False, email="jp@example.org"
        )
        _focal_point(regional, "Hidden Focal Point", listed=False, email="hidden@example.org")
        TaskForcePosition.objects.create(
            person=PersonFactory(
                honorific="Dr", name="Ben Quinones", listed_publicly=True, email="ben@example.org"
            ),
            title=PositionTitle.FOUNDING_CHAIR,
            since=dt.date(2024, 6, 19),
        )
        kind = reports.get_kind("roster")
        current = kind.find("current")
        return {
            "staff": reports.render(kind, current, audience="staff"),
            "public": reports.render(kind, current, audience="public"),
            "before_japan": reports.gather(kind, kind.find("2025-01-15"), audience="staff"),
        }


def _text(rendered):
    return pdfcheck.flat(" ".join(pdfcheck.page_texts(pdfcheck.read(rendered.pdf))))


def test_roster_groups_organisations_by_country_asean_first(roster):
    text = _text(roster["public"])
    order = [
        "Cambodia",
        "Lao PDR",
        "Myanmar",
        "Philippines",
        "Thailand",
        "Japan",
        "Regional and international",
    ]

    positions = [text.find(f"{country} · ") for country in order]

    assert -1 not in positions
    assert positions == sorted(positions)


def test_roster_shows_roles_including_several_for_one_organisation(roster):
    text = _text(roster["public"])

    assert (
        "Asian Solidarity Economy Council (ASEC) Cooperative Member, Secretariat organisation"
        in text
    )
    assert "ICA Asia Pacific (ICA-AP)" in text
    assert "Continental partner" in text


def test_roster_leaves_out_former_and_unapproved_organisations(roster):
    text = _text(roster["staff"])

    assert "Former Member Cooperative" not in text
    assert "Unapproved Cooperative" not in text
    assert "7 organisations" in text


def test_staff_version_carries_the_contact_data(roster):
    text = _text(roster["staff"])

    assert "thai@example.org · +66 81 000 0000" in text
    assert "Hidden Focal Point, Coordinator hidden@example.org" in text
    assert "ben@example.org" in text


def test_public_version_has_no_contact_data_and_names_only_consenting_people(roster):
    text = _text(roster["public"])

    assert "@example.org" not in text
    assert "+66" not in text
    assert "Hidden Focal Point" not in text
    assert arrange.NAMES_IN_SCRIPTS["japanese"] not in text
    assert text.count("1 focal point not listed publicly") == 2
    assert f"{arrange.NAMES_IN_SCRIPTS['thai']}, Coordinator" in text
    assert "Founding Chair Dr Ben Quinones" in text


def test_roster_on_an_earlier_date_shows_the_task_force_as_it_stood(roster):
    gathered = roster["before_japan"]

    names = [o.name for c in gathered.context["countries"] for o in c.organisations]
    assert "PARC Japan" not in names
    assert "Former Member Cooperative" not in names
    assert gathered.context["organisation_total"] == 6


def test_roster_embeds_a_font_for_every_script_of_its_names(roster):
    reader = pdfcheck.read(roster["staff"].pdf)
    text = " ".join(pdfcheck.page_texts(reader))

    assert pdfcheck.scripts_in(text) == {"thai", "khmer", "lao", "myanmar", "cjk"}
    assert pdfcheck.missing_fonts(reader, text) == set()


@pytest.mark.parametrize("count", [1, 8])
def test_roster_selector_costs_three_queries_whatever_the_size(count, django_assert_num_queries):
    for index in range(count):
        organisation = _member(f"Member {index}", f"M{index}", "TH")
        _focal_point(organisation, f"Focal {index}", listed=True, email=f"f{index}@example.org")
    kind = reports.get_kind("roster")
    subject = kind.find("current")

    with django_assert_num_queries(3):
        gathered = reports.gather(kind, subject, audience="staff")

    assert gathered.rows == count


def test_roster_of_a_date_that_is_not_one_is_not_found():
    kind = reports.get_kind("roster")

    with pytest.raises(reports.SubjectNotFound):
        reports.find_subject(kind, "last-tuesday")
