"""Fonts: which embeddable TrueType faces print each locale, and whether they cover it.

The mapping is data (``fonts.yaml``): families (where each face file comes from),
stacks (families in fallback order, per script) and locales (which stack). Before
anything is drawn, every character of the document is checked against its stack: a
character no family has stops the build with the key and line, never an empty box.
"""

from __future__ import annotations

import copy
import importlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from handouts.document import Document, iter_spans
from handouts.errors import FontError, Location
from handouts.formatting import script_of
from handouts.layout.facecache import tt_font
from handouts.layout.rl_patches import apply_patches, is_private_use
from handouts.yamlnodes import load_data

CONFIG = Path(__file__).with_name("fonts.yaml")

# Characters that are layout, not ink: they need no glyph.
NO_GLYPH_NEEDED = frozenset("\n\t\u00ad\u200b\u200c\u200d\u2060\u200e\u200f\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class FaceFile:
    """One font file: from an installed PyPI package, or a path a Debian package installs."""

    package: str | None = None
    file: str | None = None
    path: str | None = None
    index: int = 0
    debian: str | None = None

    def locate(self) -> Path:
        if self.package and self.file:
            try:
                module = importlib.import_module(self.package)
            except ImportError:
                raise FontError(f"font package {self.package!r} is not installed (run the set-up in README.md)") from None
            root = Path(getattr(module, "ROOT", Path(module.__file__ or "").parent))
            found = root / "files" / self.file
        else:
            found = Path(self.path or "")
        if not found.is_file():
            hint = f" (install the Debian package {self.debian}: `make` does it)" if self.debian else ""
            raise FontError(f"font file {found} is missing{hint}", Location(CONFIG))
        return found


@dataclass(frozen=True)
class Family:
    """A regular and a bold face, registered with ReportLab under ``name``."""

    name: str
    regular: FaceFile
    bold: FaceFile
    source: str
    licence: str

    @property
    def regular_name(self) -> str:
        return self.name

    @property
    def bold_name(self) -> str:
        return f"{self.name}-Bold"

    @property
    def synthetic_bold(self) -> bool:
        """One weight only: bold is drawn by stroking the outline as well as filling it."""
        return self.regular == self.bold


@lru_cache(maxsize=None)
def needs_synthetic_bold(font_name: str) -> bool:
    """Is ``font_name`` the bold of a family that has no bold face of its own?"""
    return any(f.bold_name == font_name and f.synthetic_bold for f in _config()[0].values())


@dataclass(frozen=True)
class FontStack:
    """The families that set one script, in fallback order, and how text is set."""

    script: str
    families: tuple[Family, ...]
    engine: str  # "paragraph" or "shaped"
    spacing: float = 1.3  # line height / type size
    scale: float = 1.0  # type size / nominal size: how much larger the script is set than Latin
    card_spacing: float | None = None  # line height on the wallet card, where room is fixed
    # (char, bold) -> font_for's answer: it is asked for every character of every text
    # laid out (millions of times a build) and the answer never changes.
    _found: dict[tuple[str, bool], str | None] = field(default_factory=dict, init=False, repr=False,
                                                        compare=False, hash=False)

    @property
    def compact_spacing(self) -> float:
        """The line height where room is fixed (the wallet card): as given, else a quarter
        of a line less than on pages, never under 1.2."""
        return self.card_spacing or max(1.2, self.spacing - 0.25)

    @property
    def primary(self) -> Family:
        return self.families[0]

    @property
    def name(self) -> str:
        """The registered family name of the primary family (used in styles)."""
        return self.primary.name

    @property
    def regular_name(self) -> str:
        return self.primary.regular_name

    def font_for(self, char: str, bold: bool = False) -> str | None:
        """The registered font that sets ``char``: the first family that has it."""
        key = (char, bold)
        if key in self._found:
            return self._found[key]
        code = ord(char)
        found = None
        for family in self.families:
            name = family.bold_name if bold else family.regular_name
            if has_char(name, code):
                found = name
                break
        self._found[key] = found
        return found


def _face(entry: dict) -> FaceFile:
    return FaceFile(**entry)


@lru_cache(maxsize=1)
def _config() -> tuple[dict[str, Family], dict[str, FontStack], dict[str, str], dict[str, str]]:
    data = load_data(CONFIG.read_text(encoding="utf-8"))
    families = {
        key: Family(
            name="".join(part.capitalize() for part in key.split("-")),
            regular=_face(value["regular"]),
            bold=_face(value["bold"]),
            source=value["source"],
            licence=value["licence"],
        )
        for key, value in data["families"].items()
    }
    stacks = {
        script: FontStack(
            script,
            tuple(families[f] for f in value["families"]),
            value.get("engine", "paragraph"),
            float(value.get("spacing", 1.3)),
            float(value.get("scale", 1.0)),
            float(value["card_spacing"]) if "card_spacing" in value else None,
        )
        for script, value in data["stacks"].items()
    }
    return families, stacks, dict(data["locales"]), dict(data.get("scripts") or {})


def all_families() -> list[Family]:
    return list(_config()[0].values())


def stack_for(locale: str) -> FontStack:
    """The font stack that prints ``locale`` (by its script, from fonts.yaml), its fonts
    registered for drawing."""
    stack = configured_stack(locale)
    for family in stack.families:
        register(family)
    return stack


def configured_stack(locale: str) -> FontStack:
    """The font stack of ``locale`` as fonts.yaml names it, no font file read (the web
    pages need the names and the files, not ReportLab's fonts)."""
    _, stacks, locales, scripts = _config()
    script = locales.get(locale) or locales.get(locale.split("-")[0]) or scripts.get(script_of(locale) or "")
    if script is None:
        raise FontError(f"no font stack is configured for locale {locale!r} (add it under 'locales')", Location(CONFIG))
    return stacks[script]


@lru_cache(maxsize=None)  # one object per pair, so its font_for answers are kept
def combined(first: FontStack, second: FontStack) -> FontStack:
    """``first``'s families, then ``second``'s it lacks: text in one language on a
    handout in another (the care staff's side of the card) finds every character.
    Set by the shaping engine when either needs it (a name in Arabic on that side)."""
    if first == second:
        return first
    families = first.families + tuple(f for f in second.families if f not in first.families)
    engine = "shaped" if "shaped" in (first.engine, second.engine) else first.engine
    return FontStack(first.script, families, engine, first.spacing, first.scale, first.card_spacing)


@lru_cache(maxsize=None)
def register(family: Family) -> Family:
    """Register both faces once per process, so ``<b>`` in a paragraph picks the bold.

    ReportLab's embedding is corrected first (``rl_patches``): nothing can be shaped or
    measured before a font is registered, so the corrections always come first."""
    apply_patches()
    for face_name, face in ((family.regular_name, family.regular), (family.bold_name, family.bold)):
        pdfmetrics.registerFont(_tt_font(face_name, face))
    addMapping(family.name, 0, 0, family.regular_name)
    addMapping(family.name, 1, 0, family.bold_name)
    addMapping(family.name, 0, 1, family.regular_name)
    addMapping(family.name, 1, 1, family.bold_name)
    return family


_READ: dict[tuple[Path, int], TTFont] = {}  # (font file, face index) -> the font first made of it


def _tt_font(name: str, face: FaceFile) -> TTFont:
    """ReportLab's font ``name`` for ``face``. A face file already read is not read again
    (0.05-0.08 s for a Chinese face; the Chinese families use their regular face for
    bold): ReportLab registers a second name for a face it has (by its PostScript name)
    as the font it already has, so the font given for that name only carries the name."""
    key = (face.locate(), face.index)
    known = _READ.get(key)
    if known is None:
        font = _READ[key] = tt_font(name, key[0], face.index)
        _prefer_printable(font.face.glyphToChar)
        return font
    font = copy.copy(known)
    font.fontName = name
    return font


def _prefer_printable(glyph_to_char: dict[int, list[int]]) -> None:
    """Some fonts map U+0000 or a control code to the space glyph; shaped text then
    names the glyph by that code, which extracts as nothing. Prefer printable codes."""
    for chars in glyph_to_char.values():
        if len(chars) > 1 and chars[0] < 0x20:
            chars.sort(key=lambda code: (code < 0x20, code))


def has_char(face_name: str, code: int) -> bool:
    """Whether the font maps ``code`` to a glyph in its own character map. The map also
    gains private-use codes as glyphs without a Unicode value are shaped (ReportLab's
    bookkeeping): those are not the font's. (Looked up in place: a frozen copy of a
    Chinese face's map took 12 ms a face in each process.)"""
    return code in _char_to_glyph(face_name) and not is_private_use(code)


@lru_cache(maxsize=None)
def _char_to_glyph(face_name: str) -> dict[int, int]:
    return pdfmetrics.getFont(face_name).face.charToGlyph


def check_coverage(document: Document, stack: FontStack, settings_file: Path | None = None,
                   inserted: Mapping[str, tuple[Location, str]] | None = None) -> None:
    """Every character of the document must have a glyph in some family of its stack.

    A text with no catalog location was put in by the template: a clinic setting, or a
    value in ``inserted`` (a language's name, by where it is declared and its key)."""
    covered = set(NO_GLYPH_NEEDED) | {" "}  # each character is looked up once, not at every use
    for span in iter_spans(document):
        if not set(span.text) - covered:
            continue
        for char in span.text:  # in order: the first character missing is the one named
            if char in covered:
                continue
            if stack.font_for(char, bold=False) and stack.font_for(char, bold=True):
                covered.add(char)
                continue
            name = unicodedata.name(char, "unnamed character")
            where, key = span.where, span.key
            if where is None:
                where, key = next(((w, k) for value, (w, k) in (inserted or {}).items() if char in value),
                                  (Location(settings_file or Path("clinic settings")), None))
            raise FontError(
                f"character {char!r} (U+{ord(char):04X} {name}) is not in any font of the "
                f"{stack.script} stack ({', '.join(f.name for f in stack.families)})",
                where,
                key,
            )
