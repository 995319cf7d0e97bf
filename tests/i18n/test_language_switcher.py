"""The header's language switcher: a plain form to set_language, no JavaScript needed."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

HOME_HEADING = "ASEAN Social and Solidarity Economy for SDGs Roadmap 2025-2030"


def _html_lang(content: str) -> str:
    return re.search(r'<html lang="([^"]+)"', content).group(1)


def _heading(content: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", content, re.S).group(1).strip()


def test_home_page_is_english_by_default(client):
    response = client.get("/")

    assert _html_lang(response.content.decode()) == "en"
    assert _heading(response.content.decode()) == HOME_HEADING


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("id", "Peta Jalan Ekonomi Sosial dan Solidaritas ASEAN untuk SDGs 2025-2030"),
        ("th", "แผนที่นำทางเศรษฐกิจสังคมและสมานฉันท์อาเซียนเพื่อ SDGs 2025-2030"),
    ],
)
def test_switcher_post_renders_the_home_page_in_the_chosen_language(client, language, heading):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})

    assert response.status_code == 302
    assert response.url == "/"
    page = client.get("/").content.decode()
    assert _html_lang(page) == language
    assert _heading(page) == heading


def test_chosen_language_is_kept_in_a_long_lived_cookie(client):
    response = client.post(reverse("set_language"), {"language": "th", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "th"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"


def test_switcher_refuses_a_language_the_portal_does_not_offer(client):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert _html_lang(client.get("/").content.decode()) == "en"


def test_switcher_does_not_redirect_off_site(client):
    response = client.post(
        reverse("set_language"), {"language": "id", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_switcher_is_a_labelled_form_that_returns_to_the_current_page(client):
    page = client.get("/taskforce/?country=PH").content.decode()

    form = re.search(r'<form class="language-switcher".*?</form>', page, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/taskforce/?country=PH">' in form
    assert re.findall(r'<label for="([^"]+)"', form) == re.findall(r'<select id="([^"]+)"', form)
    assert re.findall(r'<option value="(\w+)"', form) == ["en", "id", "th"]
    assert re.findall(r"<option[^>]*>([^<]+)</option>", form) == [
        "English",
        "Bahasa Indonesia",
        "ภาษาไทย",
    ]
    assert '<button type="submit"' in form
    assert "<script" not in form


def test_dates_follow_the_language(client):
    """Django's formats for id and th name the month in the page's language."""
    template = Template("{{ day|date:'DATE_FORMAT' }}")

    rendered = {}
    for language in ["en", "id", "th"]:
        with translation.override(language):
            rendered[language] = template.render(Context({"day": dt.date(2026, 10, 12)}))

    assert rendered == {"en": "Oct. 12, 2026", "id": "12 Okt. 2026", "th": "12 ตุลาคม 2026"}
