"""Handouts' own line setter for scripts ReportLab's paragraphs cannot set alone.

ReportLab shapes single words well (through HarfBuzz) but breaks right-to-left and
mixed-direction text into jumbled lines, and breaks Chinese without the usual rules.
This flowable does the steps in the right order:

1. break opportunities from ICU's line breaker (UAX #14 with the locale's tailoring:
   no break before 。or ）, none inside a Korean word);
2. widths from HarfBuzz-shaped runs (through ReportLab's ``shapeStr``), lines filled
   greedily in logical order;
3. each line reordered with ICU's Unicode Bidirectional Algorithm, each directional run
   shaped and drawn in its font (falling back per character along the font stack);
4. each line wrapped in ``/Span <</ActualText ...>>`` so copying or extracting text gives
   the logical characters, even where shaping produced glyphs with no Unicode value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache

import icu
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.lib.abag import ABag
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import shapeFragWord
from reportlab.platypus import Flowable

from handouts.document import Block, Inline
from handouts.errors import LayoutError
from handouts.layout.fonts import FontStack, _cmap, needs_synthetic_bold
from handouts.layout.overflow import too_wide
from handouts.layout.rl_patches import GLYPH_TEXT
from handouts.pdf.tags import marked

_RTL_CLASSES = {1, 13}  # ICU UCharDirection: RIGHT_TO_LEFT, RIGHT_TO_LEFT_ARABIC
_BIDI_CONTROLS = {"\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}


def _is_rtl_char(char: str) -> bool:
    return icu.Char.charDirection(char) in _RTL_CLASSES


# Optional ligatures off: a ligature glyph often has no Unicode value of its own, and
# would extract as a private-use character (Persian "کی" in IBM Plex Sans Arabic).
# Required ligatures (Arabic lam-alef) and Indic conjuncts come from other features.
FEATURES = {"kern": True, "liga": False, "dlig": False}


def _face_key(font: str) -> str:
    face = getFont(font).face
    return (face.name + face.subfontNameX).decode("latin-1")


@lru_cache(maxsize=65536)
def _shaped(text: str, font: str, size: float):
    word = [stringWidth(text, font, size), (ABag(fontName=font, fontSize=size), text)]
    shaped = shapeFragWord(word, features=FEATURES, force=True)
    result = shaped[1][1]
    data = getattr(result, "__shapeData__", None)
    if data:
        clusters = [d.cluster for d in data]
        starts = sorted(set(clusters))
        key = _face_key(font)
        for glyph, cluster in zip(str(result), clusters):
            code = ord(glyph)
            if 0xE000 <= code <= 0xF8FF and clusters.count(cluster) == 1:
                later = [c for c in starts if c > cluster]
                GLYPH_TEXT.setdefault((key, code), text[cluster:later[0] if later else len(text)])
    return result


@lru_cache(maxsize=65536)
def shaped_width(text: str, font: str, size: float) -> float:
    if not text:
        return 0.0
    shaped = _shaped(text, font, size)
    data = getattr(shaped, "__shapeData__", None)
    if data is None:  # nothing to shape: plain advance widths
        return stringWidth(text, font, size)
    return sum(d.x_advance for d in data) * size / 1000


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


class ShapedText(Flowable):
    """A paragraph set line by line: ICU breaks, HarfBuzz shapes, ICU bidi orders."""

    def __init__(self, content: Inline, style, block: Block | None, stack: FontStack, lang: str, rtl: bool):
        super().__init__()
        self.content = content
        self.block = block
        self.style = style
        self.stack = stack
        self.lang = lang
        self.rtl = rtl
        self.text = "".join(span.text for span in content)
        self.size = style.fontSize
        self.leading = style.leading
        bold = style.fontName.endswith("-Bold")
        self.chars = self._assign_fonts(bold)
        self.segments = self._segments()
        self._lines: list[tuple[int, int]] | None = None
        self._fixed = False

    # -------------------------------------------------------------- preparation

    def _assign_fonts(self, bold: bool) -> list[_Char]:
        chars: list[_Char] = []
        hrefs = []
        for span in self.content:
            hrefs.extend([span.href] * len(span.text))
        fallback = self.stack.primary.bold_name if bold else self.stack.primary.regular_name
        previous = fallback
        for char, href in zip(self.text, hrefs):
            if (char.isspace() or char in _BIDI_CONTROLS) and ord(char) in _cmap(previous):
                font = previous  # spaces join the run they stand in, where that font has them
            else:
                font = self.stack.font_for(char, bold) or fallback
                previous = font
            chars.append(_Char(font, href))
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
        # Never break after a hyphen: "X-linked" and "graft-versus-host" stay whole.
        bounds = [b for b in bounds if b in (0, len(self.text)) or self.text[b - 1] not in "-\u2010\u2011"]
        segments = []
        for start, end in zip(bounds, bounds[1:]):
            if end > start:
                segments.append((start, end))
        return segments

    def _runs(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """[start, end) split where the font changes."""
        runs = []
        run_start = start
        for index in range(start + 1, end + 1):
            if index == end or self.chars[index].font != self.chars[run_start].font:
                runs.append((run_start, index, self.chars[run_start].font))
                run_start = index
        return runs

    def _width(self, start: int, end: int) -> float:
        return sum(shaped_width(self.text[a:b], font, self.size) for a, b, font in self._runs(start, end))

    def _trimmed_end(self, start: int, end: int) -> int:
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return end

    # -------------------------------------------------------------- layout

    def minWidth(self) -> float:
        return max((self._width(a, self._trimmed_end(a, b)) for a, b in self.segments), default=0.0)

    def natural_width(self) -> float:
        return self._width(0, self._trimmed_end(0, len(self.text)))

    @property
    def line_count(self) -> int:
        return len(self._lines or [])

    def _break_lines(self, width: float) -> list[tuple[int, int]]:
        lines: list[tuple[int, int]] = []
        line_start = None
        line_end = 0
        for start, end in self.segments:
            if line_start is None:
                line_start = start
            trimmed = self._trimmed_end(line_start, end)
            if self._width(line_start, trimmed) <= width + 0.01 or line_end == line_start:
                line_end = end
                continue
            lines.append((line_start, line_end))
            line_start, line_end = start, end
        if line_start is not None:
            lines.append((line_start, line_end))
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
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        first, second = copy.copy(self), copy.copy(self)
        first._lines, second._lines = lines[:fit], lines[fit:]
        first._fixed = second._fixed = True
        return [first, second]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    # -------------------------------------------------------------- drawing

    def _visual_runs(self, start: int, end: int) -> list[tuple[int, int, bool]]:
        """The line's directional runs, left to right: (start, end, is_rtl)."""
        line = self.text[start:end]
        if not self.rtl and not any(_is_rtl_char(c) for c in line):
            return [(start, end, False)]
        bidi = icu.Bidi()
        bidi.setPara(icu.UnicodeString(line), 1 if self.rtl else 0)
        to_index = _utf16_to_index(line)
        runs = []
        for index in range(bidi.countRuns()):
            logical_start, length, direction = bidi.getVisualRun(index)
            a = to_index[logical_start]
            b = to_index[logical_start + length]
            runs.append((start + a, start + b, direction == 1))
        return runs

    def _draw_piece(self, x: float, baseline: float, a: int, b: int, rtl: bool) -> float:
        font = self.chars[a].font
        text = "".join(c for c in self.text[a:b] if c not in _BIDI_CONTROLS)
        if not text:
            return 0.0
        if rtl and not any(_is_rtl_char(c) for c in text):
            # Neutral characters in a right-to-left run: reverse and mirror them here,
            # because the shaper would guess left-to-right for them.
            text = "".join(icu.Char.charMirror(c) for c in reversed(text))
        shaped = _shaped(text, font, self.size)
        width = shaped_width(text, font, self.size)
        canvas = self.canv
        t = canvas.beginText(x, baseline)
        t.setFont(font, self.size)
        synthetic_bold = needs_synthetic_bold(font)
        if synthetic_bold:
            canvas.setStrokeColor(self.style.textColor)
            canvas.setLineWidth(self.size * 0.035)
            t.setTextRenderMode(2)  # fill and stroke: a bold for a face with one weight
        t.textLine(shaped)
        if synthetic_bold:
            t.setTextRenderMode(0)
        canvas.drawText(t)
        href = self.chars[a].href
        if href:
            canvas.linkURL(href, (x, baseline - self.size * 0.25, x + width, baseline + self.size * 0.8), relative=1)
        return width

    def drawOn(self, canvas, x, y, _sW=0):
        with marked(canvas, getattr(self, "node", None)):
            super().drawOn(canvas, x, y, _sW)

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(self.style.textColor)
        lines = self._lines or []
        for number, (start, end) in enumerate(lines):
            trimmed = self._trimmed_end(start, end)
            baseline = self.height - self.size - number * self.leading
            line_width = self._width(start, trimmed)
            x = self.width - line_width if self.rtl else 0.0
            logical = self.text[start:end]
            if number == len(lines) - 1:
                logical = logical.rstrip()
            # ActualText gives extractors the logical characters of shaped Indic and CJK
            # lines. Right-to-left lines go without: their glyphs map to Unicode
            # presentation forms, and poppler lays ActualText out left to right, which
            # would reverse every right-to-left word.
            actual = not any(_is_rtl_char(c) for c in logical)
            if actual:
                canvas._code.append(f"/Span <</ActualText {_pdf_text_string(logical)}>> BDC")
            for run_start, run_end, run_rtl in self._visual_runs(start, trimmed):
                pieces = []
                piece_start = run_start
                for index in range(run_start + 1, run_end + 1):
                    if index == run_end or self.chars[index] != self.chars[piece_start]:
                        pieces.append((piece_start, index))
                        piece_start = index
                if run_rtl:
                    pieces.reverse()
                for a, b in pieces:
                    x += self._draw_piece(x, baseline, a, b, run_rtl)
            if actual:
                canvas._code.append("EMC")
            elif number < len(lines) - 1 and trimmed < end:
                # The space at the break, drawn at the line's logical end (its left
                # edge), so extracted and spoken text keeps the words apart.
                font = self.chars[trimmed].font
                space = shaped_width(" ", font, self.size)
                start_x = self.width - line_width if self.rtl else line_width
                self._draw_piece(start_x - space if self.rtl else start_x, baseline, trimmed, trimmed + 1, self.rtl)
        canvas.restoreState()
