"""Pages rendered under a pseudo-locale show no visible text that escaped translation.

The pseudo-locale "xx" translates every msgid of the portal, of Django and of allauth into
"⟦msgid⟧". A page rendered in it is stripped of the marked text and of the data the database
holds (names, titles, places); any letter left is a string nobody marked for translation.
"""

import re
import shutil
import subprocess
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from allauth import __file__ as allauth_file
from django.apps import apps
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.management import call_command
from django.db import models

from tests.i18n.pofile import Entry, read_po, write_po

pytestmark = pytest.mark.django_db

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
# Catalogues whose strings reach the portal's pages: Django's, the contrib apps' and allauth's
# English sources (they list every msgid), and the portal's own.
SOURCE_CATALOGUES = [
    Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    *(
        Path(django.__file__).parent / "contrib" / app / "locale" / "en" / "LC_MESSAGES" / name
        for app in ("auth", "contenttypes", "humanize", "sessions")
        for name in ("django.po",)
    ),
    Path(allauth_file).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po",
]
# Words that are the same in every language: the network's acronyms and proper names.
INVARIANT = ["ASEAN", "ASEC", "APPGM-SDGs", "SDGs", "SDG", "SSE", "ILO", "MySDG Academy", "UTC"]
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
    "/accounts/password/reset/",
]
MEMBER_PAGES = ["/me/", "/me/settings/"]
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


def _pseudo(entry: Entry) -> Entry:
    if entry.msgid_plural is None:
        texts = {0: OPEN + entry.msgid + CLOSE}
    else:
        texts = {0: OPEN + entry.msgid + CLOSE, 1: OPEN + entry.msgid_plural + CLOSE}
    return Entry(
        msgid=entry.msgid, msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural, msgstr=texts
    )


@pytest.fixture
def pseudo_locale(settings, tmp_path, monkeypatch):
    """Compile the pseudo catalogue and offer "xx" as a language, for this test only."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext is not installed (msgfmt); see `make doctor`")
    entries: dict[tuple, Entry] = {}
    for catalogue in SOURCE_CATALOGUES:
        for entry in read_po(catalogue):
            # Django splits "yes,no,maybe" on commas: a marked default would break the filter.
            if entry.msgid and entry.msgid != "yes,no,maybe":
                entries[entry.key] = _pseudo(entry)
    source = tmp_path / "pseudo.po"
    write_po(source, list(entries.values()), plural_forms="nplurals=2; plural=(n != 1);")
    compiled = tmp_path / "locale" / PSEUDO / "LC_MESSAGES" / "django.mo"
    compiled.parent.mkdir(parents=True)
    subprocess.run(["msgfmt", "-o", str(compiled), str(source)], check=True, timeout=120)

    monkeypatch.setitem(
        LANG_INFO,
        PSEUDO,
        {"bidi": False, "code": PSEUDO, "name": "Pseudo", "name_local": "Pseudo"},
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    return PSEUDO


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--accounts", verbosity=0)


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes read out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden_depth += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.texts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.texts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.texts.append(data)


def _database_texts() -> list[str]:
    """Every free-text value stored by the portal's apps: data, not interface."""
    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith(
            ("roadmap_portal", "taskforce", "dialogues", "webinars", "training")
        ):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                for value in row:
                    if isinstance(value, str) and value:
                        # Long texts are shown paragraph by paragraph.
                        values.update({value, *filter(None, map(str.strip, value.splitlines()))})
    return list(values)


def _unmarked(html: str, data: list[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    # A marked string may span several text nodes (a link inside a sentence) and may hold
    # other marked strings: strip the innermost until none is left.
    text, previous = "\n".join(parser.texts), None
    while previous != text:
        previous, text = text, re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|https?://\S+|/\S*", " ", text)
    for word in INVARIANT:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
    return [" ".join(line.split()) for line in text.splitlines() if re.search(r"[^\W\d_]", line)]


def test_public_and_member_pages_leave_no_visible_text_unmarked(client, pseudo_locale, demo_data):
    from roadmap_portal.accounts.models import User
    from training.models import Cohort
    from webinars.models import Webinar

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = pseudo_locale
    webinar = Webinar.objects.select_related("activity").order_by("pk").first()
    cohort = Cohort.objects.order_by("pk").first()
    pages = [*PUBLIC_PAGES, webinar.get_absolute_url(), cohort.get_absolute_url()]
    data = [
        *_database_texts(),
        *zoneinfo.available_timezones(),
        settings.SITE_NAME,
        "Pseudo",
        "English",
        "Bahasa Indonesia",
        "ภาษาไทย",
    ]

    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{pseudo_locale}">' in response.content.decode()
        if left := _unmarked(response.content.decode(), data):
            found[path] = left
    client.force_login(User.objects.get(email="member@example.org"))
    for path in MEMBER_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        if left := _unmarked(response.content.decode(), data):
            found[path] = left

    assert found == {}, "\n".join(
        f"{path}: {text!r}" for path, texts in found.items() for text in texts
    )


def test_unmarked_text_is_found(client, pseudo_locale):
    """The check itself: a string outside any catalogue is reported, a marked one is not."""
    html = f"<p>{OPEN}Marked{CLOSE}</p><p>Left in English</p><img alt='Unmarked picture'>"

    assert _unmarked(html, data=[]) == ["Left in English", "Unmarked picture"]
