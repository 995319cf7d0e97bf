"""The dialogues' demo data: the convenings of the ASEC report, as the report gives them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogues.models import Convening
from roadmap_portal.registrations.models import Registration

pytestmark = pytest.mark.django_db


def _convening(slug: str) -> Convening:
    return Convening.objects.select_related("activity").get(slug=slug)


def test_the_workshop_is_the_ilo_regional_workshop_of_june_2024_in_bangkok(seeded):
    workshop = _convening("ilo-sse-workshop-2024")
    bangkok = ZoneInfo("Asia/Bangkok")

    activity = workshop.activity
    assert (workshop.kind, activity.kind, workshop.year) == ("workshop", "workshop", 2024)
    assert (workshop.host_country_id, activity.country_id, workshop.city) == ("TH", "TH", "Bangkok")
    assert (activity.starts_at, activity.ends_at) == (
        dt.datetime(2024, 6, 18, 0, 0, tzinfo=bangkok),
        dt.datetime(2024, 6, 19, 23, 59, tzinfo=bangkok),
    )
    assert (activity.time_zone, activity.status) == ("Asia/Bangkok", "held")
    assert [o.acronym for o in workshop.organised_by.all()] == ["ILO"]
    assert [o.acronym for o in workshop.report_prepared_by.all()] == ["ASEC"]


def test_the_workshop_keeps_the_asec_submission_with_its_four_strategic_actions(seeded):
    workshop = _convening("ilo-sse-workshop-2024")

    actions = list(workshop.strategic_actions.values_list("position", "title"))

    assert actions == [
        (1, "Establish a Multi-stakeholders ASEAN SSE for SDGs Task Force"),
        (2, "Conduct the Policy Dialogue"),
        (3, "Organize a series of webinars"),
        (4, "Organize and conduct an ASEAN SSE for SDGs Training Course"),
    ]
    assert "framework law on SSE is paramount" in workshop.outcomes
    assert "UN resolution on SSE adopted in April 2023" in workshop.background
    assert "(ICA-AP)" in workshop.strategic_actions.get(position=1).description


def test_the_workshop_participants_are_recorded_in_the_reports_order(seeded):
    workshop = _convening("ilo-sse-workshop-2024")

    rows = list(
        Registration.objects.filter(activity=workshop.activity)
        .in_list_order()
        .values_list("list_position", "person__name", "role", "mode", "organisation__slug")
    )

    assert rows == [
        (1, "Ben Quinones", "moderator", "onsite", "asec"),
        (2, "Eri Trinuri Adhi", "participant", "onsite", "asec"),
        (3, "Denison Jayasooria", "speaker", "onsite", "appgm-sdg"),
        (4, "Poonsap Tulaphan", "speaker", "onsite", "homenet-thailand"),
        (5, "Akkanut Wantansombut", "speaker", "onsite", "tamsany"),
        (6, "Kon Onn Sein", "speaker", "online", "oa-organic-ykpm"),
        (7, "Heira Hardiyanti", "speaker", "onsite", "mycool"),
        (8, "Shigeru Tanaka", "participant", "onsite", "parc-japan"),
        (9, "Chandra Firmantoko", "participant", "onsite", "asec"),
        (10, "Carlo Sagun", "participant", "onsite", "bayan-family-of-foundations"),
        (11, "Paniirselvam Jayaraman", "participant", "onsite", "appgm-sdg"),
        (12, "Marian Jo Jennifer Dacawi", "participant", "onsite", "quezon-city-peso"),
    ]


def test_the_workshop_participants_attended_and_were_recorded_by_staff_override(seeded):
    registrations = Registration.objects.filter(activity__convening__slug="ilo-sse-workshop-2024")

    assert set(registrations.values_list("status", "attended", "is_staff_override")) == {
        ("confirmed", True, True)
    }


def test_the_forum_is_in_the_philippines_in_november_2024_by_bff_with_asec_and_appgm(seeded):
    forum = _convening("sse-for-sdgs-forum-2024")
    manila = ZoneInfo("Asia/Manila")

    assert (forum.kind, forum.activity.kind, forum.host_country_id) == ("forum", "forum", "PH")
    assert forum.activity.starts_at == dt.datetime(2024, 11, 12, tzinfo=manila)
    assert forum.activity.ends_at == dt.datetime(2024, 11, 13, 23, 59, tzinfo=manila)
    assert {o.slug for o in forum.organised_by.all()} == {
        "bayan-family-of-foundations",
        "asec",
        "appgm-sdg",
    }


def test_the_summit_is_in_april_2025_in_malaysia_with_the_day_unknown(seeded):
    summit = _convening("asean-sdg-sse-summit-2025")

    activity = summit.activity
    assert (summit.kind, activity.kind, summit.year, summit.host_country_id) == (
        "summit",
        "summit",
        2025,
        "MY",
    )
    assert activity.date_precision == "month"
    # A month-precision start is stored at noon UTC on the 1st (partial_date_anchor).
    assert activity.starts_at == dt.datetime(2025, 4, 1, 12, tzinfo=dt.UTC)
    assert activity.ends_at is None
    assert [o.slug for o in summit.organised_by.all()] == ["appgm-sdg"]


def test_the_demo_keeps_the_six_dialogues_of_the_rotation(seeded):
    years = list(Convening.objects.policy_dialogues().order_by("year").values_list("year"))

    assert years == [(2025,), (2026,), (2027,), (2028,), (2029,), (2030,)]
