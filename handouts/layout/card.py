"""The wallet card: ID-1 faces (85.6 x 54 mm) set to fit, then imposed on a sheet.

A card template's sections are the card's faces in reading order: two (front, back)
or four (a bi-fold: cover, inside left, inside right, back). Its notices print around
the cards: those before the first face at the top of the sheet (a notice named
``ruler`` also draws a reference line of known length under its label), those after
the last face at the bottom; a notice with an ``edition`` prints only on that sheet;
a notice that starts with a code figure gets a QR code beside its text.

Each face is set at the largest type size that fits its 77.6 x 46 mm (4 mm clear of
the trim on every side), never below 7.5 pt; Arabic-script and Indic text starts
larger (it looks smaller at the same size). A passage in another language (the care
staff's) is set in that language's direction, fonts and line breaking, and tagged
with its /Lang. Named fields become form fields: one field per name, a widget in
every copy. Where the faces go is ``handouts.layout.imposition``: the duplex sheet
(the standard edition) or the fold-over sheet.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.numbers import format_decimal
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from handouts.document import (
    Block,
    Callout,
    Document,
    Field,
    FieldRow,
    Figure,
    Heading,
    Inline,
    Section,
    Span,
    block_spans,
    iter_section_spans,
    plain_text,
)
from handouts.compose import PERSON_KEY
from handouts.errors import LayoutError, Location
from handouts.formatting import babel_locale
from handouts.layout import icons
from handouts.layout.flowables import FieldLine, block_flowables, make_text
from handouts.layout.fonts import FontStack, combined, stack_for
from handouts.layout.imposition import (
    CLEARANCE,
    FACE_HEIGHT,
    FACE_WIDTH,
    IMPOSITIONS,
    Imposition,
    duplex,
    foldover,
)
from handouts.layout.paper import PAPERS, RenderRequest
from handouts.layout.replay import Recording, draw_once, note
from handouts.layout.rl_patches import apply_patches, begin_document
from handouts.layout.styles import INK, RULE, WARNING, TextSetting, TextStyles, text_styles
from handouts.pdf.tags import Node, StructureMap, Tagger, Widget, WidgetRef, artifact, attach, marked, plan_structure
from handouts.pdf.writer import DrawnPDF, drawn

# Type sizes (points), tried largest first. A face's size is "nominal": text in a script
# listed in SCRIPT_FACTOR is set that much larger, as long as it fits; nothing on the
# card is ever set below SMALLEST (the staff's text included).
LARGEST, SMALLEST, STEP = 9.5, 7.5, 0.25
SCRIPT_FACTOR = {"arabic": 1.12, "devanagari": 1.12, "bengali": 1.12}
# Lines are stacked by their leading and set from their advance widths, but marks reach
# above the type size and some glyphs overhang their advance (a Devanagari vowel sign
# before its consonant): text keeps this much more from the 4 mm line.
INK_MARGIN = 0.3 * mm
CONTENT_WIDTH = FACE_WIDTH - 2 * CLEARANCE - 2 * INK_MARGIN
CONTENT_HEIGHT = FACE_HEIGHT - 2 * CLEARANCE - 2 * INK_MARGIN
FIELD_LINE = 6 * mm  # writing lines this far apart
CHECK_BOX = 3.5 * mm
BAND_PADDING = 1.2 * mm
ICON_LINES = 1.0  # a sign's pictogram: as tall as one line of the sign
# The sheet around the cards.
EDITIONS = {"standard": "duplex", "foldover": "foldover"}  # build edition -> imposition
SHEET_MARGIN_X, SHEET_MARGIN_Y = 18 * mm, 12 * mm
SHEET_GAP = 4 * mm  # between the notices and the cut marks
SHEET_SIZES = (10.5, 10, 9.5)  # the sheet's instructions, largest first
SHEET_SMALL, SHEET_TITLE = 9, 15
RULER_LENGTH = FACE_WIDTH  # the reference line: as long as the card (a bank card's long side)
QR_SIZE = 20 * mm


def card_styles(setting: TextSetting, size: float, *, emphasis: bool) -> TextStyles:
    """Card type: nothing below SMALLEST; the first face's warning signs one point up."""
    return text_styles(
        setting,
        size,
        small_size=max(SMALLEST, size - 0.5),
        item_size=size + 1 if emphasis else size,
        h1_size=size + 3,
        h2_size=size + 1.5,
        h3_size=size + 1,
        spacing=setting.stack.compact_spacing,
        compact=True,
    )


