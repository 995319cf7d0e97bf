"""Fixtures for the dialogues tests: convenings built through the real service."""

import datetime as dt
import itertools

import pytest

from dialogues import services
from tests.factories import country

_numbers = itertools.count(1)


@pytest.fixture
def make_convening(db):
    """Create a convening (and its Activity) with ``create_convening``; defaults a 2024 forum."""

    def make(**overrides):
        number = next(_numbers)
        host = overrides.pop("host_country", None) or country("PH")
        first_day = overrides.pop("first_day", dt.date(2024, 11, 12))
        arguments = {
            "kind": "forum",
            "title": f"SSE forum {number}",
            "slug": f"sse-forum-{number}",
            "host_country": host,
            "starts_at": services.local_datetime(first_day, dt.time(9), host.time_zone),
            "ends_at": services.local_datetime(first_day, dt.time(17), host.time_zone),
        }
        arguments.update(overrides)
        return services.create_convening(**arguments)

    return make


def seed_registry_and_dialogues(*, accounts: bool) -> None:
    """What ``seed_demo`` does for the registry and the dialogues, without other apps' parts."""
    from dialogues import demo as dialogues_demo
    from roadmap_portal.core.plugins import SeedContext
    from roadmap_portal.roadmap.management.commands.seed_demo import ensure_demo_accounts
    from taskforce import demo as taskforce_demo

    context = SeedContext()
    if accounts:
        context.accounts = ensure_demo_accounts(context)
    taskforce_demo.seed(context)
    dialogues_demo.seed(context)


@pytest.fixture
def seeded(db):
    """The registry's and the dialogues' demo data, without the demo accounts."""
    seed_registry_and_dialogues(accounts=False)


@pytest.fixture
def seeded_with_accounts(db):
    seed_registry_and_dialogues(accounts=True)
