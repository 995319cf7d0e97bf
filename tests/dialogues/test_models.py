import pytest
from django.db import IntegrityError, transaction

from dialogues.models import Convening
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _convening(*, kind: str, year: int, slug: str) -> Convening:
    activity = ActivityFactory(kind=kind)
    return Convening.objects.create(
        activity=activity, kind=kind, year=year, slug=slug, title=f"{kind} {year}"
    )


def test_a_second_policy_dialogue_in_a_year_is_refused_by_the_database(rotation):
    with pytest.raises(IntegrityError), transaction.atomic():
        _convening(kind="policy_dialogue", year=2025, slug="another-dialogue-2025")

    assert Convening.objects.policy_dialogues().filter(year=2025).count() == 1


def test_a_policy_dialogue_in_a_year_outside_the_rotation_is_allowed(rotation):
    _convening(kind="policy_dialogue", year=2031, slug="policy-dialogue-2031")

    assert Convening.objects.policy_dialogues().count() == 7


@pytest.mark.parametrize("kind", ["forum", "summit", "workshop"])
def test_other_kinds_may_meet_several_times_in_a_year(rotation, kind):
    _convening(kind=kind, year=2025, slug=f"first-{kind}")
    _convening(kind=kind, year=2025, slug=f"second-{kind}")

    assert Convening.objects.filter(kind=kind, year=2025).count() == 2


def test_an_implausible_year_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        _convening(kind="forum", year=1999, slug="forum-1999")


def test_convening_url_is_its_slug(make_convening):
    convening = make_convening(slug="sse-for-sdgs-forum-2024")

    assert convening.get_absolute_url() == "/dialogues/sse-for-sdgs-forum-2024/"
