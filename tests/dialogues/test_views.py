import datetime as dt
import html
import re

import pytest

from dialogues import services
from roadmap_portal.accounts.models import User
from roadmap_portal.registrations.models import Registration
from taskforce.models import Person
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

WORKSHOP_URL = "/dialogues/ilo-sse-workshop-2024/"


def contact_data() -> set[str]:
    """Every e-mail address and phone number the database holds for people and users."""
    people = Person.objects.values_list("email", "phone")
    values = {value for pair in people for value in pair}
    values |= set(User.objects.values_list("email", flat=True))
    return values - {""}


def table_rows(page: str) -> list[tuple[str, ...]]:
    """The cells of each row of the page's participants table, as text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append(tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells))
    return rows


def test_dialogue_list_shows_the_rotation_and_each_year(client, rotation, make_convening):
    make_convening(title="SSE-for-SDGs Forum", slug="sse-for-sdgs-forum-2024", city="Manila")

    response = client.get("/dialogues/")

    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<h2 id="year-(\d+)">', page) == [
        "2030",
        "2029",
        "2028",
        "2027",
        "2026",
        "2025",
        "2024",
    ]
    assert "SSE-for-SDGs Forum" in page
    assert "12 November 2024" in page


def test_dialogue_list_is_public_to_a_signed_in_member_too(client, rotation):
    client.force_login(UserFactory())

    response = client.get("/dialogues/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("year", "host"),
    [
        (2025, "Malaysia"),
        (2026, "Philippines"),
        (2027, "Singapore"),
        (2028, "Thailand"),
        (2029, "Vietnam"),
        (2030, "Brunei Darussalam"),
    ],
)
def test_each_rotation_year_has_its_page(client, rotation, year, host):
    response = client.get(f"/dialogues/policy-dialogue-{year}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>ASEAN SSE for SDGs Policy Dialogue {year}</h1>" in page
    assert f"Hosted by {host}, Chair of ASEAN {year}" in page
    assert f'{year} <span class="muted">(dates to be confirmed)</span>' in page


def test_an_unknown_dialogue_is_not_found(client, rotation):
    response = client.get("/dialogues/policy-dialogue-2031/")

    assert response.status_code == 404


def test_workshop_page_shows_the_reports_facts(client, seeded):
    response = client.get(WORKSHOP_URL)

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "18–19 June 2024" in page
    assert "Bangkok, Thailand" in page
    assert ">International Labour Organization</a>" in page
    assert ">Asian Solidarity Economy Council</a>" in page
    assert re.findall(r"<li><strong>(.*?)</strong>", page) == [
        "Establish a Multi-stakeholders ASEAN SSE for SDGs Task Force",
        "Conduct the Policy Dialogue",
        "Organize a series of webinars",
        "Organize and conduct an ASEAN SSE for SDGs Training Course",
    ]


def test_workshop_page_lists_the_twelve_asec_participants_as_the_report_prints_them(client, seeded):
    response = client.get(WORKSHOP_URL)

    assert table_rows(response.content.decode()) == [
        ("1", "Dr Ben Quinones", "ASEC Founder Chair, Philippines", "Panel Moderator"),
        ("2", "Dr Eri Trinuri Adhi", "ASEC Chair & Bina Swadaya, Indonesia", "Participant"),
        ("3", "Prof Datuk Dr Denison Jayasooria", "APPGM-SDG Malaysia", "Panel Speaker"),
        ("4", "Ms Poonsap Tulaphan", "Homenet Thailand", "Panel Speaker"),
        (
            "5",
            "Mr Akkanut Wantansombut",
            "Tamsany Community based solidarity eco platform, Thailand",
            "Panel Speaker",
        ),
        ("6", "Mr Kon Onn Sein (online)", "OA Organic-YKPM Malaysia", "Panel Speaker"),
        (
            "7",
            "Ms Heira Hardiyanti",
            "MyCool class platform cooperative, Indonesia",
            "Panel Speaker",
        ),
        ("8", "Mr Shigeru Tanaka", "PARC Japan", "Participant"),
        ("9", "Mr Chandra Firmantoko", "ASEC Secretariat Head, Indonesia", "Participant"),
        ("10", "Mr Carlo Sagun", "Bayan Family Foundation, Philippines", "Participant"),
        ("11", "Mr Paniirselvam Jayaraman", "APPGM-SDG Malaysia", "Participant"),
        ("12", "Ms Marian Jo Jennifer Dacawi", "Quezon City (PESO), Philippines", "Participant"),
    ]


def test_summit_page_gives_the_month_and_says_the_day_is_to_be_confirmed(client, seeded):
    response = client.get("/dialogues/asean-sdg-sse-summit-2025/")

    page = response.content.decode()
    assert 'April 2025 <span class="muted">(day to be confirmed)</span>' in page
    assert "Kuala Lumpur, Malaysia" in page


def test_people_not_listed_publicly_are_counted_but_not_named(client, make_convening):
    convening = make_convening()
    listed = PersonFactory(name="Listed Person", listed_publicly=True)
    hidden = PersonFactory(name="Private Person", listed_publicly=False)
    for person in (listed, hidden, PersonFactory(name="Another Private")):
        RegistrationFactory(activity=convening.activity, person=person)

    response = client.get(convening.get_absolute_url())

    page = response.content.decode()
    assert [row[1] for row in table_rows(page)] == ["Listed Person"]
    assert "Private Person" not in page
    assert "Another Private" not in page
    assert "3 participants" in page
    assert "and 2 other participants who are not listed publicly." in page


def test_only_confirmed_registrations_appear(client, make_convening):
    convening = make_convening()
    RegistrationFactory(
        activity=convening.activity,
        person=PersonFactory(name="Confirmed One", listed_publicly=True),
    )
    RegistrationFactory(
        activity=convening.activity,
        person=PersonFactory(name="Waiting One", listed_publicly=True),
        status="waitlisted",
    )

    page = client.get(convening.get_absolute_url()).content.decode()

    assert [row[1] for row in table_rows(page)] == ["Confirmed One"]
    assert "Waiting One" not in page


def test_agenda_names_only_moderators_and_speakers_listed_publicly(client, make_convening):
    convening = make_convening()
    services.add_agenda_session(
        convening=convening,
        title="Panel on SSE and decent work",
        moderators=[PersonFactory(name="Public Moderator", listed_publicly=True)],
        speakers=[
            PersonFactory(name="Public Speaker", listed_publicly=True),
            PersonFactory(name="Private Speaker", listed_publicly=False),
        ],
    )

    page = client.get(convening.get_absolute_url()).content.decode()

    assert "Public Moderator" in page
    assert "a participant, Public Speaker" in page
    assert "Private Speaker" not in page


def test_an_organiser_not_yet_approved_is_named_without_a_link(client, make_convening):
    pending = OrganisationFactory(name="Pending Cooperative", approved=False)
    convening = make_convening(organised_by=[pending])

    page = client.get(convening.get_absolute_url()).content.decode()

    assert "<dd>Pending Cooperative</dd>" in page
    assert pending.get_absolute_url() not in page


def test_dates_across_two_months_name_both_months(client, make_convening):
    convening = make_convening(
        starts_at=services.local_datetime(dt.date(2026, 9, 30), dt.time(9), "Asia/Manila"),
        ends_at=services.local_datetime(dt.date(2026, 10, 1), dt.time(17), "Asia/Manila"),
    )

    page = client.get(convening.get_absolute_url()).content.decode()

    assert "30 September – 1 October 2026" in page


def test_dialogue_pages_show_no_contact_data(client, seeded_with_accounts, make_convening):
    convening = make_convening()
    people = [
        PersonFactory(listed_publicly=True, phone=f"+63 917 555 01{number:02d}")
        for number in range(3)
    ]
    for person in people:
        RegistrationFactory(activity=convening.activity, person=person)
    services.add_agenda_session(convening=convening, title="Panel", speakers=people)
    urls = ["/dialogues/", convening.get_absolute_url(), WORKSHOP_URL] + [
        f"/dialogues/policy-dialogue-{year}/" for year in range(2025, 2031)
    ]
    contacts = contact_data()

    pages = [client.get(url).content.decode() for url in urls]

    assert len(contacts) == 3 * 2 + 3  # three people, three demo accounts
    assert [value for value in contacts for page in pages if value in page] == []


def _register(convening, count: int) -> None:
    organisation = OrganisationFactory(country=country("TH"))
    for _ in range(count):
        RegistrationFactory(
            activity=convening.activity,
            person=PersonFactory(listed_publicly=True),
            organisation=organisation,
        )


@pytest.mark.parametrize("participants", [2, 30])
def test_dialogue_page_costs_the_same_queries_for_few_and_many(
    client, make_convening, django_assert_num_queries, participants
):
    convening = make_convening(organised_by=[OrganisationFactory(), OrganisationFactory()])
    _register(convening, participants)
    people = list(Registration.objects.values_list("person", flat=True))
    for number in range(3):
        services.add_agenda_session(
            convening=convening,
            title=f"Session {number}",
            speakers=people[:participants],
            moderators=people[:1],
        )
        services.add_strategic_action(convening=convening, title=f"Action {number}")

    with django_assert_num_queries(9):
        response = client.get(convening.get_absolute_url())

    assert len(table_rows(response.content.decode())) == participants


@pytest.mark.parametrize("convenings", [2, 30])
def test_dialogue_list_costs_the_same_queries_for_few_and_many(
    client, rotation, make_convening, django_assert_num_queries, convenings
):
    for number in range(convenings):
        make_convening(first_day=dt.date(2000 + number % 25, 3, 1))

    with django_assert_num_queries(2):
        response = client.get("/dialogues/")

    assert response.content.decode().count("<li>Forum</li>") == convenings
