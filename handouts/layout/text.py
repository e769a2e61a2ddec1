"""Handouts' own line setter for scripts ReportLab's paragraphs cannot set alone.

ReportLab shapes single words well (through HarfBuzz) but breaks right-to-left and
mixed-direction text into jumbled lines, and breaks Chinese without the usual rules.
This flowable does the steps in the right order:

1. every character gets its font (the first family of the stack that has it), its
   script (``handouts.layout.scripts``: Common and Inherited characters join their
   neighbours' run) and its bidi level (ICU's Unicode Bidirectional Algorithm, once
   for the whole paragraph);
2. break opportunities from ICU's line breaker (UAX #14 with the locale's tailoring:
   no break before 。or ）, none inside a Korean word) cut the text into segments;
3. each segment is cut into runs where the font, the script, the bidi level or the
   link changes, and each run is shaped once by HarfBuzz with its script, direction
   and the document's language set explicitly (never guessed: guessing shaped
   "IgM বেশি" as Latin and broke the Bengali). A segment's width is the sum of its
   runs' widths, so lines are filled greedily in logical order without reshaping;
4. each line's runs are put in visual order (UAX #9 rule L2 on their levels) and drawn
   from the very shapes that were measured;
5. each line that is not right to left is wrapped in ``/Span <</ActualText ...>>`` so
   copying or extracting text gives the logical characters, even where shaping
   produced glyphs with no Unicode value.

Shaping segment by segment gives the same glyphs as shaping a whole line: segments
end at spaces or between CJK characters, and no feature of these fonts reaches across
those (Arabic joining and Indic syllables stop at a space). Only a kerning pair across
a space is lost: measured over every line of the handouts, no difference in Indic, CJK
or Korean lines, at most 0.3 pt in a few Arabic-script lines (IBM Plex Sans Arabic).
``tests/test_glyphs.py`` checks the drawn glyphs against whole-run shaping.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass
from functools import lru_cache

import icu
import uharfbuzz
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.platypus import Flowable

from handouts.document import Block, Inline
from handouts.layout.fonts import FontStack, has_char, needs_synthetic_bold
from handouts.layout.overflow import too_wide
from handouts.layout.replay import note
from handouts.layout.rl_patches import GLYPH_TEXT, is_private_use
from handouts.layout.scripts import INHERITED, char_script, resolve_scripts
from handouts.pdf.tags import marked

_RTL_CLASSES = {1, 13}  # ICU UCharDirection: RIGHT_TO_LEFT, RIGHT_TO_LEFT_ARABIC
# Invisible controls: bidi isolates and marks, and the word joiner (no break here).
# They steer the bidi algorithm and the line breaker and are never drawn.
WORD_JOINER = "\u2060"
_BIDI_CONTROLS = frozenset("\u2066\u2067\u2068\u2069\u200e\u200f" + WORD_JOINER)
_NOT_DRAWN = dict.fromkeys(map(ord, _BIDI_CONTROLS))  # str.translate: drop the controls


@lru_cache(maxsize=None)  # asked of every character of every line drawn
def _is_rtl_char(char: str) -> bool:
    return icu.Char.charDirection(char) in _RTL_CLASSES


# Optional ligatures off: a ligature glyph often has no Unicode value of its own, and
# would extract as a private-use character (Persian "کی" in IBM Plex Sans Arabic).
# Required ligatures (Arabic lam-alef) and Indic conjuncts come from other features.
FEATURES = {"kern": True, "liga": False, "dlig": False}


def _face_key(font: str) -> str:
    face = getFont(font).face
    return (face.name + face.subfontNameX).decode("latin-1")


@dataclass(frozen=True)
class Shaped:
    """A run as HarfBuzz shaped it, ready for ReportLab's text objects.

    ``glyphs`` has one character per glyph, in visual order: the character ReportLab's
    font subset maps to that glyph (a private-use code for a glyph with no Unicode
    value), carrying HarfBuzz's advances and offsets as ReportLab's shape data."""

    glyphs: ShapedStr
    width: float  # points
    # (font face key, private-use code, characters) for each glyph with no Unicode value
    # of its own: recorded into the document's ToUnicode map when the run is drawn
    # (``record_glyph_texts``), so the map depends on that document alone, not on what
    # else the process shaped before (``shape`` is cached).
    texts: tuple[tuple[str, int, str], ...] = ()


@lru_cache(maxsize=256)
def _harfbuzz_font(font: str) -> uharfbuzz.Font:
    # Through ReportLab's TTFont: it also sets up the private-use codes (hbAddPrivate).
    # Its size (``ptem``) changes nothing HarfBuzz gives in font units for these fonts
    # (only Apple's tracking table reads it; no face of fonts.yaml has one: tested).
    return getFont(font).hbFont(UNIT_SIZE)


UNIT_SIZE = 1000.0  # the size text is shaped at: glyph advances are kept per 1000 units of em


def shape(text: str, font: str, size: float, script: str, rtl: bool, lang: str) -> Shaped:
    """``text`` shaped in ``font`` with the script (ISO 15924), direction and language
    given, never guessed from the text. The glyphs become drawable characters the way
    ReportLab's own ``shapeFragWord`` makes them, which cannot be told the script.
    Shaped once at any size (``_shaped_units``): a heading, large print and the fitting
    of a page to its paper set the same words at several sizes."""
    glyphs, units, texts = _shaped_units(text, font, script, rtl, lang)
    return Shaped(glyphs, units * size / 1000, texts)


@lru_cache(maxsize=65536)
def _shaped_units(text: str, font: str, script: str, rtl: bool, lang: str) -> tuple[ShapedStr, float, tuple]:
    """``shape`` in thousandths of an em: the glyphs, their advances' sum, the texts of
    the glyphs with no Unicode value of their own."""
    ttf = getFont(font)
    hb_font = _harfbuzz_font(font)
    buffer = uharfbuzz.Buffer()
    buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.script = script
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.language = lang
    uharfbuzz.shape(hb_font, buffer, FEATURES)
    face = ttf.face
    # Font units to thousandths of an em, as ReportLab's ``pdfScale`` does it (units kept
    # as they are for a 1000-unit em), without a call per value.
    mult = None if face.unitsPerEm == 1000 else 1000 / face.unitsPerEm
    glyph_to_char, widths = face.glyphToChar, face.charWidths
    codes: list[int] = []
    data: list[ShapeData] = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        gid = info.codepoint
        chars = glyph_to_char.get(gid)
        code = chars[0] if chars else ttf.hbAddPrivate(hb_font.glyph_to_string(gid), gid, position.x_advance)
        codes.append(code)
        if mult is None:
            data.append(ShapeData(info.cluster, position.x_advance, position.y_advance, position.x_offset,
                                  position.y_offset, widths[code]))
        else:
            data.append(ShapeData(info.cluster, position.x_advance * mult, position.y_advance * mult,
                                  position.x_offset * mult, position.y_offset * mult, widths[code]))
    texts = _glyph_texts(text, font, codes, [d.cluster for d in data])
    return ShapedStr("".join(map(chr, codes)), shapeData=data), sum(d.x_advance for d in data), texts


def _glyph_texts(text: str, font: str, codes: list[int], clusters: list[int]) -> tuple[tuple[str, int, str], ...]:
    """The characters each private-use glyph was shaped from (its cluster)."""
    starts = sorted(set(clusters))
    key = None
    found = []
    for code, cluster in zip(codes, clusters):
        if is_private_use(code) and clusters.count(cluster) == 1:
            key = key or _face_key(font)
            later = [c for c in starts if c > cluster]
            found.append((key, code, text[cluster:later[0] if later else len(text)]))
    return tuple(found)


def record_glyph_texts(shaped: Shaped) -> None:
    """Drawn: the first text a glyph stands for in this document is the one its
    ToUnicode map gives (``rl_patches.begin_document`` starts each document afresh)."""
    for key, code, text in shaped.texts:
        GLYPH_TEXT.setdefault((key, code), text)


def _icu_locale(lang: str) -> icu.Locale:
    return icu.Locale(lang.replace("-", "_"))


def _keeps_words_whole(lang: str) -> bool:
    """Korean is set "keep-all": lines break at spaces, never inside a word."""
    return lang.split("-")[0] == "ko"


def _utf16_to_index(text: str) -> list[int]:
    """Map UTF-16 offsets (what ICU reports) to Python string indices."""
    mapping = []
    for index, char in enumerate(text):
        mapping.append(index)
        if ord(char) > 0xFFFF:
            mapping.append(index)
    mapping.append(len(text))
    return mapping


def _pdf_text_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@dataclass(frozen=True)
class _Char:
    font: str
    href: str | None


@lru_cache(maxsize=None)
def _char(font: str, href: str | None) -> _Char:
    """One ``_Char`` per (font, link): a text has one per character, and there are few."""
    return _Char(font, href)


@dataclass(frozen=True)
class _Run:
    """Characters [start, end) shaped in one go: one font, script, bidi level and link."""

    start: int
    end: int
    font: str
    script: str
    level: int
    href: str | None

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


def _bidi_levels(text: str, rtl: bool) -> list[int]:
    """The embedding level of every character (UAX #9, ICU), for the whole paragraph at
    once: a phone number isolated (LRI...PDI) and broken across lines stays in order."""
    if not rtl and not any(_is_rtl_char(c) for c in text):
        return [0] * len(text)
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(text), 1 if rtl else 0)
    levels = bidi.getLevels()
    to_index = _utf16_to_index(text)
    result = [0] * len(text)
    for unit, index in enumerate(to_index[:-1]):
        result[index] = levels[unit]
    return result


def visual_order(levels: list[int]) -> list[int]:
    """Indices of items at the given bidi levels in visual order, left to right (UAX #9
    rule L2: from the highest level down to the lowest odd one, reverse every run of
    items at that level or above). ICU's ``Bidi.reorderVisual`` does this for C, but
    PyICU's binding returns the input order."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] < level:
                index += 1
                continue
            end = index
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[index:end] = reversed(order[index:end])
            index = end
    return order


class _Prepared:
    """What setting a paragraph needs that depends on its text and fonts, not on the
    type size or the width: each character's font, script and bidi level, the
    unbreakable segments and their runs. The same text is set many times (at every
    size a card face tries, on Letter and A4, in large print), so it is prepared once
    (``_prepare``) and shared: nothing in it changes after it is made, except that it
    remembers its segments' widths at each type size once they are measured."""

    def __init__(self, spans: tuple[tuple[str, str | None], ...], bold: bool, stack: FontStack, lang: str,
                 rtl: bool):
        self.stack = stack
        self.lang = lang
        self.text = "".join(text for text, _ in spans)
        self.chars = self._assign_fonts(spans, bold)
        self.scripts = resolve_scripts(self.text)
        self.levels = _bidi_levels(self.text, rtl)
        self.segments = self._segments()
        self.segment_starts = [start for start, _ in self.segments]
        # Per segment: the runs of its content, and the runs of its trailing spaces.
        self.segment_runs = [self._split_runs(start, end) for start, end in self.segments]
        # Type size -> per segment, the widths of its content and of its trailing spaces.
        self.widths: dict[float, tuple[list[float], list[float]]] = {}
        # (id of one of the runs above, type size) -> its shape: measuring and drawing ask
        # for the same runs again and again (a run's id is stable while this object lives).
        self.shaped: dict[tuple[int, float], Shaped | None] = {}

    def _assign_fonts(self, spans: tuple[tuple[str, str | None], ...], bold: bool) -> list[_Char]:
        chars: list[_Char] = []
        hrefs = []
        for text, href in spans:
            hrefs.extend([href] * len(text))
        fallback = self.stack.primary.bold_name if bold else self.stack.primary.regular_name
        previous = fallback
        for char, href in zip(self.text, hrefs):
            joins = char.isspace() or char in _BIDI_CONTROLS or char_script(char) == INHERITED
            if char in _BIDI_CONTROLS:
                font = previous  # never drawn: the space after an isolate stays in the font before it
            elif joins and has_char(previous, ord(char)):
                font = previous  # spaces and marks join the run they stand in, where that font has them
            else:
                font = self.stack.font_for(char, bold) or fallback
                previous = font
            chars.append(_char(font, href))
        return chars

    def _segments(self) -> list[tuple[int, int]]:
        """Unbreakable pieces of text: [start, end) including their trailing spaces."""
        if not self.text:
            return []
        breaker = icu.BreakIterator.createLineInstance(_icu_locale(self.lang))
        breaker.setText(self.text)
        to_index = _utf16_to_index(self.text)
        bounds = [0] + [to_index[b] for b in breaker]
        if _keeps_words_whole(self.lang):
            bounds = [b for b in bounds if b in (0, len(self.text)) or self.text[b - 1].isspace()]
        # Never break after a hyphen: "Hyper-IgM" and "graft-versus-host" stay whole.
        bounds = [b for b in bounds if b in (0, len(self.text)) or self.text[b - 1] not in "-\u2010\u2011"]
        segments = []
        for start, end in zip(bounds, bounds[1:]):
            if end > start:
                segments.append((start, end))
        return segments

    def _run_key(self, index: int) -> tuple[str, str, int, str | None]:
        char = self.chars[index]
        return char.font, self.scripts[index], self.levels[index], char.href

    def _split_runs(self, start: int, end: int) -> tuple[list[_Run], list[_Run]]:
        """A segment's runs (font, script, bidi level and link each the same), split
        into those of its content and those of its trailing spaces, so that the width
        of a line ending in this segment needs no reshaping. Bidi controls are not
        drawn: they join the run beside them instead of splitting it."""
        content_end = end
        while content_end > start and self.text[content_end - 1].isspace():
            content_end -= 1
        keys: list[tuple | None] = [
            None if self.text[i] in _BIDI_CONTROLS else self._run_key(i) for i in range(start, end)
        ]
        known = [key for key in keys if key is not None]
        if not known:
            known = [self._run_key(start)]
        fill = known[0]
        for offset, key in enumerate(keys):  # a control takes the key before it (or the first one)
            keys[offset] = fill = key or fill
        content: list[_Run] = []
        spaces: list[_Run] = []
        run_start = start
        for index in range(start + 1, end + 1):
            if index == end or index == content_end or keys[index - start] != keys[run_start - start]:
                font, script, level, href = keys[run_start - start]
                (content if run_start < content_end else spaces).append(
                    _Run(run_start, index, font, script, level, href))
                run_start = index
        return content, spaces


@lru_cache(maxsize=2048)
def _prepare(spans: tuple[tuple[str, str | None], ...], bold: bool, stack: FontStack, lang: str,
             rtl: bool) -> _Prepared:
    """The preparation of a text (its spans' characters and links) in a font stack,
    language and direction: made once, shared by every flowable that sets it."""
    return _Prepared(spans, bold, stack, lang, rtl)


class ShapedText(Flowable):
    """A paragraph set line by line: ICU breaks, HarfBuzz shapes by script run, ICU bidi orders."""

    def __init__(self, content: Inline, style, block: Block | None, stack: FontStack, lang: str, rtl: bool):
        super().__init__()
        self.content = content
        self.block = block
        self.style = style
        self.stack = stack
        self.lang = lang
        self.rtl = rtl
        self.size = style.fontSize
        self.leading = style.leading
        bold = style.fontName.endswith("-Bold")
        prepared = _prepare(tuple((span.text, span.href) for span in content), bold, stack, lang, rtl)
        self._prepared = prepared
        self.text = prepared.text
        self.chars = prepared.chars
        self.scripts = prepared.scripts
        self.levels = prepared.levels
        self.segments = prepared.segments
        self._segment_starts = prepared.segment_starts
        self._segment_runs = prepared.segment_runs
        self._lines: list[tuple[int, int]] | None = None
        self._fixed = False

    def _shaped(self, run: _Run) -> Shaped | None:
        """The shape of one of the prepared runs (``_Prepared.segment_runs``), kept."""
        key = (id(run), self.size)
        known = self._prepared.shaped
        if key in known:
            return known[key]
        shaped = known[key] = self._shape(run)
        return shaped

    def _shape(self, run: _Run) -> Shaped | None:
        text = self.text[run.start:run.end].translate(_NOT_DRAWN)
        if not text:
            return None
        return shape(text, run.font, self.size, run.script, run.rtl, self.lang)

    def _width(self, runs: list[_Run], *, prepared: bool = True) -> float:
        """Width of ``runs``: the prepared runs' (kept shapes), or others made for one line."""
        return sum(shaped.width for shaped in map(self._shaped if prepared else self._shape, runs) if shaped)

    def _widths(self) -> tuple[list[float], list[float]]:
        """Per segment: the width of its content, and of its trailing spaces. Measured
        once per text and size (each wrap would otherwise look every run up again), contents
        first, as measuring the lines did: what is shaped first gets the first
        private-use codes, so the order keeps the PDF's bytes as they were."""
        widths = self._prepared.widths.get(self.size)
        if widths is None:
            widths = self._prepared.widths[self.size] = (
                [self._width(content) for content, _ in self._segment_runs],
                [self._width(spaces) for _, spaces in self._segment_runs])
        return widths

    def _line_runs(self, start: int, end: int) -> list[_Run]:
        """The runs drawn for the line [start, end), in logical order: its segments'
        runs without the spaces at the end of the line."""
        first = bisect.bisect_left(self._segment_starts, start)
        last = bisect.bisect_left(self._segment_starts, end)
        runs: list[_Run] = []
        for index in range(first, last):
            content, spaces = self._segment_runs[index]
            runs.extend(content)
            if index < last - 1:
                runs.extend(spaces)
        return runs

    # -------------------------------------------------------------- layout

    def minWidth(self) -> float:
        return max(self._widths()[0], default=0.0)

    def natural_width(self) -> float:
        return self._width(self._line_runs(0, len(self.text)))

    @property
    def line_count(self) -> int:
        return len(self._lines or [])

    def _break_lines(self, width: float) -> list[tuple[int, int]]:
        """Greedy, in logical order: a segment goes on the line if the line's width up
        to the end of its content fits (widths add up: each segment is shaped once)."""
        lines: list[tuple[int, int]] = []
        first: int | None = None  # index of the line's first segment
        used = 0.0  # width of the line's segments so far, with their trailing spaces
        for index, (content_width, spaces_width) in enumerate(zip(*self._widths())):
            if first is None:
                first, used = index, 0.0
            if used + content_width <= width + 0.01 or index == first:
                used += content_width + spaces_width
                continue
            lines.append((self.segments[first][0], self.segments[index - 1][1]))
            first, used = index, content_width + spaces_width
        if first is not None:
            lines.append((self.segments[first][0], self.segments[-1][1]))
        return lines

    def wrap(self, availWidth, availHeight):
        needed = self.minWidth()
        if needed > availWidth + 0.01:
            raise too_wide(self.content, needed, availWidth)
        self.width = availWidth
        if not self._fixed:
            self._lines = self._break_lines(availWidth)
        self.height = len(self._lines or []) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fit = int((availHeight + 0.01) // self.leading)
        lines = self._lines or []
        if fit >= len(lines):
            return [self]
        # No orphan (one line left at the foot of a page) and no widow (one line at
        # the head of the next): a paragraph splits only with two lines on each side.
        if fit < 2 or len(lines) < 4:
            return []
        fit = min(fit, len(lines) - 2)
        first, second = copy.copy(self), copy.copy(self)
        first._lines, second._lines = lines[:fit], lines[fit:]
        first._fixed = second._fixed = True
        return [first, second]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    # -------------------------------------------------------------- drawing

    def _draw_glyphs(self, x: float, baseline: float, font: str, glyphs: ShapedStr, width: float,
                     href: str | None) -> None:
        canvas = self.canv
        t = canvas.beginText(x, baseline)
        t.setFont(font, self.size)
        synthetic_bold = needs_synthetic_bold(font)
        if synthetic_bold:
            canvas.setStrokeColor(self.style.textColor)
            canvas.setLineWidth(self.size * 0.035)
            t.setTextRenderMode(2)  # fill and stroke: a bold for a face with one weight
        t.textLine(glyphs)
        if synthetic_bold:
            t.setTextRenderMode(0)
        canvas.drawText(t)
        if href:
            rect = (x, baseline - self.size * 0.25, x + width, baseline + self.size * 0.8)
            canvas.linkURL(href, rect, relative=1)
            note(canvas, lambda again: again.linkURL(href, rect, relative=1))  # a replayed copy's link

    def _draw_runs(self, x: float, baseline: float, runs: list[_Run], *, prepared: bool = True) -> None:
        """Draw runs given in visual order; neighbours in the same font and link share
        one text object (their shapes joined, so nothing moves)."""
        shape_of = self._shaped if prepared else self._shape
        shaped = [(run, s) for run in runs if (s := shape_of(run))]
        for _, drawn in shaped:
            record_glyph_texts(drawn)
        index = 0
        while index < len(shaped):
            run, first = shaped[index]
            pieces, width = [first.glyphs], first.width
            index += 1
            while index < len(shaped) and (shaped[index][0].font, shaped[index][0].href) == (run.font, run.href):
                pieces.append(shaped[index][1].glyphs)
                width += shaped[index][1].width
                index += 1
            glyphs = pieces[0] if len(pieces) == 1 else ShapedStr(  # joined once (``+`` copies at every step)
                "".join(pieces), shapeData=[data for piece in pieces for data in piece.__shapeData__])
            self._draw_glyphs(x, baseline, run.font, glyphs, width, run.href)
            x += width

    def drawOn(self, canvas, x, y, _sW=0):
        with marked(canvas, getattr(self, "node", None)):
            super().drawOn(canvas, x, y, _sW)

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(self.style.textColor)
        lines = self._lines or []
        for number, (start, end) in enumerate(lines):
            runs = self._line_runs(start, end)
            baseline = self.height - self.size - number * self.leading
            line_width = self._width(runs)
            x = self.width - line_width if self.rtl else 0.0
            logical = self.text[start:end].translate(_NOT_DRAWN)  # what is seen
            if number == len(lines) - 1:
                logical = logical.rstrip()
            # ActualText gives extractors the logical characters of shaped Indic and CJK
            # lines. Right-to-left lines go without: their glyphs map to Unicode
            # presentation forms, and poppler lays ActualText out left to right, which
            # would reverse every right-to-left word.
            actual = not any(_is_rtl_char(c) for c in logical)
            if actual:
                canvas._code.append(f"/Span <</ActualText {_pdf_text_string(logical)}>> BDC")
            self._draw_runs(x, baseline, [runs[i] for i in visual_order([run.level for run in runs])])
            if actual:
                canvas._code.append("EMC")
            elif number < len(lines) - 1 and self.text[end - 1].isspace():
                # The space at the break, drawn at the line's logical end (its left
                # edge), so extracted and spoken text keeps the words apart.
                space_at = len(self.text[start:end].rstrip()) + start
                space = _Run(space_at, space_at + 1, self.chars[space_at].font, self.scripts[space_at],
                             1 if self.rtl else 0, None)
                width = self._width([space], prepared=False)
                self._draw_runs(x - width if self.rtl else x + line_width, baseline, [space], prepared=False)
        canvas.restoreState()
