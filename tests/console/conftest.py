"""Fixtures of the console tests: a staff member signed in."""

import pytest

from tests.factories import staff_user


@pytest.fixture
def staff(db):
    return staff_user(email="secretariat@example.org")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
