"""Public pages stay light for a phone on a slow line: under 100 KB transferred, compressed."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 100 * 1024
PUBLIC_PAGES = [
    "/",
    "/taskforce/",
    "/taskforce/asec/",
    "/dialogues/",
    "/dialogues/ilo-sse-workshop-2024/",
    "/webinars/",
    "/training/",
    "/readiness/",
]
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"?#]+)')


def _compressed_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--no-accounts", verbosity=0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_with_its_assets_is_under_100_kb_compressed(client, demo_data, path):
    response = client.get(path)
    html = response.content
    assets = sorted(set(ASSET.findall(html.decode())))

    sizes = {path: _compressed_size(html)}
    for url in assets:
        found = finders.find(url.removeprefix("/static/"))
        assert found, f"{url} is referenced by {path} but is not a static file of the portal"
        with open(found, "rb") as asset:
            sizes[url] = _compressed_size(asset.read())

    assert response.status_code == 200
    assert sum(sizes.values()) < BUDGET_BYTES, sizes


def test_the_stylesheets_load_no_web_fonts():
    for name in ("css/portal.css",):
        with open(finders.find(name), encoding="utf-8") as stylesheet:
            assert "@font-face" not in stylesheet.read()
