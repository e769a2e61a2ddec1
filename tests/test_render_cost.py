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


def test_a_card_sheet_with_its_copies_replayed_is_the_sheet_drawn_copy_by_copy(monkeypatch):
    """The untagged copies of a face replay the first copy's operators, links and form
    widgets: the bytes of drawing every copy (duplex, six copies; fold-over; right to left)."""
    samples = [("higm", "er-card", "ar", "standard", "letter"), ("higm", "er-card", "en", "foldover", "a4"),
               ("cgd", "er-card", "hi", "standard", "a4")]
    replayed = [render(compose(c, h, loc), c, h, loc, edition, paper) for c, h, loc, edition, paper in samples]

    def draw_every_copy(canvas, recording, draw):
        draw()
        return None

    monkeypatch.setattr(card, "draw_once", draw_every_copy)
    drawn = [render(compose(c, h, loc), c, h, loc, edition, paper) for c, h, loc, edition, paper in samples]
    for sample, fast, slow in zip(samples, replayed, drawn):
        assert fast == slow, sample
    with pikepdf.open(io.BytesIO(replayed[0])) as pdf:  # a widget in each of the sheet's copies
        widgets = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
        assert len(widgets) >= 6 and len({tuple(map(float, w.Rect)) for w in widgets}) == len(widgets)


def test_font_files_are_compressed_once_and_saved_as_they_are():
    """Font files reach the writer compressed, with their /Filter, and are written as
    they are (not compressed again); a subset made again in the same process (the A4
    twin of a Letter handout) comes from the process's caches, and the PDF is the one
    made without them."""
    from handouts.layout import rl_patches
    from handouts.pdf.writer import flate

    document = compose("higm", "overview", "zh-Hant")
    letter = render(document, "higm", "overview", "zh-Hant")
    made = len(rl_patches._SUBSETS)
    again = render(document, "higm", "overview", "zh-Hant")
    assert again == letter and len(rl_patches._SUBSETS) == made  # nothing made twice
    rl_patches._SUBSETS.clear()
    rl_patches._COMPRESSED.clear()
    assert render(document, "higm", "overview", "zh-Hant") == letter
    with pikepdf.open(io.BytesIO(letter)) as pdf:
        files = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o]
        assert files
        for stream in files:
            assert stream.Filter == pikepdf.Name.FlateDecode  # a name, not an array
            assert stream.read_raw_bytes() == flate(stream.read_bytes())  # as compressed, not again


def test_pictogram_operators_kept_on_disk_are_the_ones_recorded(tmp_path, monkeypatch):
    """A new process reads each pictogram's recorded operators from the build's cache
    instead of parsing the SVG: the same width and operators."""
    names = catalogue()
    recorded = {(name, inverse): icons._recorded(name, inverse) for name in names for inverse in (False, True)}
    icons.keep_operators_in(tmp_path)
    icons._recorded.cache_clear()
    try:
        for name, inverse in recorded:
            assert icons._recorded(name, inverse) == recorded[(name, inverse)]
        assert len(list(tmp_path.glob("*.json"))) == len(recorded)
        icons._recorded.cache_clear()

        def no_svg(name, inverse):
            raise AssertionError(f"{name}: read from its SVG, not from the cache")

        monkeypatch.setattr(icons, "_drawing", no_svg)
        monkeypatch.setattr(icons, "_operators", no_svg)
        for key, value in recorded.items():
            assert icons._recorded(*key) == value
    finally:
        icons.keep_operators_in(None)
        icons._recorded.cache_clear()


def test_quick_paths_in_setting_text_give_the_bytes_of_the_full_ones(monkeypatch):
    """Three shortcuts in setting text: a shaped run with no offsets or kerning written
    as one string per font subset (``rl_patches._format_text``), a paragraph wrapped
    again at the same width keeping its lines, its minimum width measured once. With
    each path taken in full instead, the PDFs are the same bytes."""
    from reportlab.pdfbase.ttfonts import ShapedStr

    from handouts.layout import flowables, rl_patches

    samples = [("higm", "overview", "zh-Hant"), ("higm", "overview", "ar"), ("higm", "checklist", "hi"),
               ("higm", "overview", "en"), ("cgd", "school-letter", "ko"), ("cgd", "checklist", "ru")]
    documents = [compose(c, h, loc) for c, h, loc in samples]
    full_paths = []
    formatted = rl_patches._formatted

    def counted(self, text):
        if isinstance(text, ShapedStr):
            full_paths.append(text)
        return formatted(self, text)

    monkeypatch.setattr(rl_patches, "_formatted", counted)
    quick = [render(d, c, h, loc) for d, (c, h, loc) in zip(documents, samples)]
    shaped_runs = len(full_paths)
    monkeypatch.setattr(rl_patches, "_format_text", counted)  # every run through ReportLab's own
    wrap, min_width = flowables.TextBlock.wrap, flowables.TextBlock.minWidth

    def wrap_again(self, width, height):
        self.__dict__.pop("_wrapped_at", None)
        return wrap(self, width, height)

    def measure_again(self):
        self.__dict__.pop("_min_width", None)
        return min_width(self)

    monkeypatch.setattr(flowables.TextBlock, "wrap", wrap_again)
    monkeypatch.setattr(flowables.TextBlock, "minWidth", measure_again)
    full_paths.clear()
    full = [render(d, c, h, loc) for d, (c, h, loc) in zip(documents, samples)]
    assert len(full_paths) > 2 * shaped_runs  # the quick path was taken for most shaped runs
    for sample, fast, slow in zip(samples, quick, full):
        assert fast == slow, sample


def test_ascii_is_encoded_for_the_file_as_reportlabs_codec_encodes_it():
    """``rl_patches._pdfdoc_enc`` encodes ASCII itself; what the codec refuses or maps
    otherwise still goes to the codec (same bytes, same errors)."""
    from handouts.layout import rl_patches

    ascii_text = "".join(chr(c) for c in range(128) if not 0x18 <= c <= 0x1F)
    assert rl_patches._pdfdoc_enc(ascii_text) == rl_patches._encoded(ascii_text) == ascii_text.encode("ascii")
    for text in ("BT /F1 12 Tf (\u00e9t\u00e9) Tj ET", "\u2022", b"bytes"):
        assert rl_patches._pdfdoc_enc(text) == rl_patches._encoded(text)
    for refused in ("a\x18b", "\u4e2d"):
        with pytest.raises(UnicodeEncodeError):
            rl_patches._encoded(refused)
        with pytest.raises(UnicodeEncodeError):
            rl_patches._pdfdoc_enc(refused)


def test_a_family_whose_bold_is_its_regular_face_reads_the_file_once(monkeypatch):
    """The Chinese families use their regular face for bold: the file is read once, and
    the bold name is the regular font (as ReportLab registers a face it already has)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    from handouts.layout import fonts

    family = next(f for f in stack_for("zh-Hans").families if f.regular == f.bold)
    assert getFont(family.bold_name) is getFont(family.regular_name)
    read = []
    made = fonts.tt_font  # the face read, from the file or from the cache of readings
    monkeypatch.setattr(fonts, "tt_font", lambda *a: read.append(a) or made(*a))
    monkeypatch.setattr(fonts, "_READ", {})
    fonts.register.__wrapped__(family)
    assert len(read) == 1
    assert getFont(family.bold_name) is getFont(family.regular_name)
