"""Pictograms drawn into the PDF as vectors: sharp at any size, tiny, no text inside.

svglib turns each SVG (see ``handouts.pictograms``) into ReportLab drawing operations;
drawn inverted (white on black, as on the card's band), ink and paper swap.

ReportLab's renderer walks the drawing's tree on every call, and a build draws the
same few dozen pictograms thousands of times. So each (pictogram, ink) is rendered
once, on a scratch canvas, and the content-stream operators it wrote are replayed
wherever it is drawn, inside the same ``q ... Q`` and scaling: the page gets exactly
the bytes the renderer would have written. The caller's tagging (an artifact, or
marked content around the call) is untouched. A build keeps the recorded operators on
disk too (``keep_operators_in``: the project's cache), so a new process does not read
the SVGs again (svglib takes milliseconds a pictogram).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from handouts.errors import TemplateError
from handouts.files import read_cached, write_cached
from handouts.pictograms import icon

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

_KEPT_IN: Path | None = None  # where recorded operators are kept between processes


def keep_operators_in(folder: Path | None) -> None:
    """Keep the operators recorded for each pictogram in ``folder`` (None: in memory only)."""
    global _KEPT_IN
    _KEPT_IN = folder


@lru_cache(maxsize=1)
def _renderer_class():
    """ReportLab's renderer without its font set-up: a pictogram has no text, and a font
    selected for nothing would be an unembedded font outside any tagged content.
    (Made when first needed: a build whose pictograms are all recorded never imports
    ReportLab's graphics.)"""
    from reportlab.graphics import renderPDF

    class ShapesOnly(renderPDF._PDFRenderer):
        def applyStateChanges(self, delta, newState):
            super().applyStateChanges({k: v for k, v in delta.items() if k not in ("fontName", "fontSize")},
                                      newState)

    return ShapesOnly


def _ShapesOnly():
    return _renderer_class()()


@lru_cache(maxsize=None)
def _drawing(name: str, inverse: bool) -> "Drawing":
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


@lru_cache(maxsize=1)
def _recorder_version() -> str:
    """What the recorded operators depend on besides the SVG: this module and the libraries."""
    from handouts.fingerprints import installed_versions

    found = installed_versions(("reportlab", "svglib"))
    versions = [found.get(name) for name in ("reportlab", "svglib")]
    return hashlib.sha256(Path(__file__).read_bytes() + repr(versions).encode()).hexdigest()


@lru_cache(maxsize=None)
def _recorded(name: str, inverse: bool) -> tuple[float, tuple[str, ...]]:
    """The pictogram's own width and its operators (``_operators``), from the disk cache
    when a build recorded them before for the same SVG bytes."""
    path = None
    if _KEPT_IN is not None:
        key = hashlib.sha256(b"%s\0%d\0" % (_recorder_version().encode(), inverse) + icon(name).path.read_bytes())
        path = _KEPT_IN / f"{key.hexdigest()}.json"
        data = read_cached(path)
        if data is not None:
            try:
                width, operators = json.loads(data)
                return float(width), tuple(operators)
            except (ValueError, TypeError):  # another format: recorded again
                pass
    recorded = (float(_drawing(name, inverse).width), _operators(name, inverse))
    if path is not None:
        write_cached(path, json.dumps(recorded).encode("utf-8"))
    return recorded


def draw(canvas: Canvas, name: str, x: float, y: float, size: float, *, inverse: bool = False,
         mirror: bool = False) -> None:
    """Draw pictogram ``name`` in a ``size`` square whose lower left corner is (x, y).

    ``mirror``: the layout runs right to left; a picture with a direction is flipped."""
    width, operators = _recorded(name, inverse)
    scale = size / width
    flip = mirror and icon(name).directional
    canvas.saveState()
    canvas.translate(x + (size if flip else 0), y)
    canvas.scale(-scale if flip else scale, scale)
    # A transparency or overprint set on the canvas would make the renderer write a
    # graphics state to undo it: then it draws, as it did before the recording.
    if operators and not canvas._extgstate._d:
        canvas._code.extend(operators)
    else:
        _ShapesOnly().draw(_drawing(name, inverse), canvas, 0, 0, showBoundary=False)
    canvas.restoreState()


def draw_shapes(canvas: Canvas, drawing: "Drawing", x: float, y: float) -> None:
    """Draw a ReportLab drawing made of shapes only (a QR code) at (x, y)."""
    _ShapesOnly().draw(drawing, canvas, x, y, showBoundary=False)