def sizes(largest: float = LARGEST, smallest: float = SMALLEST) -> list[float]:
    """Nominal sizes to try, largest first."""
    out, size = [], largest
    while size >= smallest - 0.001:
        out.append(round(size, 2))
        size -= STEP
    if out[-1] > smallest + 0.001:
        out.append(round(smallest, 3))
    return out


# --------------------------------------------------------------------------- languages


class Languages:
    """The text setting for each language on the card: the document's own, and any
    other a passage is written in (the care staff's, or the source standing in for a
    missing translation): its direction, its fonts first, then the document's."""

    def __init__(self, document: Document, stack: FontStack, structure: StructureMap | None):
        self.document = document
        self.stack = stack
        self.structure = structure
        self._settings: dict[str, TextSetting] = {}

    def setting(self, lang: str | None) -> TextSetting:
        lang = lang or self.document.lang
        if lang not in self._settings:
            if lang == self.document.lang:
                setting = TextSetting(self.stack, lang, self.document.direction == "rtl", self.structure)
            else:
                own = stack_for(lang)
                setting = TextSetting(combined(own, self.stack), lang,
                                      babel_locale(lang).text_direction == "rtl", self.structure)
            self._settings[lang] = setting
        return self._settings[lang]

    def factor(self, lang: str | None) -> float:
        return SCRIPT_FACTOR.get(stack_for(lang).script if lang else self.stack.script, 1.0)

    def of_block(self, block: Block) -> str | None:
        """The language a block is written in, when all of its catalog text is in one
        language other than the document's (fields: their labels)."""
        if isinstance(block, FieldRow):
            spans = [span for f in block.fields for span in f.label]
        elif isinstance(block, Field):
            spans = list(block.label)
        else:
            spans = [span for span in block_spans(block) if span.key]
        langs = {span.lang or self.document.lang for span in spans if span.text.strip()}
        if len(langs) == 1:
            lang = langs.pop()
            return lang if lang != self.document.lang else None
        return None


# --------------------------------------------------------------------------- faces


class WarningBand(Flowable):
    """The cover's band: white on black with a warning pictogram, square corners, inset
    from the trim (a crooked cut leaves no white wedge and cuts no text)."""

    def __init__(self, callout: Callout, styles: TextStyles):
        super().__init__()
        self.block = callout
        self.rtl = styles.setting.rtl
        self.icon = styles.inverse_h1.fontSize * 1.3
        structure = styles.setting.structure
        self.symbol = structure.figures.get(id(callout)) if structure else None
        self.texts = []
        for index, child in enumerate(callout.blocks):
            style = styles.inverse_h1 if index == 0 and isinstance(child, Heading) else styles.inverse_lead
            self.texts.append(make_text(child.content, style, child, styles.setting))

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        text_width = availWidth - self.icon - 2 * BAND_PADDING - 1.5 * mm
        self.heights = [t.wrap(text_width, availHeight)[1] for t in self.texts]
        self.height = max(sum(self.heights), self.icon) + 2 * BAND_PADDING
        return self.width, self.height

    def getSpaceAfter(self):
        return 1.2 * mm

    def draw(self):
        canvas = self.canv
        with artifact(canvas):
            canvas.saveState()
            canvas.setFillColor(WARNING)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            canvas.restoreState()
        icon_x = self.width - BAND_PADDING - self.icon if self.rtl else BAND_PADDING
        with marked(canvas, self.symbol):
            icons.draw(canvas, "warning", icon_x, self.height - BAND_PADDING - self.icon, self.icon, inverse=True)
        text_x = BAND_PADDING if self.rtl else BAND_PADDING + self.icon + 1.5 * mm
        y = self.height - BAND_PADDING
        for text, h in zip(self.texts, self.heights):
            y -= h
            text.drawOn(canvas, text_x, y)


def _walk(flowables: list[Flowable]) -> Iterator[Flowable]:
    for flowable in flowables:
        yield flowable
        yield from _walk(list(getattr(flowable, "flowables", None) or getattr(flowable, "items", None) or []))


