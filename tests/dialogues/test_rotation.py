import datetime as dt

import pytest

from dialogues import services
from dialogues.models import Convening
from dialogues.rotation import ensure_rotation, policy_dialogue_slug
from roadmap_portal.registrations.models import Activity

pytestmark = pytest.mark.django_db


def test_the_data_migration_plans_the_six_dialogues_with_their_hosts():
    dialogues = Convening.objects.policy_dialogues().order_by("year")

    assert [(c.year, c.host_country_id, c.slug) for c in dialogues] == [
        (2025, "MY", "policy-dialogue-2025"),
        (2026, "PH", "policy-dialogue-2026"),
        (2027, "SG", "policy-dialogue-2027"),
        (2028, "TH", "policy-dialogue-2028"),
        (2029, "VN", "policy-dialogue-2029"),
        (2030, "BN", "policy-dialogue-2030"),
    ]


def test_each_planned_dialogue_has_an_activity_of_the_same_kind_and_country():
    dialogues = Convening.objects.policy_dialogues().select_related("activity")

    assert {(c.activity.kind, c.activity.country_id) for c in dialogues} == {
        ("policy_dialogue", code) for code in ("MY", "PH", "SG", "TH", "VN", "BN")
    }
    assert {c.activity.date_precision for c in dialogues} == {"year"}


def test_ensure_rotation_twice_keeps_six_dialogues_with_the_same_ids():
    first = [convening.pk for convening in ensure_rotation()]

    second = [convening.pk for convening in ensure_rotation()]

    assert second == first
    assert Convening.objects.policy_dialogues().count() == 6
    assert Activity.objects.filter(kind="policy_dialogue").count() == 6


def test_ensure_rotation_leaves_what_staff_filled_in():
    dialogue = Convening.objects.get(slug=policy_dialogue_slug(2026))
    starts_at = services.local_datetime(dt.date(2026, 10, 20), dt.time(9), "Asia/Manila")
    services.update_convening(
        convening=dialogue,
        title="ASEAN SSE for SDGs Policy Dialogue 2026: Manila",
        city="Manila",
        venue="Philippine International Convention Center",
        starts_at=starts_at,
        date_precision="day",
    )

    ensure_rotation()

    dialogue = Convening.objects.select_related("activity").get(slug=policy_dialogue_slug(2026))
    assert (dialogue.title, dialogue.city, dialogue.venue) == (
        "ASEAN SSE for SDGs Policy Dialogue 2026: Manila",
        "Manila",
        "Philippine International Convention Center",
    )
    assert (dialogue.activity.starts_at, dialogue.activity.date_precision) == (starts_at, "day")


def test_ensure_rotation_puts_back_only_a_missing_year():
    Convening.objects.filter(year=2029, kind="policy_dialogue").delete()
    kept = dict(Convening.objects.policy_dialogues().values_list("year", "pk"))

    dialogues = ensure_rotation()

    assert [convening.year for convening in dialogues] == [2025, 2026, 2027, 2028, 2029, 2030]
    assert {c.year: c.pk for c in dialogues if c.year != 2029} == kept
