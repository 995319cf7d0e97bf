"""The certificate PDF: its text holds the name and the code, and it embeds a font for the
name's script (the fonts come from Debian's fonts-noto-core and fonts-noto-cjk)."""

import io

import pytest
from pypdf import PdfReader

from roadmap_portal.core.pdf import render_pdf
from tests.training.builders import attend_all, enrol, make_ended_cohort, make_nominee
from training.views import certificate_context

pytestmark = pytest.mark.django_db


def _certificate_for(name: str):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(cohort, person=make_nominee(name=name))
    [certificate] = attend_all(cohort, [registration])
    return certificate


def _embedded_fonts(reader: PdfReader) -> set[str]:
    """The names of the fonts embedded in the first page (simple and composite fonts)."""
    names = set()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        candidates = [d.get_object() for d in descendants] if descendants else [font]
        for candidate in candidates:
            descriptor = candidate.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(descriptor["/FontName"]).split("+", 1)[-1])
    return names


def _render(certificate) -> PdfReader:
    pdf = render_pdf("training/pdf/certificate.html", certificate_context(certificate))
    return PdfReader(io.BytesIO(pdf))


def test_certificate_pdf_is_one_a4_landscape_page_with_name_and_code():
    certificate = _certificate_for("Marian Jo Jennifer Dacawi")

    reader = _render(certificate)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    text = reader.pages[0].extract_text()
    assert "Marian Jo Jennifer Dacawi" in text
    assert certificate.code in text


def test_certificate_pdf_embeds_a_thai_font_for_a_thai_name():
    certificate = _certificate_for("สมชาย ใจดี")

    reader = _render(certificate)

    assert "สมชาย" in reader.pages[0].extract_text()
    assert any("Thai" in name for name in _embedded_fonts(reader))


def test_certificate_pdf_embeds_a_cjk_font_for_a_chinese_name():
    certificate = _certificate_for("陈美玲")

    reader = _render(certificate)

    assert "陈美玲" in reader.pages[0].extract_text()
    assert any("CJK" in name for name in _embedded_fonts(reader))


def test_certificate_pdf_embeds_a_cjk_font_for_a_japanese_name():
    certificate = _certificate_for("田中 しげる")

    reader = _render(certificate)

    assert any("CJK" in name for name in _embedded_fonts(reader))


def test_certificate_pdf_for_a_latin_name_embeds_no_cjk_font():
    certificate = _certificate_for("Budi Santoso")

    reader = _render(certificate)

    assert not any("CJK" in name or "Thai" in name for name in _embedded_fonts(reader))
