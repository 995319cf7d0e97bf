"""Only holders of access_console enter /manage/ (DESIGN.md): anonymous 302, others 403."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory, admin_user, member_of, staff_user

pytestmark = pytest.mark.django_db

PAGES = [
    "console:dashboard",
    "console:message_list",
    "participation_console:activity_list",
    "participation_console:registration_list",
    "participation_console:invitation_list",
    "taskforce_console:organisation_list",
    "taskforce_console:organisation_create",
    "taskforce_console:organisation_import",
    "taskforce_console:person_list",
    "taskforce_console:person_create",
    "taskforce_console:person_import",
    "taskforce_console:affiliation_list",
    "taskforce_console:membership_list",
    "taskforce_console:position_list",
    "taskforce_console:merge_list",
    "dialogues_console:convening_list",
    "dialogues_console:convening_create",
    "dialogues_console:session_list",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(page, client):
    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES)
def test_members_and_focal_points_are_forbidden(page, client):
    organisation = OrganisationFactory()
    for user in (UserFactory(), member_of(organisation), member_of(organisation, focal_point=True)):
        client.force_login(user)

        response = client.get(reverse(page))

        assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_staff_and_admins_enter(page, client):
    for user in (staff_user(), admin_user()):
        client.force_login(user)

        response = client.get(reverse(page))

        assert response.status_code == 200


def test_the_django_staff_flag_alone_does_not_open_the_console(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("console:dashboard"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "page", ["participation_console:registration_bulk", "taskforce_console:person_merge"]
)
def test_posts_are_forbidden_to_members_too(page, client):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(reverse(page), {"ids": ["1", "2"], "action": "confirm"})

    assert response.status_code == 403