def _face_flowables(section: Section, languages: Languages, nominal: float, emphasis: bool) -> list[Flowable]:
    """Each block set in its own language, at the face's size times its script's factor."""
    out: list[Flowable] = []
    for index, block in enumerate(section.blocks):
        lang = languages.of_block(block)
        size = max(SMALLEST, round(nominal * languages.factor(lang) * 4) / 4)
        styles = card_styles(languages.setting(lang), size, emphasis=emphasis)
        if isinstance(block, Callout) and block.kind == "warning" and index == 0:
            out.append(WarningBand(block, styles))
            continue
        out.extend(block_flowables([block], styles, check_box=CHECK_BOX, field_line=FIELD_LINE,
                                   callout_padding=2 * mm, keep_headings=False,
                                   icon_size=styles.item.leading * ICON_LINES))
    return out


def _measure(flowables: list[Flowable], width: float) -> tuple[list[tuple[float, float]], float]:
    heights = []
    total = 0.0
    for index, flowable in enumerate(flowables):
        _, h = flowable.wrap(width, FACE_HEIGHT * 4)
        before = max(flowables[index - 1].getSpaceAfter(), flowable.getSpaceBefore()) if index else 0.0
        heights.append((h, before))
        total += h + before
    return heights, total


@dataclass
class Face:
    """One face of the card, laid out and ready to draw at any place on the sheet."""

    name: str
    flowables: list[Flowable]
    heights: list[tuple[float, float]]  # (height, space before it)
    size: float  # nominal: text in a script with a factor is set larger
    needed: float  # height of its content
    copy_drawn: Recording | None = field(default=None, repr=False, compare=False)  # the untagged copies' operators

    def draw(self, canvas: Canvas, x: float, y: float, *, rotated: bool = False, tagged: bool = True) -> None:
        """Draw the face; only one copy on the sheet is content, the others are artifacts
        (a screen reader reads the card once, not six times)."""
        canvas.saveState()
        if rotated:
            canvas.translate(x + FACE_WIDTH, y + FACE_HEIGHT)
            canvas.rotate(180)
        else:
            canvas.translate(x, y)
        if tagged:
            self._draw(canvas)
        else:
            with artifact(canvas):  # drawn once, then replayed at each copy's place
                self.copy_drawn = draw_once(canvas, self.copy_drawn, lambda: self._draw(canvas))
        canvas.restoreState()

    def _draw(self, canvas: Canvas) -> None:
        cursor = FACE_HEIGHT - CLEARANCE - INK_MARGIN
        for flowable, (h, before) in zip(self.flowables, self.heights):
            cursor -= before + h
            flowable.drawOn(canvas, CLEARANCE + INK_MARGIN, cursor)


def _culprits(section: Section, count: int = 3) -> list[tuple[str, int]]:
    """The longest texts of a face (key, line), longest first."""
    found = sorted({(len(s.text), s.key, s.where.line if s.where else 0)
                    for s in iter_section_spans(section) if s.key}, reverse=True)
    return [(key, line) for _, key, line in found[:count]]


def layout_face(section: Section, languages: Languages, where: Location, *, emphasis: bool = False,
                known: float | None = None) -> Face:
    """The face at the largest size that fits, or a LayoutError naming its longest texts
    and how much room they lack at the smallest size.

    ``known``: the size this face was found to fit at before (see ``layout_faces``),
    tried first: the sizes above it did not fit then, so they are not tried again."""
    needed = None
    error: LayoutError | None = None
    # A face in a script set larger may go on shrinking until its text reaches SMALLEST too.
    factor = max([languages.factor(languages.of_block(block)) for block in section.blocks] or [1.0])
    candidates = sizes(LARGEST, SMALLEST / factor)
    if known is not None:
        candidates = [known] + [size for size in candidates if size < known]
    for nominal in candidates:
        try:
            flowables = _face_flowables(section, languages, nominal, emphasis)
            heights, needed = _measure(flowables, CONTENT_WIDTH)
        except LayoutError as exc:  # a word too wide at this size: try smaller
            error = exc
            needed = None
            continue
        if needed <= CONTENT_HEIGHT + 0.01:
            return Face(section.name, flowables, heights, nominal, needed)
    if needed is None and error is not None:
        raise error
    for line in (f for f in _walk(flowables) if isinstance(f, FieldLine) and f.stacked):
        # A row too long to stand side by side: its fields take a line each, which the face lacks.
        spans = [span for f in line.fields for span in (*f.value, *f.label) if span.key]
        names = " and ".join(repr(plain_text(f.label)) for f in line.fields)
        span = max(spans, key=lambda sp: (bool(sp.key and sp.key.startswith(PERSON_KEY)), len(sp.text)),
                   default=None)
        raise LayoutError(
            f"the card's {section.name} face does not fit at {SMALLEST:g} pt: the fields {names} do not fit on one "
            f"line of {CONTENT_WIDTH / mm:.1f} mm, and the face has no room for a line each "
            f"({(needed - CONTENT_HEIGHT) / mm:.1f} mm over); shorten {span.key if span else 'them'}",
            (span.where if span else None) or where, span.key if span else None,
        )
    culprits = _culprits(section)
    names = ", ".join(f"{key} (line {line})" if line else key for key, line in culprits)
    key = culprits[0][0] if culprits else None
    span_where = next((s.where for s in iter_section_spans(section) if s.key == key and s.where), None)
    raise LayoutError(
        f"the card's {section.name} face does not fit at {SMALLEST:g} pt: it needs {needed / mm:.1f} mm of "
        f"{CONTENT_HEIGHT / mm:.1f} mm ({(needed - CONTENT_HEIGHT) / mm:.1f} mm over); shorten its longest "
        f"texts: {names}",
        span_where or where, key,
    )


