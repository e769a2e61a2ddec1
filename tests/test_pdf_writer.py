"""The PDF writer (``handouts.pdf.writer``), read back with qpdf and pikepdf."""

from __future__ import annotations

import hashlib
import io
import re

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from handouts.layout.rl_patches import apply_patches
from handouts.pdf.writer import OBJECTS_PER_STREAM, drawn, text_string, write
from tests.conftest import compose, run_tool
from tests.test_render_cost import render

# A page handout with links (Indic shaping) and a card sheet with form fields and
# right-to-left text: every kind of object the writer is given.
SAMPLES = (("higm", "checklist", "hi", "standard"), ("higm", "er-card", "ar", "standard"))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("written")
    paths = []
    for condition, handout, locale, edition in SAMPLES:
        path = folder / f"{handout}-{locale}.pdf"
        path.write_bytes(render(compose(condition, handout, locale), condition, handout, locale, edition))
        paths.append(path)
    return paths


@pytest.mark.parametrize("text", ["Plain words (with parentheses) and a back\\slash", "\u2022", "\u2610",
                                  "caf\u00e9", "\u0627\u062a\u0635\u0644", "\u0939\u093f\u0928\u094d\u0926\u0940",
                                  "\u7dca\u6025", ""])
def test_text_strings_read_back_as_written(text):
    apply_patches()
    canvas = Canvas(io.BytesIO(), invariant=1)
    canvas.drawString(72, 720, "text")
    pdf = drawn(canvas)
    number = pdf.add(b"<< /T " + text_string(text) + b" >>")
    with pikepdf.open(io.BytesIO(write(pdf))) as opened:
        assert str(opened.get_object((number, 0)).T) == text


def test_every_object_but_a_stream_is_in_an_object_stream(written):
    for path in written:
        xref = run_tool("qpdf", "--show-xref", str(path)).stdout.splitlines()
        compressed = [line for line in xref if "compressed" in line and "uncompressed" not in line]
        uncompressed = [int(line.split("/")[0]) for line in xref if "uncompressed" in line]
        assert len(compressed) > OBJECTS_PER_STREAM, path  # the structure tree's elements, at least
        with pikepdf.open(path) as pdf:
            for number in uncompressed:
                assert isinstance(pdf.get_object((number, 0)), pikepdf.Stream), (path, number)
            streams = [pdf.get_object((n, 0)) for n in uncompressed]
            kinds = {str(s.get("/Type", "")) for s in streams}
            assert {"/ObjStm", "/XRef", "/Metadata"} <= kinds, kinds


def test_every_stream_is_compressed_but_the_metadata(written):
    for path in written:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream) and obj.get("/Type") not in ("/Metadata", "/XRef", "/ObjStm"):
                    assert obj.get("/Filter") in (pikepdf.Name.FlateDecode, pikepdf.Array([pikepdf.Name.FlateDecode])), \
                        (path, obj.objgen, obj.get("/Type"))
            metadata = pdf.Root.Metadata
            assert "/Filter" not in metadata and b"pdfuaid:part" in metadata.read_raw_bytes()


def test_stream_data_ends_before_an_end_of_line_and_qpdf_finds_nothing(written):
    for path in written:
        data = path.read_bytes()
        assert data.count(b"endstream") > 5
        assert not re.search(rb"[^\n]endstream", data), path
        check = run_tool("qpdf", "--check", str(path))
        assert check.returncode == 0 and "WARNING" not in check.stdout + check.stderr, check.stdout + check.stderr


def test_the_id_is_a_digest_of_the_content(written):
    """Not a time or a random number: the MD5 of everything before the cross-reference
    stream, so the same document gives the same bytes."""
    data = written[0].read_bytes()
    with pikepdf.open(written[0]) as pdf:
        first, second = (bytes(part) for part in pdf.trailer.ID)
    assert first == second
    xref_start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert re.match(rb"\d+ 0 obj\n<< /Type /XRef ", data[xref_start:])
    assert hashlib.md5(data[:xref_start]).digest() == first


def test_a_text_in_pdfdocencoding_takes_a_byte_a_character():
    """A list's bullet is read out from /ActualText on every item: one byte, not four."""
    assert text_string("\u2022") == b"<80>"
    assert text_string("\u2022 caf\u00e9") == b"<8020636166e9>"
    assert text_string("\u0627") == b"<feff0627>"


@pytest.mark.parametrize("data", [b"", b"BT /F1 12 Tf (Call 911) Tj ET\n" * 500, bytes(range(256)) * 40])
def test_flate_gives_what_any_zlib_reader_inflates(data):
    import zlib

    from handouts.pdf.writer import flate

    compressed = flate(data)
    assert isinstance(compressed, bytes) and zlib.decompress(compressed) == data
