"""Pictograms drawn into the PDF as vectors: sharp at any size, tiny, no text inside.

svglib turns each SVG (see ``handouts.pictograms``) into ReportLab drawing operations;
drawn inverted (white on black, as on the card's band), ink and paper swap.

ReportLab's renderer walks the drawing's tree on every call, and a build draws the
same few dozen pictograms thousands of times. So each (pictogram, ink) is rendered
once, on a scratch canvas, and the content-stream operators it wrote are replayed
wherever it is drawn, inside the same ``q ... Q`` and scaling: the page gets exactly
the bytes the renderer would have written. The caller's tagging (an artifact, or
marked content around the call) is untouched.
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


@lru_cache(maxsize=None)
def _operators(name: str, inverse: bool) -> tuple[str, ...]:
    """The operators ReportLab's renderer writes for the pictogram at its own size, or
    () when they name a resource of the page (a colour space, a transparency state:
    those belong to one document, and the house style has none).

    They depend on nothing of the canvas they are drawn on (every colour, line width,
    dash, cap, join and fill rule is set by the renderer inside its own ``q ... Q``),
    except its transparency state, which ``draw`` checks."""
    scratch = Canvas(io.BytesIO(), invariant=1)
    _ShapesOnly().draw(_drawing(name, inverse), scratch, 0, 0, showBoundary=False)
    operators = tuple(scratch._code)
    return () if any("/" in op for op in operators) else operators


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
    operators = _operators(name, inverse)
    # A transparency or overprint set on the canvas would make the renderer write a
    # graphics state to undo it: then it draws, as it did before the recording.
    if operators and not canvas._extgstate._d:
        canvas._code.extend(operators)
    else:
        _ShapesOnly().draw(source, canvas, 0, 0, showBoundary=False)
    canvas.restoreState()


def draw_shapes(canvas: Canvas, drawing: Drawing, x: float, y: float) -> None:
    """Draw a ReportLab drawing made of shapes only (a QR code) at (x, y)."""
    _ShapesOnly().draw(drawing, canvas, x, y, showBoundary=False)
