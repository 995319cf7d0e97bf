"""axe-core finds no serious or critical WCAG 2.1 AA violation on the key public pages."""

import pytest
from django.core.management import call_command

from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/taskforce/",
    "/taskforce/asec/",
    "/dialogues/",
    "/dialogues/ilo-sse-workshop-2024/",
    "/dialogues/policy-dialogue-2026/",
    "/webinars/",
    "/training/",
    "/readiness/",
    "/accounts/login/",
    "/accounts/signup/",
]


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--no-accounts", verbosity=0)


def test_public_pages_have_no_serious_accessibility_violations(page, demo_data):
    found = {}
    for path in PUBLIC_PAGES:
        response = page.goto(page.base + path)
        assert response.status == 200, path
        violations = serious_violations(page)
        if violations:
            found[path] = violations

    assert found == {}
