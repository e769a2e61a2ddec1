"""Which glyphs a PDF draws, line by line, and which glyphs HarfBuzz says it should.

Text extraction cannot see wrongly shaped text: a line's /ActualText holds the right
characters whatever glyphs are drawn. This module reads the glyphs from the PDF itself
and compares them with an independent shaping of the line's logical text:

* drawn: the content streams are parsed (pikepdf); every text-show operator's codes
  are looked up in the cmap of the embedded TrueType subset of its font (ReportLab
  writes a (1, 0) format 6 cmap from code to subset glyph, and a format 3 ``post``
  table without glyph names), and each subset glyph is identified by its outline: the
  resolved contour points (composites flattened), on-curve flags and advance width,
  which equal those of exactly the original glyph it was copied from (or of glyphs that
  look exactly the same);
* expected: the line's logical text is split into runs of one script, one font and
  one bidi level, by code written here from other data than the renderer uses
  (fontTools' Unicode script data, stdlib bracket categories, fontTools cmaps for the
  font stack of ``fonts.yaml``; bidi controls, never drawn, keep the font before them), and each run is shaped by uharfbuzz from the font
  file with script, direction and language set explicitly, features as the handouts
  set them (HarfBuzz's defaults, kerning on, optional ligatures off). Runs are put in
  visual order with ICU's bidi line map and the glyphs compared in that order.

Positions are not compared: only which glyphs, in which order.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import icu
import pikepdf
import uharfbuzz as hb
from fontTools import unicodedata as ucd
from fontTools.ttLib import TTFont

from handouts.formatting import babel_locale
from handouts.layout.fonts import FaceFile, all_families, stack_for

FEATURES = {"kern": True, "liga": False, "dlig": False}
BIDI_CONTROLS = frozenset("\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
GlyphKey = tuple


# ---------------------------------------------------------------- font files


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0

    @classmethod
    def of(cls, face: FaceFile) -> "FontFile":
        return cls(str(face.locate()), face.index)


@lru_cache(maxsize=None)
def open_font(font: FontFile) -> TTFont:
    return TTFont(font.path, fontNumber=font.index, lazy=True)


@lru_cache(maxsize=None)
def hb_font(font: FontFile) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(font.path), font.index))


@lru_cache(maxsize=None)
def cmap(font: FontFile) -> frozenset[int]:
    return frozenset(open_font(font).getBestCmap())


@lru_cache(maxsize=None)
def faces() -> dict[str, tuple[FontFile, bool]]:
    """PostScript name -> (font file, whether it is a bold that differs from the regular)."""
    found: dict[str, tuple[FontFile, bool]] = {}
    for family in all_families():
        for face, bold in ((family.regular, False), (family.bold, not family.synthetic_bold)):
            file = FontFile.of(face)
            name = open_font(file)["name"].getDebugName(6)
            found.setdefault(name, (file, bold))
    return found


def glyph_key(font: TTFont, name: str) -> GlyphKey:
    """What a glyph looks like: resolved outline points, on-curve flags, advance."""
    glyf = font["glyf"]
    coordinates, ends, flags = glyf[name].getCoordinates(glyf)
    points = tuple((round(x), round(y)) for x, y in coordinates)
    return points, tuple(ends), bytes(f & 1 for f in flags), font["hmtx"][name][0]


@lru_cache(maxsize=None)
def original_key(font: FontFile, gid: int) -> GlyphKey:
    tt = open_font(font)
    return glyph_key(tt, tt.getGlyphName(gid))


def glyph_name(font: FontFile, gid: int) -> str:
    return open_font(font).getGlyphName(gid)


@lru_cache(maxsize=None)
def _names_by_key(font: FontFile) -> dict[GlyphKey, str]:
    tt = open_font(font)
    names: dict[GlyphKey, str] = {}
    for name in tt.getGlyphOrder():
        names.setdefault(glyph_key(tt, name), name)
    return names


def drawn_name(glyph: "Glyph") -> str:
    """The name of the original glyph a drawn glyph was copied from (for messages)."""
    file = faces().get(glyph.face, (None,))[0]
    return _names_by_key(file).get(glyph.key, "?") if file else "?"


# ---------------------------------------------------------------- drawn glyphs


@dataclass
class Glyph:
    key: GlyphKey
    text: str  # from the ToUnicode map
    face: str  # PostScript name


@dataclass
class Piece:
    x: float
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class Line:
    """Glyphs drawn on one baseline by one flowable, within one marked-content sequence."""

    page: int
    y: float
    actual_text: str | None
    artifact: bool
    pieces: list[Piece] = field(default_factory=list)

    def glyphs(self) -> list[Glyph]:
        return [g for piece in sorted(self.pieces, key=lambda p: p.x) for g in piece.glyphs]


class PdfFont:
    """A font resource of the PDF: its subset's glyphs, keyed by code."""

    def __init__(self, font: pikepdf.Dictionary):
        self.name = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
        subset = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
        codes = subset["cmap"].getcmap(1, 0).cmap
        self.keys = {code: glyph_key(subset, name) for code, name in codes.items()}
        self.text = _to_unicode(font.ToUnicode.read_bytes().decode("latin-1")) if "/ToUnicode" in font else {}

    def glyph(self, code: int) -> Glyph:
        return Glyph(self.keys[code], self.text.get(code, ""), self.name)