def faces_of(document: Document) -> tuple[Section, ...]:
    faces = document.flow
    if len(faces) not in (2, 4):
        raise LayoutError(f"a wallet card has 2 faces (front, back) or 4 (a bi-fold); the template gives "
                          f"{len(faces)} sections")
    return faces


# The size each face of a document fits at, by (id(document), font stack): each card is
# rendered four times (duplex and fold-over sheet, Letter and A4) from the same document,
# one after another, and finding the size tries up to nine. Only the sizes are kept:
# the flowables are made anew for every sheet, tagged into that sheet's structure tree.
# The document is kept with its sizes, so a new document at a reused id is not taken
# for it; a few entries are enough.
_FACE_SIZES: dict[tuple[int, FontStack], tuple[Document, list[float]]] = {}
_FACE_SIZES_KEPT = 8


def layout_faces(document: Document, languages: Languages, where: Location) -> list[Face]:
    key = (id(document), languages.stack)
    entry = _FACE_SIZES.get(key)
    known = entry[1] if entry is not None and entry[0] is document else None
    faces = [layout_face(section, languages, where, emphasis=index == 0, known=known[index] if known else None)
             for index, section in enumerate(faces_of(document))]
    if known is None:
        if len(_FACE_SIZES) >= _FACE_SIZES_KEPT:
            del _FACE_SIZES[next(iter(_FACE_SIZES))]  # the oldest
        _FACE_SIZES[key] = (document, [face.size for face in faces])
    return faces


# --------------------------------------------------------------------------- form fields


