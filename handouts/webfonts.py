"""Web fonts for the download pages: the faces the PDFs embed, cut to what each page set shows.

A *page set* is a group of pages that share fonts: all pages in one language, or the first
page (every language at once). The text of each page is read back from its HTML, per
language and weight; each character goes to the family that would set it in the PDF
(the first family of the language's stack that has it, ``fonts.yaml``), and each face is
subset to its characters (fontTools, WOFF2). A page set's stylesheet declares those faces
and, per language, the families in PDF order with the stack's line spacing. So the
browser draws the same glyphs as the PDF, a phone downloads tens of kilobytes instead of
megabytes, and no family is named that the page does not ship.

Bold text is found by element: the site's stylesheet makes text bold only through
``BOLD_TAGS`` (headings, ``strong``, ``b``, ``dt``, ``th``), so only their characters go into
the bold faces. Same pages, same bytes: the subsets keep the source fonts' timestamps and
are named by a hash of their content (identical subsets are written once).
"""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from handouts.errors import FontError, Location
from handouts.layout.fonts import NO_GLYPH_NEEDED, FaceFile, Family, FontStack, stack_for

FONTS_DIR = "fonts"
BOLD_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "dt", "th"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})
UNRENDERED_TAGS = frozenset({"title", "style", "script", "template"})
# Every subset keeps the spaces, and the bullet a list marker may draw with the text's font.
ALWAYS = " \u00a0\u2022"
# Screens want a little more space between lines than paper: the stack's spacing plus this.
SCREEN_LEADING = 0.15


# ---------------------------------------------------------------------- reading pages


class _PageText(HTMLParser):
    """The characters a page shows, by (language, bold)."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool, bool]] = [("", lang, False, False)]  # tag, lang, bold, hidden
        self.found: dict[tuple[str, bool], set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        _, lang, bold, hidden = self.stack[-1]
        values = dict(attrs)
        self.stack.append((tag, values.get("lang") or lang, bold or tag in BOLD_TAGS,
                           hidden or tag in UNRENDERED_TAGS))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        _, lang, bold, hidden = self.stack[-1]
        if not hidden and data.strip():
            self.found.setdefault((lang, bold), set()).update(data)


def page_text(html: str, lang: str) -> dict[tuple[str, bool], set[str]]:
    """Characters shown on a page, keyed by (language, bold); ``lang`` is the page's."""
    parser = _PageText(lang)
    parser.feed(html)
    parser.close()
    return parser.found


# ---------------------------------------------------------------------- page sets


@dataclass
class PageSet:
    """The faces one group of pages needs: characters per (family, weight), languages shown."""

    name: str
    faces: dict[tuple[Family, int], set[str]] = field(default_factory=dict)
    languages: dict[str, FontStack] = field(default_factory=dict)

    def add(self, text: dict[tuple[str, bool], set[str]], where: Path) -> None:
        for (lang, bold), chars in sorted(text.items()):
            stack = stack_for(lang)
            self.languages.setdefault(lang, stack)
            invisible = set()
            for char in sorted(chars):
                if char in NO_GLYPH_NEEDED or unicodedata.category(char) in ("Zs", "Cc"):
                    invisible.add(char)  # kept where a font has it (joiners shape Indic and Arabic text)
                    continue
                family = _family_for(stack, char, bold)
                if family is None:
                    raise FontError(
                        f"character {char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}) of the "
                        f"{lang} text is not in any font of the {stack.script} stack "
                        f"({', '.join(f.name for f in stack.families)})", Location(where))
                # A shaper may split a character into its canonical parts (Bengali ো is
                # ে + া): the face keeps the parts too, else the browser draws a dotted circle.
                self.faces.setdefault((family, _weight(family, bold)), set()).update(
                    char + unicodedata.normalize("NFD", char))
            for family in stack.families:
                key = (family, _weight(family, bold))
                if key in self.faces:
                    self.faces[key] |= invisible


def _weight(family: Family, bold: bool) -> int:
    return 700 if bold and not family.synthetic_bold else 400  # one weight only: the browser emboldens it


def _family_for(stack: FontStack, char: str, bold: bool) -> Family | None:
    name = stack.font_for(char, bold=bold)
    for family in stack.families:
        if name in (family.regular_name, family.bold_name):
            return family
    return None


# ---------------------------------------------------------------------- subsetting


def subset_face(face: FaceFile, chars: Iterable[str]) -> bytes:
    """``face`` cut to ``chars`` (and what its layout tables reach from them) as WOFF2.

    Layout features are all kept: Arabic joining, Indic conjuncts and marks need them.
    Hinting is dropped (phones do not use it); the source's timestamps are kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    font = TTFont(str(face.locate()), fontNumber=face.index, lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars} | {ord(c) for c in ALWAYS}))
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _face_file(family: Family, weight: int) -> FaceFile:
    return family.bold if weight == 700 else family.regular


def _stem(face: FaceFile) -> str:
    path = Path(face.file or face.path or "font")
    return f"{path.stem}-{face.index}" if face.index else path.stem


class WebFonts:
    """Collects the text of every page by page set, then writes the subsets and one
    stylesheet per set into ``fonts/``."""

    def __init__(self) -> None:
        self.sets: dict[str, PageSet] = {}
        self._subsets: dict[tuple[FaceFile, frozenset[str]], tuple[str, bytes]] = {}

    @staticmethod
    def stylesheet(page_set: str) -> str:
        """The stylesheet of a page set, relative to the site's root."""
        return f"{FONTS_DIR}/{page_set}.css"

    def add_page(self, page_set: str, html: str, lang: str, where: Path) -> None:
        self.sets.setdefault(page_set, PageSet(page_set)).add(page_text(html, lang), where)

    def _subset(self, face: FaceFile, chars: frozenset[str]) -> tuple[str, bytes]:
        key = (face, chars)
        if key not in self._subsets:
            data = subset_face(face, chars)
            digest = hashlib.sha256(data).hexdigest()[:10]
            self._subsets[key] = (f"{_stem(face)}.{digest}.woff2", data)
        return self._subsets[key]

    def files(self) -> dict[str, bytes]:
        """Every file to write, by its path under the site's root: the subsets and the
        stylesheets."""
        out: dict[str, bytes] = {}
        for name, page_set in sorted(self.sets.items()):
            rules = [f"/* Web fonts of the {name} pages: subsets of the faces the PDFs embed. */"]
            shipped: set[Family] = set()
            for (family, weight), chars in sorted(page_set.faces.items(), key=lambda item: (item[0][0].name, item[0][1])):
                file_name, data = self._subset(_face_file(family, weight), frozenset(chars))
                out[f"{FONTS_DIR}/{file_name}"] = data
                shipped.add(family)
                rules.append(
                    f"@font-face {{ font-family: '{family.name}'; font-style: normal; font-weight: {weight}; "
                    f"font-display: swap; src: url('{file_name}') format('woff2'); }}")
            for lang, stack in sorted(page_set.languages.items(), key=lambda item: (len(item[0]), item[0])):
                families = ", ".join(f"'{f.name}'" for f in stack.families if f in shipped)
                rules.append(f":lang({lang}) {{ font-family: {families + ', ' if families else ''}sans-serif; "
                             f"--leading: {stack.spacing + SCREEN_LEADING:g}; }}")
            out[self.stylesheet(name)] = ("\n".join(rules) + "\n").encode("utf-8")
        return out


__all__ = ["WebFonts", "page_text", "subset_face", "BOLD_TAGS", "FONTS_DIR"]
