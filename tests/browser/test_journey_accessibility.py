"""The member and console pages in a real browser: keyboard alone, and axe-core.

Registration and nomination must work with the keyboard alone (Tab, Space, arrows, Enter),
and axe finds no serious or critical WCAG 2.1 AA violation on the pages members and staff use.
"""

import pytest

from roadmap_portal.registrations.models import Registration
from tests.browser.axe import serious_violations
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import (
    _colleagues,
    _focal_point_of,
    _one_session_cohort,
    _open_forum,
)
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_NAME = """() => {
    const element = document.activeElement;
    if (!element) return "";
    const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
    return (label || element.getAttribute("aria-label") || element.innerText || "").trim();
}"""


def tab_to(page, name: str, *, limit: int = 120) -> None:
    """Press Tab until the focused element's label (or text) is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_a_focal_point_registers_a_colleague_with_the_keyboard_alone(page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    [ana] = _colleagues(homenet, "Ana Reyes")
    _open_forum(slug="sse-forum-manila", title="SSE Forum Manila", onsite=10, online=10)
    sign_in(page, focal_point.email, PASSWORD)
    page.goto(page.base + "/dialogues/sse-forum-manila/")

    tab_to(page, "Ana Reyes")
    page.keyboard.press("Space")
    tab_to(page, "Onsite")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Register the people chosen")
    page.keyboard.press("Enter")

    page.get_by_text("Ana Reyes is registered (online).").wait_for()
    registration = Registration.objects.get(person=ana)
    assert (registration.mode, registration.status) == ("online", "confirmed")


def test_a_focal_point_nominates_a_colleague_with_the_keyboard_alone(page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    _colleagues(homenet, "Ana Reyes", "Ben Santos")
    cohort = _one_session_cohort(slug="philippines-2026")
    sign_in(page, focal_point.email, PASSWORD)
    page.goto(page.base + "/training/cohorts/philippines-2026/")

    tab_to(page, "Person:")
    page.keyboard.type("Ben")  # a closed list picks the option its typed name starts with
    tab_to(page, "Motivation:")
    page.keyboard.type("He will co-host the 2026 dialogue.")
    tab_to(page, "Nominate")
    page.keyboard.press("Enter")

    page.get_by_role("cell", name="Awaiting approval").wait_for()
    nomination = Registration.objects.get(activity=cohort.activity)
    assert nomination.person.full_name == "Ben Santos"
    assert nomination.motivation == "He will co-host the 2026 dialogue."


def _violations(page, paths) -> dict:
    found = {}
    for path in paths:
        response = page.goto(page.base + path)
        assert response.status == 200, path
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    return found


def test_member_pages_have_no_serious_accessibility_violations(page):
    homenet = OrganisationFactory(name="HomeNet Philippines", slug="homenet-philippines")
    focal_point = _focal_point_of(homenet)
    ana, ben = _colleagues(homenet, "Ana Reyes", "Ben Santos")
    forum = _open_forum(slug="sse-forum-manila", title="SSE Forum Manila", onsite=1, online=1)
    RegistrationFactory(activity=forum.activity, person=ana, organisation=homenet, mode="onsite")
    RegistrationFactory(
        activity=forum.activity, person=ben, organisation=homenet, status="waitlisted"
    )
    _one_session_cohort(slug="philippines-2026")
    sign_in(page, focal_point.email, PASSWORD)

    found = _violations(
        page,
        [
            "/me/",
            "/me/join/?q=HomeNet",
            "/me/requests/",
            "/dialogues/sse-forum-manila/",
            "/training/cohorts/philippines-2026/",
        ],
    )

    assert found == {}


def test_a_nomination_error_is_announced_on_its_field(page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    _colleagues(homenet, "Ana Reyes")
    _one_session_cohort(slug="philippines-2026")
    sign_in(page, focal_point.email, PASSWORD)
    page.goto(page.base + "/training/cohorts/philippines-2026/")

    # Blank: the browser itself refuses, moves focus to the field and says why.
    page.get_by_role("button", name="Nominate").click()
    motivation = page.get_by_label("Motivation")
    assert motivation.evaluate("field => field.validity.valueMissing") is True
    assert motivation.evaluate("field => field === document.activeElement") is True
    # Only spaces pass the browser but not the server: the error comes back on the field.
    motivation.fill("   ")
    page.get_by_role("button", name="Nominate").click()
    page.get_by_text("This field is required.").wait_for()

    assert motivation.get_attribute("aria-invalid") == "true"
    assert "This field is required." in motivation.evaluate(
        """field => field.getAttribute("aria-describedby").split(" ")
            .map(id => document.getElementById(id)?.innerText || "").join(" ")"""
    )
    assert serious_violations(page) == []


def test_console_pages_have_no_serious_accessibility_violations(page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    forum = _open_forum(slug="sse-forum-manila", title="SSE Forum Manila", onsite=5, online=5)
    for name in ("Ana Reyes", "Ben Santos"):
        RegistrationFactory(
            activity=forum.activity, person=PersonFactory(name=name), organisation=homenet
        )
    _one_session_cohort(slug="philippines-2026")
    sign_in(page, staff_user().email, PASSWORD)

    found = _violations(
        page,
        [
            "/manage/",
            "/manage/participation/registrations/",
            "/manage/participation/registrations/?status=confirmed",
            "/manage/reports/",
            "/training/cohorts/philippines-2026/review/",
        ],
    )

    assert found == {}
