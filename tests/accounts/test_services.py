import pytest
from django.core.exceptions import ValidationError

from roadmap_portal.accounts.services import sync_person_email, update_user_settings
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_update_user_settings_saves_name_and_zone():
    user = UserFactory()

    update_user_settings(user=user, full_name="Maria Santos", time_zone="Asia/Manila")

    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Maria Santos", "Asia/Manila")


def test_update_user_settings_refuses_an_unknown_zone():
    user = UserFactory(time_zone="Asia/Manila")

    with pytest.raises(ValidationError):
        update_user_settings(user=user, full_name="Maria", time_zone="Mars/Olympus")

    user.refresh_from_db()
    assert user.time_zone == "Asia/Manila"


def test_sync_person_email_follows_the_users_address():
    user = UserFactory(email="new@example.org")
    person = PersonFactory(user=user, email="old@example.org")

    sync_person_email(user=user)

    person.refresh_from_db()
    assert person.email == "new@example.org"


def test_sync_person_email_without_a_person_does_nothing():
    user = UserFactory()

    sync_person_email(user=user)

    assert hasattr(user, "person") is False