def _to_unicode(cmap_text: str) -> dict[int, str]:
    entries = re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap_text.split("beginbfchar", 1)[-1])
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in entries}


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def drawn_lines(pdf: pikepdf.Pdf) -> list[Line]:
    """Every line of text the PDF draws, with its glyphs, page by page."""
    lines: list[Line] = []
    fonts: dict[int, PdfFont] = {}
    for number, page in enumerate(pdf.pages):
        resources = page.Resources.get("/Font", {})
        ctm = [1.0, 0, 0, 1, 0, 0]
        stack: list[list[float]] = []
        marks: list[tuple[int, str | None, bool]] = []  # (id, ActualText, artifact)
        mark_id = 0
        tm = tlm = [1.0, 0, 0, 1, 0, 0]
        leading = 0.0
        font: PdfFont | None = None
        new_object = True
        current: Line | None = None
        current_key = None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":  # every flowable is drawn translated: a new one starts here
                ctm = _multiply([float(v) for v in operands], ctm)
                current = None
            elif op in ("BDC", "BMC"):
                mark_id += 1
                props = operands[1] if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else {}
                actual = str(props["/ActualText"]) if "/ActualText" in props else None
                marks.append((mark_id, actual, str(operands[0]) == "/Artifact"))
            elif op == "EMC":
                marks.pop()
            elif op == "BT":
                tm = tlm = [1.0, 0, 0, 1, 0, 0]
                new_object = True
            elif op == "Tm":
                tm = tlm = [float(v) for v in operands]
            elif op in ("Td", "TD"):
                tx, ty = (float(v) for v in operands)
                if op == "TD":
                    leading = -ty
                tm = tlm = _multiply([1, 0, 0, 1, tx, ty], tlm)
            elif op == "T*":
                tm = tlm = _multiply([1, 0, 0, 1, 0, -leading], tlm)
            elif op == "TL":
                leading = float(operands[0])
            elif op == "Tf":
                ref = resources[str(operands[0])]
                font = fonts.get(ref.objgen) or fonts.setdefault(ref.objgen, PdfFont(ref))
            elif op in ("Tj", "TJ", "'", '"'):
                if op in ("'", '"'):
                    tm = tlm = _multiply([1, 0, 0, 1, 0, -leading], tlm)
                shown = operands[-1]
                strings = [s for s in shown if isinstance(s, pikepdf.String)] if op == "TJ" else [shown]
                codes = b"".join(bytes(s) for s in strings)
                if not codes:
                    continue
                device = _multiply(tm, ctm)
                x, y = device[4], round(device[5], 2)
                key = (tuple(m[0] for m in marks), y)
                if current is None or key != current_key:
                    actual = next((m[1] for m in reversed(marks) if m[1] is not None), None)
                    current = Line(number, y, actual, any(m[2] for m in marks))
                    current_key = key
                    lines.append(current)
                    new_object = True
                if new_object:
                    current.pieces.append(Piece(x))
                    new_object = False
                current.pieces[-1].glyphs.extend(font.glyph(code) for code in codes)
    return lines


# ---------------------------------------------------------------- expected glyphs


def script_of(char: str) -> str:
    return ucd.script(char)


