"""The wallet-size ER card (ID-1, 85.6 x 54 mm), printed six to a sheet for duplex.

Page 1 holds six fronts, page 2 six backs at mirrored positions, so a sheet printed on
both sides (flipped on the long edge) lines up. Cut marks sit outside the card area.
Each panel is set at the largest size from 8.5 pt down to 7 pt at which it fits; a
translation that does not fit even at 7 pt stops the build and names its longest texts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from handouts.document import Callout, Document, Heading, Section, iter_section_spans
from handouts.errors import LayoutError, Location
from handouts.layout import icons
from handouts.layout.flowables import block_flowables, make_text
from handouts.layout.fonts import FontStack
from handouts.layout.paper import PAPERS, RenderRequest
from handouts.layout.rl_patches import apply_patches
from handouts.layout.styles import INK, WARNING, TextSetting, TextStyles, text_styles
from handouts.pdf.tags import Tagger, artifact, attach, marked, plan_structure

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD_PADDING = 3 * mm
CARD_CORNER = 3.18 * mm  # ISO/IEC 7810 corner radius
OUTLINE = HexColor("#9AA5AA")
CARD_SIZES = (8.5, 8.25, 8, 7.75, 7.5, 7.25, 7)  # tried largest first; 7 pt is the floor
COLUMNS, ROWS = 2, 3
GAP_X, GAP_Y = 10 * mm, 8 * mm
MARK_LENGTH, MARK_OFFSET = 4 * mm, 1.5 * mm
SHEET_MARGIN = 18 * mm


def card_styles(setting: TextSetting, size: float, *, front: bool) -> TextStyles:
    """Card type: the warning signs one point above body, nothing below 7 pt."""
    return text_styles(
        setting,
        size,
        small_size=max(7.0, size - 0.5),
        item_size=size + 1 if front else size,
        h1_size=size + 4,
        h2_size=size + 1.5,
        h3_size=size + 1.5,
        spacing=max(1.2, setting.stack.spacing - 0.25),
        compact=True,
    )


class WarningBand(Flowable):
    """The card's top band: white on black with a warning pictogram, edge to edge."""

    def __init__(self, callout: Callout, styles: TextStyles, *, bleed: float):
        super().__init__()
        self.block = callout
        self.bleed = bleed
        self.rtl = styles.setting.rtl
        self.icon = styles.inverse_h1.fontSize * 1.25
        structure = styles.setting.structure
        self.symbol = structure.figures.get(id(callout)) if structure else None
        self.texts = []
        for index, child in enumerate(callout.blocks):
            style = styles.inverse_h1 if index == 0 and isinstance(child, Heading) else styles.inverse_lead
            self.texts.append(make_text(child.content, style, child, styles.setting))

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        text_width = availWidth - self.icon - 2 * mm
        self.heights = [t.wrap(text_width, availHeight)[1] for t in self.texts]
        self.height = max(sum(self.heights), self.icon) + 2 * self.bleed
        return self.width, self.height

    def getSpaceAfter(self):
        return 1.2 * mm

    def draw(self):
        canvas = self.canv
        with artifact(canvas):
            canvas.saveState()
            canvas.setFillColor(WARNING)
            # Bleed to the card's edges: the band is the card's top, not a box on it.
            canvas.rect(-CARD_PADDING, 0, self.width + 2 * CARD_PADDING, self.height + CARD_PADDING, stroke=0, fill=1)
            canvas.restoreState()
        icon_x = self.width - self.icon if self.rtl else 0
        with marked(canvas, self.symbol):
            icons.draw(canvas, "warning", icon_x, self.height - self.bleed - self.icon, self.icon, inverse=True)
        x = 0 if self.rtl else self.icon + 2 * mm
        y = self.height - self.bleed
        for text, h in zip(self.texts, self.heights):
            y -= h
            text.drawOn(canvas, x, y)


