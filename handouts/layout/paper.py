"""What every layout needs to know about the PDF it makes: paper, metadata, the request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, LETTER

from handouts.errors import Location
from handouts.layout.fonts import FontStack

PAPERS = {"letter": LETTER, "a4": A4}


@dataclass(frozen=True)
class PdfInfo:
    """Document information written into every PDF."""

    title: str
    author: str
    subject: str
    lang: str


@dataclass(frozen=True)
class RenderRequest:
    """One PDF to lay out: the fonts, the paper, the metadata, where errors point, and the
    handout's layout rules from the manifest."""

    stack: FontStack
    paper: str
    info: PdfInfo
    where: Location  # the catalog file a layout error names when no text is to blame
    pages: int | None = None  # the pages the handout is designed for (more if its text needs them)
    large_print: bool = False
    layout: Mapping[str, float] = field(default_factory=dict)  # the handout's overrides of the layout policy
    edition: str = "standard"  # the kind's edition (the card: "standard" duplex sheet, or "foldover")
