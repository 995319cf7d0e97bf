"""render_pdf: any template to PDF bytes; static files from disk, nothing from the network."""

import pytest

from roadmap_portal.core import pdf
from tests.reports import pdfcheck

pytestmark = pytest.mark.django_db


def test_render_pdf_prints_a_template_on_a4_with_its_stylesheet():
    content = pdf.render_pdf(
        "reports/base.html",
        {
            "subject": {"title": "Printed subject"},
            "site_name": "Roadmap",
            "audience_label": "Public version",
        },
    )

    reader = pdfcheck.read(content)
    page = reader.pages[0]
    assert content.startswith(b"%PDF-")
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    # The header element only takes its place when report.css was found and applied.
    assert "Roadmap · Printed subject" in pdfcheck.flat(reader.pages[1].extract_text())


def test_print_html_counts_the_pages():
    printed = pdf.print_html(
        '<html><body><p>one</p><p style="break-before: page">two</p></body></html>'
    )

    assert printed.pages == 2
    assert len(pdfcheck.read(printed.pdf).pages) == 2


@pytest.mark.parametrize(
    "url",
    ["https://example.org/logo.png", "file:///etc/passwd", "/static/../../etc/passwd"],
)
def test_the_fetcher_refuses_the_network_and_files_outside_static(url):
    fetcher = pdf._fetcher()

    with pytest.raises(ValueError, match="Refusing to fetch"):
        fetcher.fetch(url)


def test_the_fetcher_serves_static_files_from_disk():
    response = pdf._fetcher().fetch("file:///static/css/report.css")

    assert b"@page" in response.read()
    response.close()
