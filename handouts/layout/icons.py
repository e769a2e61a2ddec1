"""Pictograms drawn as vectors: sharp at any size, tiny in the PDF, no text inside."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from handouts.layout.styles import INK, PAPER


def _warning(canvas: Canvas, x: float, y: float, size: float, ink: Color, paper: Color) -> None:
    """A filled triangle with an exclamation mark cut out of it."""
    path = canvas.beginPath()
    inset = size * 0.04
    path.moveTo(x + size / 2, y + size - inset)
    path.lineTo(x + size - inset, y + size * 0.1)
    path.lineTo(x + inset, y + size * 0.1)
    path.close()
    canvas.setFillColor(ink)
    canvas.setStrokeColor(ink)
    canvas.setLineJoin(1)
    canvas.setLineWidth(size * 0.06)
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillColor(paper)
    bar_w = size * 0.1
    canvas.roundRect(x + size / 2 - bar_w / 2, y + size * 0.38, bar_w, size * 0.34, bar_w / 2, stroke=0, fill=1)
    canvas.circle(x + size / 2, y + size * 0.25, bar_w * 0.62, stroke=0, fill=1)


ICONS: dict[str, Callable[[Canvas, float, float, float, Color, Color], None]] = {
    "warning": _warning,
}


def draw(canvas: Canvas, name: str, x: float, y: float, size: float, *, inverse: bool = False,
         mirror: bool = False) -> None:
    """Draw pictogram ``name`` in a ``size`` square whose lower left corner is (x, y)."""
    ink, paper = (PAPER, INK) if inverse else (INK, PAPER)
    canvas.saveState()
    ICONS[name](canvas, x, y, size, ink, paper)
    canvas.restoreState()