@dataclass
class Panel:
    """One side of the card, laid out and ready to draw at any position."""

    name: str
    flowables: list[Flowable]
    heights: list[tuple[float, float]]  # (height, space before it)
    size: float

    def draw(self, canvas: Canvas, x: float, y: float, *, tagged: bool = True) -> None:
        """Draw the panel; only one copy on the sheet is content, the others are artifacts
        (a screen reader reads the card once, not six times)."""
        if tagged:
            self._draw(canvas, x, y)
        else:
            with artifact(canvas):
                self._draw(canvas, x, y)

    def _draw(self, canvas: Canvas, x: float, y: float) -> None:
        with artifact(canvas):
            # A hairline outline with the card's rounded corners, as a guide for scissors.
            canvas.saveState()
            canvas.setStrokeColor(OUTLINE)
            canvas.setLineWidth(0.3)
            canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, CARD_CORNER, stroke=1, fill=0)
            canvas.restoreState()
        canvas.saveState()
        clip = canvas.beginPath()
        clip.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, CARD_CORNER)
        canvas.clipPath(clip, stroke=0, fill=0)
        cursor = y + CARD_HEIGHT - CARD_PADDING
        for flowable, (h, before) in zip(self.flowables, self.heights):
            cursor -= before + h
            flowable.drawOn(canvas, x + CARD_PADDING, cursor)
        canvas.restoreState()


def _panel_flowables(section: Section, styles: TextStyles) -> list[Flowable]:
    out: list[Flowable] = []
    rest = []
    for block in section.blocks:
        if isinstance(block, Callout) and block.kind == "warning" and not out and not rest:
            out.append(WarningBand(block, styles, bleed=1.2 * mm))
        else:
            rest.append(block)
    out.extend(
        block_flowables(rest, styles, check_box=3.5 * mm, field_line=5 * mm, callout_padding=2 * mm,
                        keep_headings=False)
    )
    return out


def _measure(flowables: list[Flowable], width: float) -> tuple[list[tuple[float, float]], float]:
    heights = []
    total = 0.0
    for index, flowable in enumerate(flowables):
        _, h = flowable.wrap(width, CARD_HEIGHT * 4)
        before = 0.0
        if index:
            before = max(flowables[index - 1].getSpaceAfter(), flowable.getSpaceBefore())
        heights.append((h, before))
        total += h + before
    return heights, total


def layout_panel(section: Section, setting: TextSetting, source_file: Location) -> Panel:
    """The panel at the largest type size that fits the card, or a LayoutError."""
    width = CARD_WIDTH - 2 * CARD_PADDING
    available = CARD_HEIGHT - 2 * CARD_PADDING
    needed = 0.0
    for size in CARD_SIZES:
        styles = card_styles(setting, size, front=section.name == "front")
        flowables = _panel_flowables(section, styles)
        heights, needed = _measure(flowables, width)
        if needed <= available + 0.01:
            return Panel(section.name, flowables, heights, size)
    longest = sorted(
        {(len(s.text), s.key, s.where.line if s.where else 0) for s in iter_section_spans(section) if s.key},
        reverse=True,
    )[:3]
    names = ", ".join(f"{key} (line {line})" for _, key, line in longest)
    raise LayoutError(
        f"the ER card {section.name} does not fit at {CARD_SIZES[-1]:g} pt: it needs {needed / mm:.1f} mm "
        f"of {available / mm:.1f} mm; shorten the longest texts: {names}",
        source_file,
    )


def card_positions(paper: str, *, back: bool) -> list[tuple[float, float]]:
    """Lower-left corners of the cards, in reading order; backs mirror fronts."""
    page_width, page_height = PAPERS[paper]
    grid_width = COLUMNS * CARD_WIDTH + (COLUMNS - 1) * GAP_X
    grid_height = ROWS * CARD_HEIGHT + (ROWS - 1) * GAP_Y
    left = (page_width - grid_width) / 2
    bottom = (page_height - grid_height) / 2
    positions = []
    for row in range(ROWS):
        for column in range(COLUMNS):
            x = left + column * (CARD_WIDTH + GAP_X)
            if back:  # flipped on the long edge: left and right swap
                x = page_width - x - CARD_WIDTH
            y = bottom + (ROWS - 1 - row) * (CARD_HEIGHT + GAP_Y)
            positions.append((x, y))
    return positions


