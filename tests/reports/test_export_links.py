"""Reports are exported from the page of what they report on, by staff only."""

import pytest

from tests.factories import OrganisationFactory, member_of, staff_user
from tests.reports import arrange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "export"),
    [
        (
            "/dialogues/regional-sse-workshop-2024/",
            "/manage/reports/dialogue/regional-sse-workshop-2024/",
        ),
        ("/taskforce/", "/manage/reports/roster/current/"),
    ],
)
def test_staff_see_the_export_link_on_the_page_reported_on(client, page, export):
    arrange.convening()
    client.force_login(staff_user())

    html = client.get(page).content.decode()

    assert f'href="{export}">Export report (PDF)</a>' in html
    assert client.get(export).status_code == 200


@pytest.mark.parametrize("page", ["/dialogues/regional-sse-workshop-2024/", "/taskforce/"])
def test_others_do_not_see_the_export_link(client, page):
    arrange.convening()
    anonymous = client.get(page).content.decode()
    client.force_login(member_of(OrganisationFactory(), focal_point=True))
    member = client.get(page).content.decode()

    assert "Export report (PDF)" not in anonymous
    assert "Export report (PDF)" not in member
