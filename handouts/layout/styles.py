"""Type sizes, colours and spacing: the look of the handouts in one place.

Page sizes come from the layout policy (``policy.yaml``: body 12 pt or more, scaled per
script), line spacing from the font stack (1.3 for Latin, more for tall scripts),
headings bold and clearly larger; the card's smallest text 7 pt with the warning signs
larger. Colours are dark enough to pass 7:1 on white and print as solid
greys on a black-and-white printer; meaning never rests on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from handouts.layout.fonts import FontStack
from handouts.pdf.tags import Node, StructureMap

INK = HexColor("#111111")  # body text: 18.9:1 on white
ACCENT = HexColor("#0B4F6C")  # headings and rules: 9.0:1 on white
TINT = HexColor("#E8F1F5")  # background of information boxes: ink on it is 16.9:1
RULE = HexColor("#5A6B73")  # decorative rules and field lines
WARNING = HexColor("#000000")
PAPER = white

LINE_SPACING = 1.3


@dataclass(frozen=True)
class TextSetting:
    """How text is set for a document: its font stack, language and direction."""

    stack: FontStack
    lang: str
    rtl: bool = False
    structure: StructureMap | None = None  # where drawn content is tagged; None when only measuring

    def node(self, block) -> Node | None:
        return self.structure.node(block) if self.structure is not None and block is not None else None


@dataclass(frozen=True)
class TextStyles:
    """Paragraph styles for one body size; everything else scales from it."""

    body: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    action: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    inverse_h1: ParagraphStyle  # white on the black warning band
    inverse_lead: ParagraphStyle
    item: ParagraphStyle  # list items (the card's warning signs are larger than body)
    label: ParagraphStyle
    size: float
    setting: TextSetting

    def heading(self, level: int) -> ParagraphStyle:
        return {1: self.h1, 2: self.h2}.get(level, self.h3)

    def paragraph(self, style: str) -> ParagraphStyle:
        return {"lead": self.lead, "small": self.small, "action": self.action}.get(style, self.body)


@lru_cache(maxsize=4096)
def _paragraph_style(name: str, face: str, size: float, leading: float, color: Color, align: int, before: float,
                     after: float) -> ParagraphStyle:
    """A paragraph style, made once for its values (every card face tries a dozen sizes,
    in every document; ReportLab's styles take their keywords one by one). Styles are
    never changed once made, so documents share them."""
    return ParagraphStyle(name, fontName=face, fontSize=size, leading=leading, textColor=color, alignment=align,
                          spaceBefore=before, spaceAfter=after, allowWidows=0, allowOrphans=0, splitLongWords=0,
                          hyphenationLang=None)


def text_styles(
    setting: TextSetting,
    size: float,
    *,
    small_size: float | None = None,
    lead_size: float | None = None,
    item_size: float | None = None,
    h1_size: float | None = None,
    h2_size: float | None = None,
    h3_size: float | None = None,
    spacing: float | None = None,
    compact: bool = False,
) -> TextStyles:
    """Styles for a body ``size`` in the setting's primary font family."""
    font = setting.stack.name
    bold = f"{font}-Bold"
    align = TA_RIGHT if setting.rtl else TA_LEFT
    spacing = spacing or max(LINE_SPACING, setting.stack.spacing)
    gap = 0.5 if compact else 1.0  # space between blocks, as a share of the usual
    tall = max(1.0, setting.stack.spacing / LINE_SPACING)  # tall marks need taller heading lines too

    def style(name: str, fontsize: float, *, face: str = font, color: Color = INK, before: float = 0,
              after: float | None = None, leading: float | None = None) -> ParagraphStyle:
        return _paragraph_style(name, face, fontsize, leading or round(fontsize * spacing, 2), color, align,
                                before * gap, (fontsize * 0.4 if after is None else after) * gap)

    small = small_size or max(size * 0.85, 7)
    item = item_size or size
    h1 = h1_size or size * 1.6
    h2 = h2_size or size * 1.3
    return TextStyles(
        body=style("body", size),
        lead=style("lead", lead_size or size * 1.12),
        small=style("small", small, after=small * 0.3),
        action=style("action", size, face=bold),
        h1=style("h1", h1, face=bold, color=ACCENT, after=size * 0.35, leading=h1 * 1.2 * tall),
        h2=style("h2", h2, face=bold, color=ACCENT, before=size * 0.5, after=size * 0.25, leading=h2 * 1.2 * tall),
        h3=style("h3", h3_size or size * 1.1, face=bold, color=ACCENT, before=size * 0.4, after=size * 0.2,
                 leading=(h3_size or size * 1.1) * 1.2 * tall),
        inverse_h1=style("inverse_h1", h1, face=bold, color=PAPER, after=0, leading=h1 * 1.15 * tall),
        inverse_lead=style("inverse_lead", size, color=PAPER, after=0),
        item=style("item", item, after=item * 0.2),
        label=style("label", small, color=INK, after=0),
        size=size,
        setting=setting,
    )