def draw_cut_marks(canvas: Canvas, positions: list[tuple[float, float]]) -> None:
    """Thin marks outside the grid, in line with every card edge."""
    xs = sorted({x for x, _ in positions} | {x + CARD_WIDTH for x, _ in positions})
    ys = sorted({y for _, y in positions} | {y + CARD_HEIGHT for _, y in positions})
    with artifact(canvas):
        _draw_marks(canvas, xs, ys)


def _draw_marks(canvas: Canvas, xs: list[float], ys: list[float]) -> None:
    top, bottom, left, right = ys[-1], ys[0], xs[0], xs[-1]
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.3)
    for x in xs:
        canvas.line(x, top + MARK_OFFSET, x, top + MARK_OFFSET + MARK_LENGTH)
        canvas.line(x, bottom - MARK_OFFSET, x, bottom - MARK_OFFSET - MARK_LENGTH)
    for y in ys:
        canvas.line(left - MARK_OFFSET, y, left - MARK_OFFSET - MARK_LENGTH, y)
        canvas.line(right + MARK_OFFSET, y, right + MARK_OFFSET + MARK_LENGTH, y)
    canvas.restoreState()


def _draw_notice(canvas: Canvas, section: Section, styles: TextStyles, x: float, top: float, width: float,
                 limit: float, source_file: Location) -> float:
    """Draw a notice downwards from ``top``; returns the y where it ended."""
    flowables = block_flowables(section.blocks, styles, keep_headings=False)
    heights, total = _measure(flowables, width)
    if top - total < limit:
        raise LayoutError(f"the card sheet's {section.name} text does not fit around the cards", source_file)
    y = top
    for flowable, (h, before) in zip(flowables, heights):
        y -= before + h
        flowable.drawOn(canvas, x, y)
    return y


def render_card_sheet(document: Document, request: RenderRequest) -> tuple[bytes, Tagger]:
    apply_patches()
    stack, paper, info, source_file = request.stack, request.paper, request.info, request.where
    tagger = Tagger(document.lang)
    setting = TextSetting(stack, document.lang, document.direction == "rtl", plan_structure(document, tagger))
    front = layout_panel(document.section("front"), setting, source_file)
    back = layout_panel(document.section("back"), setting, source_file)
    page_width, page_height = PAPERS[paper]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), invariant=1, lang=info.lang,
                    initialFontName=stack.regular_name, pageCompression=1)
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setCreator("handouts")
    canvas.setProducer("handouts (ReportLab)")
    attach(canvas, tagger)
    sheet_styles = text_styles(setting, 11, small_size=9.5, h1_size=16)
    fronts = card_positions(paper, back=False)
    backs = card_positions(paper, back=True)
    grid_top = max(y for _, y in fronts) + CARD_HEIGHT
    grid_bottom = min(y for _, y in fronts)
    text_width = page_width - 2 * SHEET_MARGIN
    notices = {section.name: section for section in document.notices}

    # Page 1: how to use the sheet, the fronts, then source and status.
    if "sheet" in notices:
        _draw_notice(canvas, notices["sheet"], sheet_styles, SHEET_MARGIN, page_height - 14 * mm, text_width,
                     grid_top + MARK_OFFSET + MARK_LENGTH + 2 * mm, source_file)
    for index, (x, y) in enumerate(fronts):
        front.draw(canvas, x, y, tagged=index == 0)
    draw_cut_marks(canvas, fronts)
    if "about" in notices:
        _draw_notice(canvas, notices["about"], sheet_styles, SHEET_MARGIN,
                     grid_bottom - MARK_OFFSET - MARK_LENGTH - 4 * mm, text_width, 8 * mm, source_file)
    canvas.showPage()

    # Page 2: the backs, mirrored for a long-edge duplex flip.
    for index, (x, y) in enumerate(backs):
        back.draw(canvas, x, y, tagged=index == 0)
    draw_cut_marks(canvas, backs)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), tagger


def panel_sizes(document: Document, stack: FontStack) -> dict[str, float]:
    """The type size each panel is set at (for tests and the translators' check)."""
    setting = TextSetting(stack, document.lang, document.direction == "rtl")
    where = Location(Path(document.lang))
    return {name: layout_panel(document.section(name), setting, where).size for name in ("front", "back")}
