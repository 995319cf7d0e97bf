"""One headless Chromium for the whole run; a fresh context (cookies, viewport) per test.

Playwright drives Debian's Chromium (/usr/bin/chromium): no browser download. Without it the
browser tests skip, or fail when REQUIRE_SERVICES=1 (CI installs it).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# arrange data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _context(browser, viewport, **kwargs):
    context = browser.new_context(viewport=viewport, locale="en-GB", **kwargs)
    context.set_default_timeout(10_000)
    return context


def _watched_page(context, live_server):
    """A page that records what the browser refused under the Content Security Policy."""
    page = context.new_page()
    page.base = live_server.url
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    return page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page; ``page.base`` is the live server's address.

    Every test using it also proves that nothing the page loads breaks the CSP.
    """
    context = _context(browser, DESKTOP)
    page = _watched_page(context, live_server)
    yield page
    context.close()
    assert page.csp_violations == []


@pytest.fixture
def no_script_page(browser, live_server):
    """A desktop page with JavaScript switched off, as some phones and proxies have it."""
    context = _context(browser, DESKTOP, java_script_enabled=False)
    page = _watched_page(context, live_server)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = _context(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = _watched_page(context, live_server)
    yield page
    context.close()
    assert page.csp_violations == []


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ (README pictures come from here)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def has_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


def sign_in(page, email: str, password: str) -> None:
    """Sign in through allauth's page, as a person would, and wait to land on /me/."""
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/me/")


def mail_to(address: str) -> list:
    """The messages relayed to ``address`` (the test settings' locmem backend), oldest first."""
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in ``message`` that starts with ``path_prefix``."""
    import re

    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s\"<>]*)", message.body)
    assert match, message.body
    return match.group(1)


def screenshot_at_both_widths(page, name: str) -> None:
    """Save ``<name>-desktop.png`` (1280 wide) and ``<name>-phone.png`` (390 wide)."""
    viewport = page.viewport_size
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(viewport)