class FormFields:
    """Turns each named field of a face into a form-field widget, in every copy: the
    tagged copy's widget in a Form element beside its label, the other copies' in a
    Form element each at the end of the document (PDF/UA: every widget is tagged)."""

    def __init__(self, tagger: Tagger, document: Document, structure: StructureMap | None):
        self.tagger = tagger
        self.document = document
        self.structure = structure
        self.copies: Node | None = None

    def attach(self, faces: list[Face]) -> None:
        for face in faces:
            for flowable in _walk(face.flowables):
                if isinstance(flowable, FieldLine):
                    flowable.form = functools.partial(self.record, size=face.size, rtl=flowable.rtl)
                    for f, value in zip(flowable.fields, flowable.values):
                        node = getattr(value, "node", None)
                        if f.name and node is not None:  # the value is the form field's, not the label's
                            node.logical.pop(id(f.value), None)
                            value.node = None

    def record(self, canvas: Canvas, f: Field, rect: tuple[float, float, float, float], value: Flowable | None,
               offset: tuple[float, float], *, size: float, rtl: bool) -> None:
        note(canvas, lambda again: self.record(again, f, rect, value, offset, size=size, rtl=rtl))
        a, b, c, d, e, g = canvas._currentMatrix
        x1, y1, x2, y2 = rect
        corners = [(a * x + c * y + e, b * x + d * y + g) for x, y in ((x1, y1), (x2, y2))]
        page_rect = (min(p[0] for p in corners), min(p[1] for p in corners),
                     max(p[0] for p in corners), max(p[1] for p in corners))
        tagged = not self.tagger.suspended
        appearance = b""
        if value is not None:
            saved, recording = canvas._code, getattr(canvas, "_handouts_recording", None)
            canvas._code, canvas._handouts_recording = [], None
            self.tagger.suspended += 1  # the appearance belongs to the widget, not to the page
            try:
                value.drawOn(canvas, *offset)
            finally:
                self.tagger.suspended -= 1
                ops, canvas._code = canvas._code, saved
                canvas._handouts_recording = recording
            appearance = "\n".join(ops).encode("latin-1")
        label_langs = {span.lang for span in f.label if span.text.strip()}
        lang = (label_langs.pop() if len(label_langs) == 1 else None) or self.document.lang
        style = getattr(value, "style", None)
        self.tagger.widgets.append(Widget(
            f.name or "", plain_text(f.label), lang, plain_text(f.value), canvas.getPageNumber() - 1, page_rect,
            appearance, rotated=a < 0, rtl=rtl, font_size=style.fontSize if style is not None else size))
        ref = WidgetRef(len(self.tagger.widgets) - 1)
        form_lang = lang if lang != self.document.lang else None
        node = self.structure.node(f) if self.structure is not None and tagged else None
        if node is None:
            if self.copies is None:
                self.copies = self.tagger.root.add("Div")
            node = self.copies
        node.add("Form", lang=form_lang).kids.append(ref)


# --------------------------------------------------------------------------- the sheet


class QrCode(Flowable):
    """A QR code of an https address, drawn as vectors; tagged as a Figure whose /Alt
    (the figure's text) says what it is."""

    def __init__(self, figure: Figure, size: float, node: Node | None):
        super().__init__()
        self.block = figure
        self.size = size
        self.node = node

    def wrap(self, availWidth, availHeight):
        self.width = self.height = self.size
        return self.width, self.height

    def draw(self):
        widget = QrCodeWidget(self.block.code or "", barLevel="M", barBorder=4, barWidth=self.size,
                              barHeight=self.size, barFillColor=INK)
        drawing = Drawing(self.size, self.size)
        drawing.add(widget)
        with marked(self.canv, self.node):
            icons.draw_shapes(self.canv, drawing, 0, 0)


class Beside(Flowable):
    """A QR code beside its text (on the reading side first)."""

    def __init__(self, code: QrCode, texts: list[Flowable], rtl: bool):
        super().__init__()
        self.code, self.texts, self.rtl = code, texts, rtl
        self.gap = 4 * mm

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.code.wrap(availWidth, availHeight)
        self.heights, total = _measure(self.texts, availWidth - self.code.width - self.gap)
        self.height = max(self.code.height, total)
        return self.width, self.height

    def draw(self):
        code_x = self.width - self.code.width if self.rtl else 0
        self.code.drawOn(self.canv, code_x, self.height - self.code.height)
        text_x = 0 if self.rtl else self.code.width + self.gap
        y = self.height
        for text, (h, before) in zip(self.texts, self.heights):
            y -= before + h
            text.drawOn(self.canv, text_x, y)


class Ruler(Flowable):
    """The reference line: its label, a line of RULER_LENGTH with end ticks, and the
    length written at its end (Babel's number format), so a clinic can check that the
    sheet printed at 100 %. The label stands before the line, or above it if long."""

    def __init__(self, label: Flowable, length: Flowable, rtl: bool):
        super().__init__()
        self.label, self.length, self.rtl = label, length, rtl
        self.tick = 2.5 * mm
        self.gap = 2 * mm

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.length_w = self.length.natural_width() + 1
        self.length.wrap(self.length_w, availHeight)
        label_w = self.label.natural_width() + 1
        self.beside = label_w + RULER_LENGTH + self.length_w + 2 * self.gap <= availWidth
        if self.beside:
            self.label_w = label_w
            _, self.label_h = self.label.wrap(label_w, availHeight)
            self.height = max(self.tick, self.label_h, self.length.height)
        else:
            self.label_w = availWidth
            _, self.label_h = self.label.wrap(availWidth, availHeight)
            self.height = self.label_h + 1.5 * mm + max(self.tick, self.length.height)
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        line_y = min(self.height - self.label_h - 1.5 * mm, self.height) / 2 if not self.beside else self.height / 2
        if self.beside:
            self.label.drawOn(canvas, self.width - self.label_w if self.rtl else 0, line_y - self.label_h / 2)
            start = self.label_w + self.gap
        else:
            self.label.drawOn(canvas, 0, self.height - self.label_h)
            start = 0
        x0 = self.width - start - RULER_LENGTH if self.rtl else start
        with artifact(canvas):
            canvas.saveState()
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.6)
            canvas.line(x0, line_y, x0 + RULER_LENGTH, line_y)
            canvas.line(x0, line_y - self.tick / 2, x0, line_y + self.tick / 2)
            canvas.line(x0 + RULER_LENGTH, line_y - self.tick / 2, x0 + RULER_LENGTH, line_y + self.tick / 2)
            canvas.restoreState()
        length_x = x0 - self.gap - self.length_w if self.rtl else x0 + RULER_LENGTH + self.gap
        self.length.drawOn(canvas, length_x, line_y - self.length.height / 2)


