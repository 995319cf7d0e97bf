"""Names in any script: stored as typed (NFC), searched without case or diacritics."""

import unicodedata


def normalise_name(value: str) -> str:
    """The name as typed, in Unicode NFC, with runs of whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def search_key(*values: str) -> str:
    """A case-folded key without combining marks, so "Quiñones" is found by "quinones".

    Only Latin-style combining marks are dropped: the vowel signs of Thai, Khmer, Lao and
    Burmese are combining characters too, and stripping them would change the word, so
    letters outside the Latin, Greek and Cyrillic blocks keep every mark.
    """
    text = " ".join(value for value in values if value)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    previous_base_is_latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if previous_base_is_latin:
                continue
        else:
            previous_base_is_latin = ord(char) < 0x0530
        kept.append(char)
    key = unicodedata.normalize("NFC", "".join(kept))
    # Letters that do not decompose but are commonly typed without their stroke.
    key = key.translate(str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae"}))
    return " ".join(key.split())
