"""Pictograms drawn into the PDF as vectors: sharp at any size, tiny, no text inside.

svglib turns each SVG (see ``handouts.pictograms``) into ReportLab drawing operations;
drawn inverted (white on black, as on the card's band), ink and paper swap.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas

from handouts.errors import TemplateError
from handouts.pictograms import icon


class _ShapesOnly(renderPDF._PDFRenderer):
    """ReportLab's renderer without its font set-up: a pictogram has no text, and a font
    selected for nothing would be an unembedded font outside any tagged content."""

    def applyStateChanges(self, delta, newState):
        super().applyStateChanges({k: v for k, v in delta.items() if k not in ("fontName", "fontSize")}, newState)


@lru_cache(maxsize=None)
def _drawing(name: str, inverse: bool) -> Drawing:
    from svglib.svglib import svg2rlg

    text = icon(name).path.read_text(encoding="utf-8")
    if inverse:  # ink and paper swap: white lines on the black band
        text = text.replace("#000", "#__ink__").replace("#fff", "#000").replace("#__ink__", "#fff")
    logging.getLogger("svglib.svglib").setLevel(logging.ERROR)
    drawing = svg2rlg(io.StringIO(text))
    if drawing is None:  # pragma: no cover - the house style is checked by scripts/icons/check_icons.py
        raise TemplateError(f"pictogram {name!r} could not be read")
    return drawing


def draw(canvas: Canvas, name: str, x: float, y: float, size: float, *, inverse: bool = False,
         mirror: bool = False) -> None:
    """Draw pictogram ``name`` in a ``size`` square whose lower left corner is (x, y).

    ``mirror``: the layout runs right to left; a picture with a direction is flipped."""
    source = _drawing(name, inverse)
    scale = size / source.width
    flip = mirror and icon(name).directional
    canvas.saveState()
    canvas.translate(x + (size if flip else 0), y)
    canvas.scale(-scale if flip else scale, scale)
    _ShapesOnly().draw(source, canvas, 0, 0, showBoundary=False)
    canvas.restoreState()


def draw_shapes(canvas: Canvas, drawing: Drawing, x: float, y: float) -> None:
    """Draw a ReportLab drawing made of shapes only (a QR code) at (x, y)."""
    _ShapesOnly().draw(drawing, canvas, x, y, showBoundary=False)