def _length_text(lang: str) -> str:
    """85.6 mm, in the language's number format (85,6 mm)."""
    number = format_decimal(round(RULER_LENGTH / mm, 1), locale=babel_locale(lang))
    return f"\u2066{number}\u00a0mm\u2069"  # left to right in any language


def _notice_flowables(section: Section, languages: Languages, size: float) -> list[Flowable]:
    out: list[Flowable] = []
    blocks = list(section.blocks)
    code = blocks[0] if blocks and isinstance(blocks[0], Figure) and blocks[0].code else None
    rest = blocks[1:] if code else blocks
    texts: list[Flowable] = []
    for block in rest:
        lang = languages.of_block(block)
        setting = languages.setting(lang)
        styles = text_styles(setting, size, small_size=SHEET_SMALL, h1_size=SHEET_TITLE, compact=True)
        texts.extend(block_flowables([block], styles, keep_headings=False, columns=False))
    if code is not None:
        structure = languages.structure
        node = structure.node(code) if structure else None
        out.append(Beside(QrCode(code, QR_SIZE, node), texts, languages.setting(None).rtl))
    elif section.name == "ruler" and texts:
        setting = languages.setting(languages.of_block(rest[0]))
        styles = text_styles(setting, size, small_size=SHEET_SMALL, compact=True)
        node = setting.node(rest[0])
        length = make_text((Span(_length_text(setting.lang)),), styles.small, rest[0], setting, node=node)
        out.append(Ruler(texts[0], length, setting.rtl))
        out.extend(texts[1:])
    else:
        out.extend(texts)
    return out


@dataclass
class SheetPlan:
    """Where everything goes: the imposition, and the notices above and below the cards."""

    imposition: Imposition
    top: list[Flowable]
    top_heights: list[tuple[float, float]]
    bottom: list[Flowable]
    bottom_heights: list[tuple[float, float]]
    bottom_page: int
    bottom_y: float  # top of the bottom notices


