"""Fixtures of the security tests, and the bounded hypothesis profile they run under."""

import os

import pytest
from hypothesis import settings

from tests.security.url_registry import build_scenario

# Bounded and repeatable: the same examples in every run, no deadline on a slow machine.
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def scenario(db):
    """Organisations A and B with their people, staff, an admin and one object of each kind."""
    return build_scenario()
