"""render_report KIND SLUG -o FILE.pdf writes any report from the shell."""

import pytest
from django.core.management import CommandError, call_command

from tests.reports import pdfcheck

pytestmark = pytest.mark.django_db


def test_render_report_writes_the_pdf(tiny_report, tmp_path, capsys):
    output = tmp_path / "tiny.pdf"

    call_command("render_report", "tiny", "one", "-o", str(output))

    reader = pdfcheck.read(output.read_bytes())
    assert "Tiny report one" in pdfcheck.flat(reader.pages[1].extract_text())
    assert "Public version" in pdfcheck.flat(reader.pages[0].extract_text())
    assert capsys.readouterr().out.startswith(f"Wrote {output}: Tiny report one, Public version")


def test_render_report_writes_the_staff_version_when_asked(tiny_report, tmp_path):
    output = tmp_path / "tiny.pdf"

    call_command("render_report", "tiny", "one", "-o", str(output), "--staff")

    cover = pdfcheck.flat(pdfcheck.read(output.read_bytes()).pages[0].extract_text())
    assert "Staff version · contains personal data, not for circulation" in cover


def test_render_report_writes_the_html_preview_when_asked(tiny_report, tmp_path):
    output = tmp_path / "tiny.html"

    call_command("render_report", "tiny", "one", "-o", str(output), "--html")

    assert '<body class="report report-tiny is-preview">' in output.read_text(encoding="utf-8")


def test_render_report_writes_a_real_report(tmp_path, rotation):
    output = tmp_path / "progress.pdf"

    call_command("render_report", "progress", "2025-2030", "-o", str(output))

    text = pdfcheck.flat(" ".join(pdfcheck.page_texts(pdfcheck.read(output.read_bytes()))))
    assert "2030 Brunei Darussalam ASEAN SSE for SDGs Policy Dialogue 2030" in text


@pytest.mark.parametrize(
    ("kind", "slug", "message"),
    [
        ("nope", "one", "There is no report called “nope”"),
        ("tiny", "missing", "has nothing called “missing”"),
    ],
)
def test_render_report_explains_what_it_cannot_find(tiny_report, tmp_path, kind, slug, message):
    output = tmp_path / "x.pdf"

    with pytest.raises(CommandError, match=message):
        call_command("render_report", kind, slug, "-o", str(output))

    assert not output.exists()


def test_render_report_refuses_a_folder_that_does_not_exist(tiny_report, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("render_report", "tiny", "one", "-o", str(tmp_path / "nowhere" / "x.pdf"))
