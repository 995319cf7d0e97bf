"""Render a Django template to PDF bytes with WeasyPrint.

Generic on purpose: reports, certificates and anything else that prints go
through ``render_pdf``. Stylesheets are linked from the template as usual
(``{% static "css/report.css" %}``); static URLs are resolved from the
static-files finders, so no web server is needed to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _static_path(url: str) -> str | None:
    """Return the local file behind a static URL, or None if it is not one."""
    static_url = settings.STATIC_URL or "/static/"
    path = unquote(urlsplit(url).path)
    prefix = "/" + static_url.strip("/") + "/"
    if prefix not in path:
        return None
    relative = path.split(prefix, 1)[1]
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return found
    if not settings.STATIC_ROOT:
        return None
    collected = Path(settings.STATIC_ROOT) / relative
    return str(collected) if collected.is_file() else None


def _fetcher():
    """A WeasyPrint fetcher that serves static files from disk and nothing else."""
    from weasyprint.urls import URLFetcher

    class StaticURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            local = _static_path(url)
            if local is not None:
                return super().fetch(Path(local).as_uri(), headers)
            if url.startswith("data:"):
                return super().fetch(url, headers)
            # Neither the network nor arbitrary local files: a PDF shows only what the
            # templates and the static files hold.
            raise ValueError(f"Refusing to fetch {url!r} while rendering a PDF.")

    return StaticURLFetcher()


@dataclass(frozen=True)
class PrintedPdf:
    pdf: bytes
    pages: int


def print_html(html: str, *, base_url: str | None = None) -> PrintedPdf:
    """Print already rendered HTML; returns the PDF bytes and how many pages it has."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=str(base_url or settings.BASE_DIR),
        url_fetcher=_fetcher(),
    ).render()
    return PrintedPdf(pdf=document.write_pdf(), pages=len(document.pages))


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Print already rendered HTML to PDF bytes."""
    return print_html(html, base_url=base_url).pdf


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` and print it to PDF bytes."""
    html = render_to_string(template_name, context)
    return html_to_pdf(html, base_url=base_url)
