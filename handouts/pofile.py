"""Reading PO files strictly: every entry with its line, the header's fields, the charset.

Babel's reader is lenient by design (a text file, an image or an empty file reads as a
catalog with no entries; a header that lies about its charset gives garbled text; a
repeated entry silently replaces the first). A translator's file is input to check, so
this reader refuses what it cannot read exactly, naming the line:

- the charset is the header's (``Content-Type: ...; charset=``); UTF-8 text declared as
  another charset is refused rather than garbled; an unknown charset is refused;
- every line must be PO syntax (comments, ``msgctxt``, ``msgid``, ``msgid_plural``,
  ``msgstr``, ``msgstr[n]``, quoted continuation lines); obsolete entries (``#~``) are
  skipped;
- a file with no entry is not a PO file.
"""

from __future__ import annotations

import codecs
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural

from handouts.errors import CatalogError, Location
from handouts.files import read_bytes

PO_LIMIT = 4 << 20  # bytes: a PO file holds each English text, its translation, comments
CHARSET_RE = re.compile(rb'"Content-Type:[^"\n]*?charset=([A-Za-z0-9_.:+-]+)', re.I)
STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", '"': '"', "'": "'", "?": "?"}
PLURAL_FORMS_RE = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?")


@dataclass
class Entry:
    """One PO entry as written (strings unescaped, not yet normalised)."""

    line: int  # of its msgid
    context: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)  # msgstr index -> text
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


@dataclass(frozen=True)
class PoFile:
    path: Path
    headers: dict[str, str]  # the header entry's fields
    entries: tuple[Entry, ...]  # every entry but the header
    header_line: int = 0

    @property
    def language(self) -> str | None:
        value = self.headers.get("Language", "").strip()
        return value or None

    @property
    def catalog(self) -> str | None:
        value = self.headers.get("X-Handouts-Catalog", "").strip()
        return value or None

    @property
    def last_translator(self) -> str | None:
        value = self.headers.get("Last-Translator", "").strip()
        return None if not value or "FULL NAME" in value else value

    def plural_forms(self, tag: str) -> tuple[int, str]:
        """(number of msgstr forms, C expression): the header's, else the language's."""
        found = PLURAL_FORMS_RE.search(self.headers.get("Plural-Forms", ""))
        if found and found.group(2).strip() != "EXPRESSION":
            return int(found.group(1)), found.group(2).strip()
        plural = get_plural(tag.replace("-", "_"))
        return plural.num_plurals, plural.plural_expr


def plural_categories(tag: str, count: int, expression: str, where: Location) -> list[str | None]:
    """The CLDR category of each msgstr index: index ``i`` stands for the numbers the
    expression maps to ``i``; the first such number's CLDR category names it."""
    try:
        choose = gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError):
        raise CatalogError(f"the Plural-Forms expression {expression[:60]!r} cannot be read", where) from None
    locale = Locale.parse(tag.replace("-", "_"))
    out: list[str | None] = [None] * count
    for number in range(0, 1001):
        index = choose(number)
        if 0 <= index < count and out[index] is None:
            out[index] = locale.plural_form(number)
    return out


def _decode(data: bytes, path: Path) -> str:
    data = data.removeprefix(b"\xef\xbb\xbf")
    found = CHARSET_RE.search(data[:16384])
    declared = found.group(1).decode("ascii") if found else None
    codec = "utf-8"
    if declared and declared.upper() != "CHARSET":
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise CatalogError(f"unknown charset {declared!r} in the Content-Type header; write charset=UTF-8",
                               Location(path)) from None
    if codec != "utf-8" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise CatalogError(f"the header says charset={declared}, but the file is UTF-8 text; correct the "
                               "header to charset=UTF-8 (nothing was imported)", Location(path))
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(f"not {declared or 'UTF-8'} text as its header says ({exc.reason}); nothing was "
                           "imported", Location(path, line)) from None


def _unquote(text: str, where: Location) -> str:
    match = STRING_RE.fullmatch(text.strip())
    if not match:
        raise CatalogError(f"not a PO file: expected a quoted string, found {text.strip()[:40]!r}", where)

    def unescape(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return ESCAPES.get(code, code)

    return ESCAPE_RE.sub(unescape, match.group(1))


def parse_po(text: str, path: Path) -> PoFile:
    """Parse the text of a PO file; the first entry with an empty msgid is the header."""
    entries: list[Entry] = []
    pending_flags: set[str] = set()
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the field continuation lines extend

    def finish(where: Location) -> None:
        nonlocal current, target
        if current is not None:
            if current.msgid is None:
                raise CatalogError("not a PO file: msgctxt without msgid", where)
            if not current.strings:
                raise CatalogError("not a PO file: msgid without msgstr", Location(path, current.line))
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        where = Location(path, number)
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):  # an obsolete entry: not part of the file's translations
            target = None
            continue
        if line.startswith("#"):
            if current is not None and current.strings:
                finish(where)
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            target = None
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise CatalogError("not a PO file: a quoted string outside an entry", where)
            value = _unquote(line, where)
            name, index = target
            if name == "msgstr":
                current.strings[index] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            if current is not None:
                finish(where)
            current = Entry(number, context=_unquote(rest, where), flags=pending_flags)
            pending_flags, target = set(), ("context", 0)
        elif keyword == "msgid":
            if current is not None and current.msgid is not None:
                finish(where)
            if current is None:
                current = Entry(number, flags=pending_flags)
                pending_flags = set()
            current.line, current.msgid, target = number, _unquote(rest, where), ("msgid", 0)
        elif keyword == "msgid_plural":
            if current is None or current.msgid is None or current.strings:
                raise CatalogError("not a PO file: msgid_plural out of place", where)
            current.msgid_plural, target = _unquote(rest, where), ("msgid_plural", 0)
        elif re.fullmatch(r"msgstr(\[\d{1,2}\])?", keyword):
            if current is None or current.msgid is None:
                raise CatalogError("not a PO file: msgstr without msgid", where)
            index = int(keyword[7:-1]) if "[" in keyword else 0
            if index in current.strings:
                raise CatalogError(f"{keyword} appears twice in one entry", where, current.context)
            current.strings[index], target = _unquote(rest, where), ("msgstr", index)
        else:
            raise CatalogError(f"not a PO file: {line[:40]!r} is not PO syntax", where)
    finish(Location(path, len(text.splitlines())))

    headers: dict[str, str] = {}
    header_line = 0
    if entries and entries[0].msgid == "" and entries[0].context is None:
        header = entries.pop(0)
        header_line = header.line
        for field_line in header.strings.get(0, "").split("\n"):
            name, colon, value = field_line.partition(":")
            if colon:
                headers[name.strip()] = value.strip()
    if not entries:
        raise CatalogError("not a PO file: it has no translation entries", Location(path))
    return PoFile(path, headers, tuple(entries), header_line)


def read_po_file(path: Path) -> PoFile:
    """A PO file from disk (a regular file of at most ``PO_LIMIT`` bytes)."""
    return parse_po(_decode(read_bytes(path, CatalogError, PO_LIMIT, "PO file"), path), path)


__all__ = ["Entry", "PoFile", "parse_po", "read_po_file", "plural_categories", "PO_LIMIT"]
