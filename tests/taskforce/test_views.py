import datetime as dt
import html
import re

import pytest

from roadmap_portal.core.plugins import SeedContext
from taskforce import demo
from taskforce.models import Organisation, Person
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/taskforce/"


def listed_names(response) -> list[str]:
    """The organisation names the directory shows, in order."""
    page = response.content.decode()
    return [html.unescape(name) for name in re.findall(r'<h2><a href="[^"]+">(.*?)</a>', page)]


def test_directory_lists_approved_organisations_by_name(client):
    OrganisationFactory(name="Tamsany", country=country("TH"))
    OrganisationFactory(name="Bina Swadaya", country=country("ID"))
    OrganisationFactory(name="Awaiting Approval", approved=False)

    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert listed_names(response) == ["Bina Swadaya", "Tamsany"]
    assert "2 organisations" in response.content.decode()


def test_directory_is_public_to_a_signed_in_user_too(client):
    OrganisationFactory(name="Tamsany")
    client.force_login(UserFactory())

    response = client.get(DIRECTORY)

    assert listed_names(response) == ["Tamsany"]


def test_directory_filters_by_country(client):
    OrganisationFactory(name="HomeNet Thailand", country=country("TH"))
    OrganisationFactory(name="Bina Swadaya", country=country("ID"))

    response = client.get(DIRECTORY, {"country": "TH"})

    assert listed_names(response) == ["HomeNet Thailand"]


def test_directory_offers_only_countries_with_organisations(client):
    OrganisationFactory(name="HomeNet Thailand", country=country("TH"))
    OrganisationFactory(name="Hidden", country=country("VN"), approved=False)

    page = client.get(DIRECTORY).content.decode()

    assert re.findall(r'<option value="([A-Z]{2})"', page) == ["TH"]


def test_directory_filters_by_country_group(client):
    OrganisationFactory(name="PARC Japan", country=country("JP"))
    OrganisationFactory(name="Bina Swadaya", country=country("ID"))
    OrganisationFactory(name="HomeNet Southeast Asia", country=None)

    response = client.get(DIRECTORY, {"group": "allied"})

    assert listed_names(response) == ["PARC Japan"]


def test_directory_filters_by_kind(client):
    OrganisationFactory(name="MyCool", kind="platform")
    OrganisationFactory(name="Bayan Family of Foundations", kind="foundation")

    response = client.get(DIRECTORY, {"kind": "foundation"})

    assert listed_names(response) == ["Bayan Family of Foundations"]


def test_directory_filters_by_current_task_force_role(client):
    ica = OrganisationFactory(name="International Cooperative Alliance Asia and Pacific")
    MembershipFactory(organisation=ica, role="continental_partner")
    former = OrganisationFactory(name="Former Partner")
    MembershipFactory(
        organisation=former,
        role="continental_partner",
        since=dt.date(2020, 1, 1),
        until=dt.date(2021, 1, 1),
    )
    MembershipFactory(organisation=OrganisationFactory(name="Bina Swadaya"), role="member")

    response = client.get(DIRECTORY, {"role": "continental_partner"})

    assert listed_names(response) == ["International Cooperative Alliance Asia and Pacific"]


def test_directory_combines_filters(client):
    OrganisationFactory(name="Tamsany", country=country("TH"), kind="platform")
    OrganisationFactory(name="HomeNet Thailand", country=country("TH"), kind="network")
    OrganisationFactory(name="MyCool", country=country("ID"), kind="platform")

    response = client.get(DIRECTORY, {"country": "TH", "kind": "platform"})

    assert listed_names(response) == ["Tamsany"]


@pytest.mark.parametrize("query", ["hop tac xa", "Hợp tác", "HỢP TÁC XÃ", "quyet thang"])
def test_directory_search_ignores_case_and_diacritics(client, query):
    OrganisationFactory(name="Hợp tác xã Quyết Thắng", slug="htx-quyet-thang")
    OrganisationFactory(name="Tamsany")

    response = client.get(DIRECTORY, {"q": query})

    assert listed_names(response) == ["Hợp tác xã Quyết Thắng"]


def test_directory_search_finds_a_thai_name_by_its_own_script(client):
    OrganisationFactory(name="เครือข่ายเศรษฐกิจสังคมและสมานฉันท์", slug="thai-sse-network")
    OrganisationFactory(name="HomeNet Thailand")

    response = client.get(DIRECTORY, {"q": "เศรษฐกิจ"})

    assert listed_names(response) == ["เครือข่ายเศรษฐกิจสังคมและสมานฉันท์"]


def test_directory_search_finds_an_acronym(client):
    OrganisationFactory(name="Asian Solidarity Economy Council", acronym="ASEC")
    OrganisationFactory(name="Tamsany")

    response = client.get(DIRECTORY, {"q": "asec"})

    assert listed_names(response) == ["Asian Solidarity Economy Council"]


