"""Reading a report back from its PDF: text per page, and the fonts it embeds.

A text extractor reads the characters of a name even when they were drawn as empty boxes, so
the real proof that a name shows is the font embedded for its script.
"""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

# Unicode blocks of the region's scripts, and what the embedded font's name must say.
SCRIPTS: dict[str, tuple[list[tuple[int, int]], str]] = {
    "thai": ([(0x0E00, 0x0E7F)], "Thai"),
    "lao": ([(0x0E80, 0x0EFF)], "Lao"),
    "myanmar": ([(0x1000, 0x109F), (0xAA60, 0xAA7F)], "Myanmar"),
    "khmer": ([(0x1780, 0x17FF), (0x19E0, 0x19FF)], "Khmer"),
    "cjk": (
        [
            (0x3040, 0x30FF),  # kana
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),  # han
            (0x1100, 0x11FF),
            (0xAC00, 0xD7AF),  # hangul
        ],
        "CJK",
    ),
}


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace collapsed to single spaces, NFC: cells wrapped over lines read as one line."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _font_files(font) -> bool:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Names of the fonts whose program is embedded, walking every page's /Resources /Font
    (and Type0 fonts' descendants, and form XObjects); subset prefixes ("ABCDEF+") removed."""
    names: set[str] = set()
    seen: set[int] = set()

    def visit_resources(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                candidates = [font]
                for descendant in font.get("/DescendantFonts") or []:
                    candidates.append(descendant.get_object())
                for candidate in candidates:
                    if _font_files(candidate):
                        name = str(candidate.get("/BaseFont", ""))
                        names.add(name.lstrip("/").split("+", 1)[-1])
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                key = getattr(ref, "idnum", None)
                if key is not None and key in seen:
                    continue
                if key is not None:
                    seen.add(key)
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Form":
                    visit_resources(xobject.get("/Resources"))

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
    return names


def scripts_in(text: str) -> set[str]:
    found = set()
    for character in text:
        point = ord(character)
        for script, (ranges, _font) in SCRIPTS.items():
            if any(low <= point <= high for low, high in ranges):
                found.add(script)
    return found


def missing_fonts(reader: PdfReader, text: str) -> set[str]:
    """Scripts present in ``text`` for which no font naming that script is embedded."""
    fonts = embedded_fonts(reader)
    return {
        script
        for script in scripts_in(text)
        if not any(SCRIPTS[script][1].lower() in font.lower().replace("-", "") for font in fonts)
    }
