"""Fonts: which embeddable TrueType faces print each locale, and whether they cover it.

Fonts come from PyPI packages (``fontpkg-*``) so every machine typesets with the same
files. A locale maps to a font family by its script; adding a script is a new entry in
``FAMILIES`` and ``SCRIPT_OF_LOCALE``, not new code. Before anything is drawn, every
character of the document is checked against the family's character map: a character
the font lacks stops the build with the key and line, never an empty box on paper.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from handouts.document import Document, iter_spans
from handouts.errors import FontError, Location


@dataclass(frozen=True)
class FontFile:
    package: str  # importable module that ships the file
    filename: str

    def path(self) -> Path:
        try:
            module = importlib.import_module(self.package)
        except ImportError:
            raise FontError(
                f"font package {self.package!r} is not installed (run the set-up in README.md)"
            ) from None
        root = Path(getattr(module, "ROOT", Path(module.__file__ or "").parent))
        path = root / "files" / self.filename
        if not path.is_file():
            raise FontError(f"font file {self.filename!r} is missing from {self.package}", Location(path))
        return path


@dataclass(frozen=True)
class Family:
    """A regular and a bold face registered with ReportLab under ``name``."""

    name: str
    regular: FontFile
    bold: FontFile
    licence: str

    @property
    def regular_name(self) -> str:
        return self.name

    @property
    def bold_name(self) -> str:
        return f"{self.name}-Bold"


ATKINSON = Family(
    name="AtkinsonHyperlegible",
    regular=FontFile("fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Regular.ttf"),
    bold=FontFile("fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Bold.ttf"),
    licence="SIL Open Font License 1.1 (Braille Institute of America)",
)

FAMILIES = {"latin": ATKINSON}
SCRIPT_OF_LOCALE = {"en": "latin", "es": "latin"}

# Characters that are layout, not ink: they need no glyph.
_NO_GLYPH_NEEDED = {"\n", "\t", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060"}


def family_for(locale: str) -> Family:
    script = SCRIPT_OF_LOCALE.get(locale) or SCRIPT_OF_LOCALE.get(locale.split("-")[0])
    if script is None:
        raise FontError(f"no font is configured for locale {locale!r} (add it to SCRIPT_OF_LOCALE)")
    return FAMILIES[script]


@lru_cache(maxsize=None)
def register(family: Family) -> Family:
    """Register both faces once per process, so ``<b>`` in a paragraph picks the bold."""
    for face_name, font_file in ((family.regular_name, family.regular), (family.bold_name, family.bold)):
        pdfmetrics.registerFont(TTFont(face_name, str(font_file.path())))
    addMapping(family.name, 0, 0, family.regular_name)
    addMapping(family.name, 1, 0, family.bold_name)
    addMapping(family.name, 0, 1, family.regular_name)
    addMapping(family.name, 1, 1, family.bold_name)
    return family


@lru_cache(maxsize=None)
def _covered(face_name: str) -> frozenset[int]:
    face = pdfmetrics.getFont(face_name).face
    return frozenset(face.charToGlyph)


def check_coverage(document: Document, family: Family) -> None:
    """Every character of the document must have a glyph in the family's faces."""
    register(family)
    covered = _covered(family.regular_name) & _covered(family.bold_name)
    for span in iter_spans(document):
        for char in span.text:
            if char in _NO_GLYPH_NEEDED or ord(char) in covered:
                continue
            name = unicodedata.name(char, "unnamed character")
            where = span.where or Location(Path("handouts.yaml"))
            raise FontError(
                f"character {char!r} (U+{ord(char):04X} {name}) is not in the font {family.name}",
                where,
                span.key,
            )
