"""Browse, register and nominate with JavaScript switched off: every form is plain HTML."""

import pytest

from roadmap_portal.registrations.models import Registration
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import (
    _colleagues,
    _focal_point_of,
    _one_session_cohort,
    _open_forum,
)
from tests.factories import PASSWORD, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browse_register_and_nominate_without_javascript(no_script_page):
    page = no_script_page
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    [ana, ben] = _colleagues(homenet, "Ana Reyes", "Ben Santos")
    _open_forum(slug="sse-forum-manila", title="SSE Forum Manila", onsite=10, online=10)
    _one_session_cohort(slug="philippines-2026")

    page.goto(page.base + "/taskforce/?q=homenet")
    listed = page.locator(".record-list h2").all_inner_texts()
    sign_in(page, focal_point.email, PASSWORD)
    page.goto(page.base + "/dialogues/sse-forum-manila/")
    page.get_by_label("Ana Reyes").check()
    page.get_by_role("button", name="Register the people chosen").click()
    page.get_by_text("Ana Reyes is registered").wait_for()
    page.goto(page.base + "/training/cohorts/philippines-2026/")
    page.get_by_label("Person:").select_option(label="Ben Santos")
    page.get_by_label("Motivation:").fill("He will co-host the 2026 dialogue.")
    page.get_by_role("button", name="Nominate").click()
    page.get_by_role("cell", name="Awaiting approval").wait_for()

    assert listed == ["HomeNet Philippines"]
    assert Registration.objects.get(person=ana).status == "confirmed"
    assert Registration.objects.get(person=ben).status == "pending"
