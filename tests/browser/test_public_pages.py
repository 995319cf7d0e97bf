"""The public pages in a real browser, at phone and desktop widths."""

import pytest

from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.factories import MembershipFactory, OrganisationFactory, country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_the_six_roadmap_years_on_a_phone_without_sideways_scrolling(phone_page):
    phone_page.goto(phone_page.base + "/")

    years = phone_page.locator(".timeline .year").all_inner_texts()
    assert years == ["2025", "2026", "2027", "2028", "2029", "2030"]
    assert not has_horizontal_overflow(phone_page)
    screenshot(phone_page, "home-phone")


def test_directory_filters_by_country_in_the_browser(page):
    thai = OrganisationFactory(name="HomeNet Thailand", country=country("TH"))
    MembershipFactory(organisation=thai)
    OrganisationFactory(name="Bina Swadaya", country=country("ID"))

    page.goto(page.base + "/taskforce/")
    page.select_option("select[name=country]", "TH")
    page.get_by_role("button", name="Filter").click()

    assert page.locator(".record-list h2").all_inner_texts() == ["HomeNet Thailand"]
    assert "country=TH" in page.url
    screenshot(page, "taskforce-directory-desktop")


def test_dialogue_year_page_opens_from_the_rotation(page):
    page.goto(page.base + "/dialogues/")
    page.get_by_role("link", name="Philippines").first.click()

    assert page.url.endswith("/dialogues/policy-dialogue-2026/")
    assert page.locator("h1").inner_text() == "ASEAN SSE for SDGs Policy Dialogue 2026"
    assert not has_horizontal_overflow(page)