def test_directory_explains_a_filter_value_it_does_not_know(client):
    OrganisationFactory(name="Tamsany")

    response = client.get(DIRECTORY, {"kind": "spaceship"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert listed_names(response) == []


def test_directory_pages_by_25_and_keeps_the_filters(client):
    for number in range(30):
        OrganisationFactory(name=f"Cooperative {number:02d}", country=country("PH"))

    first = client.get(DIRECTORY, {"country": "PH"})
    second = client.get(DIRECTORY, {"country": "PH", "page": 2})

    assert len(listed_names(first)) == 25
    assert listed_names(second) == [f"Cooperative {number}" for number in range(25, 30)]
    assert 'href="?country=PH&amp;page=2" rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_directory_page_beyond_the_last_is_not_found(client):
    OrganisationFactory()

    response = client.get(DIRECTORY, {"page": 3})

    assert response.status_code == 404


@pytest.mark.parametrize("organisations", [2, 30])
def test_directory_costs_the_same_queries_for_few_and_many(
    client, django_assert_num_queries, organisations
):
    for number in range(organisations):
        organisation = OrganisationFactory(country=country("TH" if number % 2 else "PH"))
        MembershipFactory(organisation=organisation)
        MembershipFactory(organisation=organisation, role="continental_partner")

    with django_assert_num_queries(4):
        response = client.get(DIRECTORY, {"role": "member", "q": "cooperative"})

    assert len(listed_names(response)) == min(organisations, 25)


def test_organisation_page_shows_the_task_force_role_and_public_people(client):
    asec = OrganisationFactory(name="Asian Solidarity Economy Council", acronym="ASEC")
    MembershipFactory(organisation=asec, role="secretariat", since=dt.date(2025, 1, 1))
    AffiliationFactory(
        organisation=asec,
        person=PersonFactory(honorific="Dr", name="Ben Quinones", listed_publicly=True),
        position="Founding Chair",
    )

    response = client.get(asec.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Secretariat organisation, since 1 January 2025" in page
    assert "<strong>Dr Ben Quinones</strong>" in page
    assert "Founding Chair" in page


def test_organisation_page_counts_people_not_listed_publicly_without_naming_them(client):
    organisation = OrganisationFactory()
    AffiliationFactory(
        organisation=organisation, person=PersonFactory(name="Public One", listed_publicly=True)
    )
    for name in ("Private One", "Private Two"):
        AffiliationFactory(organisation=organisation, person=PersonFactory(name=name))

    page = client.get(organisation.get_absolute_url()).content.decode()

    assert "Public One" in page
    assert "Private One" not in page
    assert "Private Two" not in page
    assert "and 2 other people who are not listed publicly." in page


def test_organisation_page_leaves_out_people_who_have_left(client):
    organisation = OrganisationFactory()
    AffiliationFactory(
        organisation=organisation,
        person=PersonFactory(name="Former Officer", listed_publicly=True),
        ended=dt.date(2024, 12, 31),
    )

    page = client.get(organisation.get_absolute_url()).content.decode()

    assert "Former Officer" not in page
    assert "No one from this organisation is listed publicly." in page


def test_organisation_page_of_an_unapproved_organisation_is_not_found(client):
    organisation = OrganisationFactory(approved=False)

    response = client.get(organisation.get_absolute_url())

    assert response.status_code == 404


def test_organisation_page_of_an_unknown_slug_is_not_found(client):
    response = client.get("/taskforce/no-such-organisation/")

    assert response.status_code == 404


@pytest.mark.parametrize("people", [2, 30])
def test_organisation_page_costs_the_same_queries_for_few_and_many(
    client, django_assert_num_queries, people
):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    for number in range(people):
        AffiliationFactory(
            organisation=organisation, person=PersonFactory(listed_publicly=number % 2 == 0)
        )

    with django_assert_num_queries(4):
        response = client.get(organisation.get_absolute_url())

    assert response.content.decode().count("<strong>") == people // 2


def test_registry_pages_show_no_contact_data(client):
    organisation = OrganisationFactory(name="Bayan Family of Foundations")
    for number in range(3):
        AffiliationFactory(
            organisation=organisation,
            person=PersonFactory(listed_publicly=True, phone=f"+63 2 8555 01{number:02d}"),
        )
    contacts = {
        value for pair in Person.objects.values_list("email", "phone") for value in pair
    } - {""}

    pages = [
        client.get(url).content.decode()
        for url in (DIRECTORY, organisation.get_absolute_url(), f"{DIRECTORY}?q=bayan")
    ]

    assert len(contacts) == 6
    assert [value for value in contacts for page in pages if value in page] == []


def test_every_demo_organisation_has_a_public_page_naming_its_listed_people(client):
    demo.seed(SeedContext())

    statuses = {
        organisation.slug: client.get(organisation.get_absolute_url()).status_code
        for organisation in Organisation.objects.all()
    }
    appgm = client.get("/taskforce/appgm-sdg/").content.decode()

    assert (len(statuses), set(statuses.values())) == (16, {200})
    assert "<strong>Prof Datuk Dr Denison Jayasooria</strong>" in appgm
    assert "<strong>Mr Paniirselvam Jayaraman</strong>" in appgm