def resolve_scripts(text: str) -> list[str]:
    """Scripts per character (UAX #24): Inherited takes the previous character's,
    Common the previous character's (at the start: the first letter's), a closing
    bracket (category Pe) its opening bracket's (category Ps)."""
    resolved: list[str] = []
    opened: list[int] = []
    for index, char in enumerate(text):
        script = script_of(char)
        previous = resolved[-1] if resolved else "Zyyy"
        if script in ("Zyyy", "Zinh", "Zzzz"):
            script = previous
            category = unicodedata.category(char)
            if category == "Ps":
                opened.append(index)
            elif category == "Pe" and opened:
                script = resolved[opened.pop()]
        elif previous == "Zyyy":
            resolved = [script] * len(resolved)
        resolved.append(script)
    return resolved


def font_of_chars(text: str, locale: str | tuple[str, ...], bold: bool) -> list[FontFile]:
    """The font each character is set in: the first family of the locale's stack whose
    font has it (of several locales' stacks, in order: a passage in another language
    is set in its own language's families first, then the handout's); spaces, bidi
    controls and combining (Inherited) characters stay in the font before them where it
    has them."""
    families = []
    for tag in (locale,) if isinstance(locale, str) else locale:
        families += [f for f in stack_for(tag).families if f not in families]
    files = [FontFile.of(f.bold if bold else f.regular) for f in families]
    result: list[FontFile] = []
    previous = files[0]
    for char in text:
        joins = char.isspace() or char in BIDI_CONTROLS or script_of(char) == "Zinh"
        if char in BIDI_CONTROLS:  # never drawn: they leave the font as it was
            result.append(previous)
            continue
        if joins and ord(char) in cmap(previous):
            result.append(previous)
            continue
        previous = next((f for f in files if ord(char) in cmap(f)), files[0])
        result.append(previous)
    return result


def _utf16_index(text: str) -> list[int]:
    units = []
    for index, char in enumerate(text):
        units.extend([index] * (2 if ord(char) > 0xFFFF else 1))
    return units


@dataclass(frozen=True)
class Run:
    text: str
    font: FontFile
    script: str
    rtl: bool
    visual: int  # position of the run's first character in the line's visual order


def expected_runs(paragraph: str, start: int, end: int, locale: str | tuple[str, ...], lang: str, bold: bool,
                  rtl: bool) -> list[Run]:
    """The runs of the line paragraph[start:end], in visual order.

    ReportLab draws a no-break space with its font's space glyph (it maps U+00A0 to
    U+0020 even where the font has no U+00A0): here it is a space too."""
    paragraph = paragraph.replace("\u00a0", " ")
    scripts = resolve_scripts(paragraph)
    fonts = font_of_chars(paragraph, locale, bold)
    levels = [0] * len(paragraph)
    visual = list(range(len(paragraph)))
    if rtl or any(ucd.script_horizontal_direction(script_of(c), "LTR") == "RTL" for c in paragraph):
        bidi = icu.Bidi()
        bidi.setPara(icu.UnicodeString(paragraph), 1 if rtl else 0)
        units = _utf16_index(paragraph)
        first_unit = units.index(start) if start < len(paragraph) else len(units)
        last_unit = units.index(end) if end < len(paragraph) else len(units)
        line = bidi.setLine(first_unit, last_unit)
        line_levels = line.getLevels()
        logical_to_visual = line.getLogicalMap()
        for unit in range(first_unit, last_unit):
            levels[units[unit]] = line_levels[unit - first_unit]
            visual[units[unit]] = logical_to_visual[unit - first_unit]
    runs: list[Run] = []
    keys = [(fonts[i], scripts[i], levels[i]) for i in range(len(paragraph))]
    chars = [i for i in range(start, end) if paragraph[i] not in BIDI_CONTROLS]
    for position, index in enumerate(chars):
        if position and keys[index] == keys[chars[position - 1]]:
            last = runs[-1]
            runs[-1] = Run(last.text + paragraph[index], last.font, last.script, last.rtl,
                           min(last.visual, visual[index]))
        else:
            font, script, level = keys[index]
            runs.append(Run(paragraph[index], font, script, level % 2 == 1, visual[index]))
    return sorted(runs, key=lambda run: run.visual)


@lru_cache(maxsize=65536)
def shape(text: str, font: FontFile, script: str, rtl: bool, lang: str) -> tuple[int, ...]:
    """Glyph ids HarfBuzz gives ``text`` in ``font``, in visual order."""
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.script = script
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.language = lang
    hb.shape(hb_font(font), buffer, FEATURES)
    return tuple(info.codepoint for info in buffer.glyph_infos)


