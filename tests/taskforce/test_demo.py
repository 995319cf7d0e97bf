"""The registry's demo data: the organisations, the Task Force and the people of the report."""

import datetime as dt

import pytest

from roadmap_portal.accounts.membership import is_focal_point_of
from roadmap_portal.accounts.models import User
from roadmap_portal.core.plugins import SeedContext
from roadmap_portal.roadmap.management.commands.seed_demo import ensure_demo_accounts
from taskforce import demo
from taskforce.models import (
    Affiliation,
    Organisation,
    Person,
    TaskForceMembership,
    TaskForcePosition,
)

pytestmark = pytest.mark.django_db

ROADMAP_START = dt.date(2025, 1, 1)


@pytest.fixture
def seeded(db):
    demo.seed(SeedContext())


def _roles() -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for slug, role in TaskForceMembership.objects.values_list("organisation__slug", "role"):
        roles.setdefault(role, set()).add(slug)
    return roles


def test_the_organisations_the_reference_names_are_there_and_approved(seeded):
    organisations = Organisation.objects.order_by("slug")

    assert [(o.slug, o.display_name, o.country_id) for o in organisations] == [
        ("appgm-sdg", "APPGM-SDG", "MY"),
        ("asean-parliamentarian-forum", "ASEAN Parliamentarian Forum", None),
        ("asec", "ASEC", "ID"),
        ("bayan-family-of-foundations", "BFF", "PH"),
        ("bina-swadaya", "Bina Swadaya", "ID"),
        ("homenet-southeast-asia", "HomeNet Southeast Asia", None),
        ("homenet-thailand", "HomeNet Thailand", "TH"),
        ("ica-ap", "ICA-AP", "IN"),
        ("ilo", "ILO", "CH"),
        ("mycool", "MyCool", "ID"),
        ("mysdg-academy", "MySDG Academy", "MY"),
        ("oa-organic-ykpm", "OA Organic-YKPM", "MY"),
        ("parc-japan", "PARC Japan", "JP"),
        ("quezon-city-peso", "PESO", "PH"),
        ("tamsany", "Tamsany", "TH"),
        ("wfto-asia", "WFTO-Asia", None),
    ]
    assert set(organisations.values_list("approved", flat=True)) == {True}


def test_the_task_force_has_asec_as_secretariat_members_in_asean_and_continental_partners(
    seeded,
):
    assert _roles() == {
        "secretariat": {"asec"},
        "member": {
            "appgm-sdg",
            "bina-swadaya",
            "homenet-thailand",
            "tamsany",
            "oa-organic-ykpm",
            "mycool",
            "bayan-family-of-foundations",
            "quezon-city-peso",
        },
        "continental_partner": {
            "ica-ap",
            "homenet-southeast-asia",
            "wfto-asia",
            "asean-parliamentarian-forum",
        },
    }
    assert set(TaskForceMembership.objects.values_list("since", "until")) == {(ROADMAP_START, None)}


def test_task_force_members_are_asec_members_in_asean_countries(seeded):
    members = Organisation.objects.filter(taskforce_memberships__role="member")

    assert set(members.values_list("is_asec_member", "country__group")) == {(True, "asean")}


def test_the_twelve_workshop_participants_are_listed_publicly_without_contact_data(seeded):
    people = Person.objects.order_by("id")

    assert [(p.honorific, p.name) for p in people] == [
        ("Dr", "Ben Quinones"),
        ("Dr", "Eri Trinuri Adhi"),
        ("Prof Datuk Dr", "Denison Jayasooria"),
        ("Ms", "Poonsap Tulaphan"),
        ("Mr", "Akkanut Wantansombut"),
        ("Mr", "Kon Onn Sein"),
        ("Ms", "Heira Hardiyanti"),
        ("Mr", "Shigeru Tanaka"),
        ("Mr", "Chandra Firmantoko"),
        ("Mr", "Carlo Sagun"),
        ("Mr", "Paniirselvam Jayaraman"),
        ("Ms", "Marian Jo Jennifer Dacawi"),
    ]
    assert set(people.values_list("listed_publicly", "email", "phone", "user")) == {
        (True, "", "", None)
    }


def test_the_chair_belongs_to_asec_and_bina_swadaya(seeded):
    affiliations = Affiliation.objects.filter(person__name="Eri Trinuri Adhi")

    assert sorted(affiliations.values_list("organisation__slug", "position")) == [
        ("asec", "Chair"),
        ("bina-swadaya", ""),
    ]


def test_the_task_force_positions_are_founding_chair_chair_and_secretariat_head(seeded):
    positions = TaskForcePosition.objects.order_by("person__name")

    assert [(p.person.full_name, p.title, p.since) for p in positions] == [
        ("Dr Ben Quinones", "founding_chair", ROADMAP_START),
        ("Mr Chandra Firmantoko", "secretariat_head", ROADMAP_START),
        ("Dr Eri Trinuri Adhi", "chair", ROADMAP_START),
    ]


def test_the_member_account_is_the_focal_point_of_appgm_sdg(db):
    context = SeedContext()
    context.accounts = ensure_demo_accounts(context)

    demo.seed(context)

    member = User.objects.get(email="member@example.org")
    appgm = Organisation.objects.get(slug="appgm-sdg")
    assert is_focal_point_of(member, appgm) is True
    assert [o.slug for o in Organisation.objects.filter(affiliations__person__user=member)] == [
        "appgm-sdg"
    ]
    assert member.person.listed_publicly is False


def test_without_accounts_no_person_is_linked_to_a_user(seeded):
    assert Person.objects.filter(user__isnull=False).count() == 0
    assert Person.objects.count() == 12


def test_seeding_twice_creates_nothing_the_second_time(seeded):
    context = SeedContext()

    demo.seed(context)

    assert {label: tally.created for label, tally in context.tallies.items()} == {
        "organisations": 0,
        "Task Force memberships": 0,
        "people": 0,
        "affiliations": 0,
        "Task Force positions": 0,
    }
    assert Person.objects.count() == 12