def plan_sheet(document: Document, languages: Languages, paper: str, edition: str, where: Location) -> SheetPlan:
    """The imposition with as many copies as fit beside the notices (the duplex sheet
    tries 3 rows, then fewer), or a LayoutError."""
    kind = EDITIONS.get(edition)
    if kind is None:
        raise LayoutError(f"the wallet card has no {edition!r} edition (it has: {', '.join(EDITIONS)})")
    faces = faces_of(document)
    positions = [index for index, s in enumerate(document.sections) if s.kind == "section"]
    first, last = positions[0], positions[-1]
    top_notices, bottom_notices = [], []
    for index, notice in enumerate(document.sections):
        if notice.kind != "notice":
            continue
        unknown = [e for e in notice.editions if e not in IMPOSITIONS]
        if unknown:
            raise LayoutError(f"notice {notice.name!r}: unknown edition {unknown[0]!r} (a card's sheets: "
                              f"{', '.join(IMPOSITIONS)})", where)
        if notice.editions and kind not in notice.editions:
            continue
        (top_notices if index < first else bottom_notices).append(notice)
    page_width, page_height = PAPERS[paper]
    width = page_width - 2 * SHEET_MARGIN_X
    rtl = document.direction == "rtl"
    count = len(faces)
    page_top = page_height - SHEET_MARGIN_Y
    top_total = bottom_total = 0.0
    # As many copies as fit: the instructions may get a little smaller before a row of cards goes.
    rows = (3, 2, 1) if kind == "duplex" else (1,)
    for copies in rows:
        for size in SHEET_SIZES:
            top = [f for n in top_notices for f in _notice_flowables(n, languages, size)]
            bottom = [f for n in bottom_notices for f in _notice_flowables(n, languages, size)]
            top_heights, top_total = _measure(top, width)
            bottom_heights, bottom_total = _measure(bottom, width)
            grid_top = page_top - top_total - (SHEET_GAP if top else 0)
            imposition = duplex(paper, count, rtl=rtl, top=grid_top, rows=copies) if kind == "duplex" \
                else foldover(paper, count, rtl=rtl, top=grid_top)
            if imposition.marks_bottom < SHEET_MARGIN_Y:
                continue
            below = imposition.marks_bottom - SHEET_GAP - SHEET_MARGIN_Y
            last_page = imposition.pages - 1
            if bottom_total <= below + 0.01:
                return SheetPlan(imposition, top, top_heights, bottom, bottom_heights, last_page,
                                 imposition.marks_bottom - SHEET_GAP)
            if imposition.pages > 1 and bottom_total <= top_total + 0.01:  # above the cards on the last page
                return SheetPlan(imposition, top, top_heights, bottom, bottom_heights, last_page, page_top)
    raise LayoutError(f"the card sheet's notices ({top_total / mm:.0f} mm above the cards, {bottom_total / mm:.0f} "
                      f"mm below) do not fit around even one card on {paper} paper; shorten them", where)


def _draw_flowables(canvas: Canvas, flowables: list[Flowable], heights: list[tuple[float, float]], x: float,
                    top: float) -> None:
    y = top
    for flowable, (h, before) in zip(flowables, heights):
        y -= before + h
        flowable.drawOn(canvas, x, y)


def _draw_marks(canvas: Canvas, imposition: Imposition, page: int) -> None:
    with artifact(canvas):
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.3)
        for line in imposition.cut_marks:
            if line.page == page:
                canvas.line(line.x1, line.y1, line.x2, line.y2)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.setDash(2, 2)
        for line in imposition.fold_lines:
            if line.page == page:
                canvas.line(line.x1, line.y1, line.x2, line.y2)
        canvas.restoreState()


def render_card_sheet(document: Document, request: RenderRequest) -> tuple[DrawnPDF, Tagger]:
    apply_patches()
    begin_document()
    stack, paper, info, where = request.stack, request.paper, request.info, request.where
    tagger = Tagger(document.lang)
    structure = plan_structure(document, tagger)
    languages = Languages(document, stack, structure)
    faces = layout_faces(document, languages, where)
    plan = plan_sheet(document, languages, paper, request.edition, where)

    FormFields(tagger, document, structure).attach(faces)
    page_width, page_height = PAPERS[paper]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), invariant=1, lang=info.lang,
                    initialFontName=stack.regular_name,
                    pageCompression=0)  # streams are compressed when the PDF is written (``handouts.pdf.writer``)
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setCreator("handouts")
    canvas.setProducer("handouts (ReportLab)")
    attach(canvas, tagger)
    imposition = plan.imposition
    for page in range(imposition.pages):
        if page == 0:
            _draw_flowables(canvas, plan.top, plan.top_heights, SHEET_MARGIN_X, page_height - SHEET_MARGIN_Y)
        # The first copy is the tagged one: draw it first, in reading order.
        for placement in sorted((p for p in imposition.placements if p.page == page),
                                key=lambda p: (p.copy, p.face)):
            faces[placement.face].draw(canvas, placement.x, placement.y, rotated=placement.rotated,
                                       tagged=placement.copy == 0)
        _draw_marks(canvas, imposition, page)
        if page == plan.bottom_page:
            _draw_flowables(canvas, plan.bottom, plan.bottom_heights, SHEET_MARGIN_X, plan.bottom_y)
        canvas.showPage()
    return drawn(canvas), tagger  # written by the structure pass, not by ReportLab


def face_sizes(document: Document, stack: FontStack) -> dict[str, float]:
    """The nominal type size each face is set at (for tests and the translators' check)."""
    languages = Languages(document, stack, None)
    where = Location(Path(document.lang))
    return {face.name: face.size for face in layout_faces(document, languages, where)}
