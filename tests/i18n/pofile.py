"""A small reader and writer of gettext .po files, enough for the catalogue tests.

GNU gettext reads and writes the real catalogues; the tests only need the entries' keys and
texts, and a way to write a pseudo catalogue for msgfmt to compile.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr.values()) and bool(self.msgstr)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""), obsolete (#~) ones left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    started: set[str] = set()
    last: str | None = None

    def finish():
        nonlocal current, started, last
        if current is not None and "msgid" in started:
            entries.append(current)
        current, started, last = None, set(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in started:
                finish()
            current = current or Entry()
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            _append(current, last, text)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{path}: cannot read {raw!r}")
        keyword, text = match.group(1), ast.literal_eval(match.group(2))
        if keyword in ("msgctxt", "msgid") and "msgid" in started:
            finish()
        current = current or Entry()
        started.add(keyword if not keyword.startswith("msgstr") else "msgstr")
        last = keyword
        _append(current, keyword, text, first=True)
    finish()
    return entries


def _append(entry: Entry | None, keyword: str | None, text: str, first: bool = False) -> None:
    if entry is None or keyword is None:
        raise ValueError(f"a continuation line without a keyword: {text!r}")
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if "[" in keyword else 0
        entry.msgstr[index] = ("" if first else entry.msgstr.get(index, "")) + text
    else:
        previous = "" if first else (getattr(entry, keyword) or "")
        setattr(entry, keyword, previous + text)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def write_po(path: Path, entries: list[Entry], *, plural_forms: str) -> None:
    """Write ``entries`` (without a header) as a UTF-8 catalogue msgfmt can compile."""
    lines = [
        'msgid ""',
        'msgstr ""',
        quote("Content-Type: text/plain; charset=UTF-8\n"),
        quote(f"Plural-Forms: {plural_forms}\n"),
        "",
    ]
    for entry in entries:
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {quote(entry.msgctxt)}")
        lines.append(f"msgid {quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {quote(entry.msgid_plural)}")
            lines += [f"msgstr[{index}] {quote(text)}" for index, text in entry.msgstr.items()]
        else:
            lines.append(f"msgstr {quote(entry.msgstr.get(0, ''))}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
