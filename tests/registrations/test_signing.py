import pytest

from roadmap_portal.registrations.models import Registration
from roadmap_portal.registrations.signing import (
    decline_path,
    make_decline_token,
    read_decline_token,
)


def test_a_decline_token_names_the_registration_and_its_person():
    registration = Registration(pk=12, person_id=34)

    assert read_decline_token(make_decline_token(registration)) == (12, 34)


@pytest.mark.parametrize("token", ["", "abc", "eyJyIjoxMiwicCI6MzR9:1tamper:ed"])
def test_a_token_not_signed_here_reads_as_nothing(token):
    assert read_decline_token(token) is None


def test_a_token_from_another_salt_reads_as_nothing():
    from django.core import signing

    token = signing.dumps({"r": 12, "p": 34}, salt="someone.else")

    assert read_decline_token(token) is None


def test_decline_path_is_under_registrations():
    path = decline_path(Registration(pk=12, person_id=34))

    assert path.startswith("/registrations/decline/")