def expected_glyphs(runs: list[Run], lang: str) -> list[tuple[GlyphKey, str]]:
    return [(original_key(run.font, gid), f"{glyph_name(run.font, gid)}[{run.script}]")
            for run in runs for gid in shape(run.text, run.font, run.script, run.rtl, lang)]


# ---------------------------------------------------------------- comparison


@dataclass
class Result:
    checked: int = 0
    failures: list[str] = field(default_factory=list)


def _describe(glyphs: list[Glyph]) -> str:
    return " ".join(drawn_name(g) + ("" if g.text.isspace() else f"({g.text})") for g in glyphs)


def _ink(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def _chunks(paragraph: str, ink: Counter) -> list[tuple[int, int]]:
    """Word-aligned pieces of ``paragraph`` with exactly the letters and digits ``ink``."""
    words = [m.span() for m in re.finditer(r"\S+", paragraph)]
    wanted = sum(ink.values())
    found = []
    for first in range(len(words)):
        total: Counter = Counter()
        for last in range(first, len(words)):
            total += _ink(paragraph[words[last][0]:words[last][1]])
            size = sum(total.values())
            if size > wanted:
                break
            if size == wanted and total == ink:
                found.append((words[first][0], words[last][1]))
    return found


def _strip_spaces(keys: list[GlyphKey], space_keys: set[GlyphKey]) -> list[GlyphKey]:
    start, end = 0, len(keys)
    while start < end and keys[start] in space_keys:
        start += 1
    while end > start and keys[end - 1] in space_keys:
        end -= 1
    return keys[start:end]


def check_pdf(path: Path, locale: str, rtl: bool, extra_texts: tuple[str, ...] = ()) -> Result:
    """Compare every drawn line of ``path`` with HarfBuzz's shaping of its text.

    ``rtl``: the document is right to left; ``extra_texts``: texts drawn outside the
    structure tree (the running footer)."""
    result = Result()
    with pikepdf.open(path) as pdf:
        lang = str(pdf.Root.get("/Lang", locale))
        paragraphs = [*_structure_texts(pdf, rtl, locale), *((text, rtl, (locale,)) for text in extra_texts)]
        shaped_engine = stack_for(locale).engine == "shaped"
        for line in drawn_lines(pdf):
            drawn = line.glyphs()
            bold = any(faces().get(g.face, (None, False))[1] for g in drawn)
            where = f"{path.name} p.{line.page + 1} y={line.y:.1f}"
            if line.actual_text is not None and rtl:
                # Left-to-right text in a right-to-left paragraph: ordered in its context.
                text = line.actual_text.rstrip()
                chunks = [(p, m.start(), m.start() + len(text), p_rtl, p_locales) for p, p_rtl, p_locales in paragraphs
                          for m in re.finditer(re.escape(text), p)]
                # A whole left-to-right isolate drawn on its own (the card's "85.6 mm" at
                # the end of its ruler) is shaped as its own text, as any paragraph is.
                if any(p[start - 1:start] == "\u2066" and p[end:end + 1] == "\u2069" for p, start, end, _, _ in chunks):
                    chunks.append((text, 0, len(text), False, chunks[0][4]))
                _check_bidi_line(result, where, drawn, chunks or [(text, 0, len(text), rtl, (locale,))], lang, bold)
            elif line.actual_text is not None:
                text = line.actual_text.rstrip()
                # In the handout's fonts, or in those of the language of a passage that
                # holds the line (the care staff's English on a Hindi card).
                candidates = [(locale,)] + sorted({p_locales for p, _, p_locales in paragraphs
                                                   if p_locales != (locale,) and text in p})
                expected = [expected_glyphs(expected_runs(text, 0, len(text), c, lang, bold, rtl=False), lang)
                            for c in candidates]
                keys = [g.key for g in drawn]
                match = next((e for e in expected if [k for k, _ in e] == keys), expected[0])
                _compare(result, where, text, keys, match, drawn)
            elif shaped_engine:
                ink = _ink("".join(g.text for g in drawn))
                chunks = [(p, start, end, p_rtl, p_locales) for p, p_rtl, p_locales in paragraphs
                          for start, end in _chunks(p, ink)]
                _check_bidi_line(result, where, drawn, chunks, lang, bold)
            else:
                _check_paragraph_line(result, where, line, lang)
    return result


def _check_bidi_line(result: Result, where: str, drawn: list[Glyph],
                     chunks: list[tuple[str, int, int, bool, tuple[str, ...]]], lang: str, bold: bool) -> None:
    """A line in a right-to-left document, checked in the context of its paragraph
    (bidi levels are resolved for the whole paragraph). The candidates are pieces of
    the document's texts: a right-to-left line has no /ActualText, so its text is found
    among the document's texts (the structure tree's /ActualText, the running footer)
    as a word-aligned piece with the same letters and digits as the glyphs' ToUnicode
    text. Spaces at either end are left out: the space at a line break is drawn at the
    line's left edge, in logical order after the last word."""
    space_keys = {g.key for g in drawn if g.text.isspace()}
    keys = _strip_spaces([g.key for g in drawn], space_keys)
    best: tuple[str, list] | None = None
    for paragraph, start, end, rtl, locales in chunks:  # the paragraph's direction and fonts
        runs = expected_runs(paragraph, start, end, locales, lang, bold, rtl)
        expected = expected_glyphs(runs, lang)
        space_keys |= {k for k, name in expected if name.startswith("space")}
        if _strip_spaces([k for k, _ in expected], space_keys) == keys:
            result.checked += 1
            return
        best = best or (paragraph[start:end], expected)
    result.checked += 1
    if best is None:
        result.failures.append(f"{where}: no text of the document has the letters of {_describe(drawn)!r}")
        return
    _compare(result, where, best[0], keys, best[1], drawn, count=False)


def _check_paragraph_line(result: Result, where: str, line: Line, lang: str) -> None:
    """A line of a ReportLab paragraph (Latin, Cyrillic, Vietnamese): drawn through the
    font's cmap, character by character. Its text is the ToUnicode text of its glyphs
    (in order: these lines are left to right), and HarfBuzz, with optional ligatures off
    as for shaped text, must give the very same glyphs: no feature of these fonts but
    kerning may apply to them."""
    for piece in line.pieces:
        by_face: list[tuple[str, str, list[GlyphKey]]] = []
        for glyph in piece.glyphs:
            if by_face and by_face[-1][0] == glyph.face:
                by_face[-1] = (glyph.face, by_face[-1][1] + glyph.text, by_face[-1][2] + [glyph.key])
            else:
                by_face.append((glyph.face, glyph.text, [glyph.key]))
        for face, text, keys in by_face:
            file = faces()[face][0]
            scripts = resolve_scripts(text)
            expected = []
            start = 0
            for index in range(1, len(text) + 1):
                if index == len(text) or scripts[index] != scripts[start]:
                    run = Run(text[start:index], file, scripts[start], False, start)
                    expected.extend(expected_glyphs([run], lang))
                    start = index
            _compare(result, where, text, keys, expected, piece.glyphs)


def _compare(result: Result, where: str, text: str, drawn: list[GlyphKey], expected: list[tuple[GlyphKey, str]],
             glyphs: list[Glyph], count: bool = True) -> None:
    if count:
        result.checked += 1
    if drawn == [key for key, _ in expected]:
        return
    differences = ""
    if len(drawn) == len(expected):
        named = {g.key: g for g in glyphs}
        differences = "\n    differ   " + ", ".join(
            f"#{i}: {name} drawn as {drawn_name(named[key]) if key in named else '?'}"
            for i, (key, (want, name)) in enumerate(zip(drawn, expected)) if key != want)
    result.failures.append(
        f"{where}: {text!r}\n    expected {' '.join(name for _, name in expected)}"
        f"\n    drawn    {_describe(glyphs)}{differences}")


def _structure_texts(pdf: pikepdf.Pdf, rtl: bool, locale: str) -> list[tuple[str, bool, tuple[str, ...]]]:
    """Every /ActualText of the structure tree (the logical text of shaped elements),
    with its paragraph direction and the locales whose fonts set it: the document's, or
    first those of the language of the element's /Lang (or an ancestor's), as for the
    care staff's English on an Arabic card."""
    texts: list[tuple[str, bool, tuple[str, ...]]] = []
    todo: list[tuple[object, bool, tuple[str, ...]]] = [(pdf.Root.StructTreeRoot, rtl, (locale,))]
    while todo:
        node, direction, locales = todo.pop()
        if isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node and str(node.Lang) != locale:
                direction = babel_locale(str(node.Lang)).text_direction == "rtl"
                locales = (str(node.Lang), locale)
            if "/ActualText" in node:
                texts.append((str(node.ActualText), direction, locales))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                todo.extend((kid, direction, locales) for kid in kids)
            elif isinstance(kids, pikepdf.Dictionary):
                todo.append((kids, direction, locales))
    return texts
