from io import StringIO

import pytest
from django.core.management import call_command

from dialogues.models import Convening

pytestmark = pytest.mark.django_db


def test_ensure_rotation_command_recreates_a_missing_year_and_keeps_the_others():
    Convening.objects.filter(year=2028).delete()
    kept = dict(Convening.objects.policy_dialogues().values_list("year", "pk"))
    out = StringIO()

    call_command("ensure_rotation", stdout=out)

    after = dict(Convening.objects.policy_dialogues().values_list("year", "pk"))
    assert sorted(after) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert {year: pk for year, pk in after.items() if year != 2028} == kept
    assert "6 policy dialogues in the rotation, 1 new." in out.getvalue()
