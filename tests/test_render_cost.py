"""What makes a PDF cheaper to render must not change a byte of it.

ReportLab's C accelerator (``rl-accel``) and the layout engine's caches (pictogram
operators, text preparations, card face sizes, font look-ups) are shortcuts: each test
here renders with the shortcut and without it (or cold and then warm) and compares
the bytes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from handouts.document import Document
from handouts.kinds import KINDS
from handouts.layout import card, icons
from handouts.layout.fonts import stack_for
from handouts.layout.paper import PdfInfo, RenderRequest
from handouts.pdf.structure import apply_structure
from handouts.pictograms import catalogue
from tests.conftest import PROJECT, ROOT, compose

# Shaped and right-to-left text, pictograms, form fields and four faces (the card);
# Indic shaping over pages (the checklist).
SAMPLES = (("higm", "er-card", "ar", "standard"), ("higm", "er-card", "ar", "foldover"),
           ("higm", "checklist", "hi", "standard"))


def render(document: Document, condition: str, handout: str, locale: str, edition: str = "standard",
           paper: str = "letter") -> bytes:
    """One tagged PDF, as the build renders it (without the build's files and checks)."""
    spec = PROJECT.handout(condition, handout)
    request = RenderRequest(stack_for(locale), paper, PdfInfo("title", "author", "subject", locale), None,
                            pages=spec.pages, layout=spec.layout, edition=edition)
    pdf, tagger = KINDS[spec.kind].render()(document, request)
    return apply_structure(pdf, tagger, title="title")


# In a fresh process (ReportLab numbers the glyphs that have no Unicode value in the
# order a process first shapes them), with or without the C accelerator: each sample
# rendered twice from one composed document, the second time with every cache warm.
_RENDER_IN_CHILD = """
import json, sys
if sys.argv[1] == "python":
    sys.modules["_rl_accel"] = None  # as ReportLab's own benchmark does: its pure-Python functions
from reportlab.lib import rl_accel
from tests.conftest import compose
from tests.test_render_cost import SAMPLES, render
out = {"accelerator": "c" if rl_accel._c_funcs else "python", "pdfs": []}
documents = {}
for condition, handout, locale, edition in SAMPLES:
    document = documents.setdefault((condition, handout, locale), compose(condition, handout, locale))
    cold = render(document, condition, handout, locale, edition)
    warm = render(document, condition, handout, locale, edition)
    out["pdfs"].append([cold.hex(), warm.hex()])
print(json.dumps(out))
"""


def _render_in_child(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", _RENDER_IN_CHILD, mode], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def accelerated() -> dict:
    return _render_in_child("c")


def test_the_c_accelerator_and_reportlabs_python_fallback_give_the_same_bytes(accelerated):
    pytest.importorskip("_rl_accel")
    fallback = _render_in_child("python")
    assert (accelerated["accelerator"], fallback["accelerator"]) == ("c", "python")
    for sample, (fast, slow) in zip(SAMPLES, zip(accelerated["pdfs"], fallback["pdfs"])):
        assert fast[0] == slow[0], sample


def test_a_warm_render_gives_the_bytes_of_a_cold_one(accelerated):
    """The second render of a document finds its card face sizes, text preparations,
    shapes and pictograms cached: the PDF is the same, byte for byte."""
    for sample, (cold, warm) in zip(SAMPLES, accelerated["pdfs"]):
        assert cold == warm, sample


def test_a_card_is_laid_out_at_its_sizes_once_per_document():
    document = compose("higm", "er-card", "en")
    stack = stack_for("en")
    render(document, "higm", "er-card", "en")
    entry = card._FACE_SIZES[(id(document), stack)]
    assert entry[0] is document and len(entry[1]) == len(card.faces_of(document))
    # Another document (here: the same texts composed again) is laid out afresh.
    other = compose("higm", "er-card", "en")
    assert card.face_sizes(other, stack) == dict(zip([f.name for f in card.faces_of(other)], entry[1]))
    assert render(other, "higm", "er-card", "en", paper="a4") == render(document, "higm", "er-card", "en",
                                                                        paper="a4")


def _renderer_operators(name: str, inverse: bool, prepare=None) -> list[str]:
    """What ReportLab's renderer itself writes for a pictogram, drawn as ``icons.draw`` places it."""
    canvas = Canvas(io.BytesIO(), invariant=1)
    if prepare:
        prepare(canvas)
    start = len(canvas._code)
    drawing = icons._drawing(name, inverse)
    canvas.saveState()
    canvas.translate(10, 20)
    canvas.scale(24 / drawing.width, 24 / drawing.width)
    icons._ShapesOnly().draw(drawing, canvas, 0, 0, showBoundary=False)
    canvas.restoreState()
    return canvas._code[start:]


def _drawn_operators(name: str, inverse: bool, prepare=None) -> list[str]:
    canvas = Canvas(io.BytesIO(), invariant=1)
    if prepare:
        prepare(canvas)
    start = len(canvas._code)
    icons.draw(canvas, name, 10, 20, 24, inverse=inverse)
    return canvas._code[start:]


@pytest.mark.parametrize("inverse", [False, True])
def test_every_pictogram_replays_exactly_what_reportlabs_renderer_writes(inverse):
    for name in catalogue():
        assert icons._operators(name, inverse), f"{name}: no operators recorded"
        assert _drawn_operators(name, inverse) == _renderer_operators(name, inverse), name


def test_a_pictogram_on_a_canvas_with_transparency_is_drawn_by_the_renderer():
    """The recorded operators assume no transparency is set: with one set, the renderer
    draws (and writes the graphics state that undoes it), as before."""
    def half_transparent(canvas):
        canvas.setFillAlpha(0.5)

    drawn = _drawn_operators("thermometer", False, half_transparent)
    assert drawn == _renderer_operators("thermometer", False, half_transparent)
    assert any(op.endswith(" gs") for op in drawn)


def test_no_pictogram_stroke_or_fill_is_left_outside_marked_content():
    """Replayed operators sit where the renderer's did: inside the artifact (or the
    figure's marked content) drawn around them, never loose in the page."""
    document = compose("higm", "checklist", "en")
    with pikepdf.open(io.BytesIO(render(document, "higm", "checklist", "en"))) as pdf:
        for page in pdf.pages:
            depth, loose = 0, 0
            for _, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                depth += op in ("BDC", "BMC")
                depth -= op == "EMC"
                loose += depth == 0 and op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*")
            assert loose == 0
