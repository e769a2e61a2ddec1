"""Write a drawn ReportLab document as a compact PDF: object streams, an xref stream.

ReportLab writes every object at the top level with a cross-reference table, and its
pages' streams as drawn. The structure pass (``handouts.pdf.structure``) adds
thousands of small dictionaries (the structure tree); written one by one they would
make a file a quarter larger. So a handout is written here, from ReportLab's own
objects as ReportLab formats them:

- streams (page contents, font files, ToUnicode maps, form appearances) at the top
  level, Flate-compressed unless they carry a filter already (font files are
  compressed once per subset, ``rl_patches``) or opt out (the XMP packet, left
  readable, as PDF/A asks and as qpdf, which wrote these files before, leaves it);
- every other object packed a hundred at a time into compressed object streams
  (PDF 1.5);
- a compressed cross-reference stream, and an /ID that is a digest of the file's
  content: the same document, the same bytes.

The layout hands over a ``DrawnPDF`` (``drawn``) instead of calling ReportLab's
``save``: what ReportLab does before formatting is done there, so the structure pass
can add objects and refer to the pages, the fonts and the link annotations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import deflate
from reportlab.pdfbase import pdfdoc as _pdfdoc
from reportlab.pdfgen.canvas import Canvas

PDF_VERSION = b"1.7"  # PDF/UA-1 is written against ISO 32000-1, PDF 1.7
FLATE_LEVEL = 6  # ReportLab's and qpdf's level
OBJECTS_PER_STREAM = 100  # as qpdf packs them: small enough to read one object cheaply
_HEADER = b"%PDF-" + PDF_VERSION + b"\n%\xe2\xe3\xcf\xd3\n"


@dataclass(eq=False)
class DrawnPDF:
    """A ReportLab document whose pages are drawn and whose fonts are embedded, not
    yet written: the structure pass adds its objects, then ``write`` makes the bytes."""

    document: _pdfdoc.PDFDocument

    @property
    def pages(self) -> list:
        """ReportLab's page objects, in order."""
        return self.document.Pages.pages

    def number(self, obj) -> int:
        """The object number of ``obj`` (registered now if it is new)."""
        document = self.document
        return document.idToObjectNumberAndVersion[document.Reference(obj).name][0]

    def number_of(self, name: str) -> int:
        """The object number of the object ReportLab registered as ``name``."""
        return self.document.idToObjectNumberAndVersion[name][0]

    def add(self, body: bytes) -> int:
        """A new object whose body is ``body`` (a stream: ``stream`` below); its number."""
        return self.number(RawObject(body))


class RawObject(_pdfdoc.PDFObject):
    """An object formatted by the caller: its body's bytes, set now or later (``body``
    may be given once the numbers it refers to are known)."""

    __RefOnly__ = 1

    def __init__(self, body: bytes = b""):
        self.body = body

    def format(self, document) -> bytes:
        return self.body


class DictObject(_pdfdoc.PDFObject):
    """A dictionary formatted by the caller, entry by entry (``b"/Key value"``): the
    structure pass adds to a form widget's entries after the forms pass made it."""

    __RefOnly__ = 1

    def __init__(self, entries: list[bytes]):
        self.entries = entries

    def format(self, document) -> bytes:
        return b"<< " + b" ".join(self.entries) + b" >>"


def flate(data: bytes, level: int = FLATE_LEVEL) -> bytes:
    """Flate (zlib format) compressed by libdeflate: at the same level, about half of
    zlib's time for page streams and a third for font files, and a few per cent smaller.
    Compression was a tenth of a build's time."""
    return bytes(deflate.zlib_compress(data, level))  # it gives a bytearray


class _Flate:
    """``flate`` as a ReportLab stream filter."""

    pdfname = "FlateDecode"

    def encode(self, text: str | bytes) -> bytes:
        return flate(text.encode("utf8") if isinstance(text, str) else text)  # as ReportLab's own filter


def stream(entries: bytes, content: bytes, *, compress: bool = True, level: int = FLATE_LEVEL) -> bytes:
    """A stream object's body: ``entries`` are its dictionary's own (no /Length)."""
    if compress:
        content = flate(content, level)
        entries += b" /Filter /FlateDecode"
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def drawn(canvas: Canvas) -> DrawnPDF:
    """What ReportLab's ``Canvas.save`` does before it writes: the last page closed,
    each font's subsets embedded, the catalog and the document information registered."""
    if len(canvas._code):
        canvas.showPage()
    document = canvas._doc
    for font in document.delayedFonts:
        font.addObjects(document)
    document.info.invariant = document.invariant
    document.Reference(document.Catalog)
    document.Reference(document.info)
    document.Outlines.prepare(document, canvas)
    if document.Outlines.ready < 0:
        document.Catalog.Outlines = None
    return DrawnPDF(document)


def write(pdf: DrawnPDF) -> bytes:
    """The PDF's bytes (see the module's docstring)."""
    document = pdf.document
    top, packed = _formatted(document)
    count = len(top) + len(packed)
    parts = [_HEADER]
    offset = len(_HEADER)
    where: dict[int, tuple[int, int, int]] = {}  # number -> its cross-reference entry's three fields

    def put(number: int, body: bytes) -> None:
        nonlocal offset
        where[number] = (1, offset, 0)
        chunk = b"%d 0 obj\n" % number + body.rstrip(b"\n") + b"\nendobj\n"
        parts.append(chunk)
        offset += len(chunk)

    for number, body in top:
        put(number, body)
    for start in range(0, len(packed), OBJECTS_PER_STREAM):
        count += 1
        put(count, _object_stream(count, packed[start:start + OBJECTS_PER_STREAM], where))
    count += 1
    where[count] = (1, offset, 0)  # the cross-reference stream itself
    file_id = b"<" + hashlib.md5(b"".join(parts)).hexdigest().encode("ascii") + b">"
    trailer = b"/Type /XRef /Size %d /Root %d 0 R /Info %d 0 R /ID [%s %s]" % (
        count + 1, pdf.number(document.Catalog), pdf.number(document.info), file_id, file_id)
    parts.append(b"%d 0 obj\n" % count + _xref_stream(trailer, where) + b"\nendobj\n")
    parts.append(b"startxref\n%d\n%%%%EOF\n" % where[count][1])
    return b"".join(parts)


def _formatted(document) -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
    """Every object as ReportLab formats it, by number: the streams, and the others."""
    # Every stream without a filter of its own is compressed as it is formatted
    # (ReportLab's default is none: the layout asks for none in its page streams).
    document.defaultStreamFilters = [_Flate()]
    numbers, objects = document.numberToId, document.idToObject
    streams: list[tuple[int, bytes]] = []
    others: list[tuple[int, bytes]] = []
    number = 1
    while number in numbers:  # formatting an object may register new ones: ReportLab's own loop
        body = _pdfdoc.format(objects[numbers[number]], document, toplevel=1)
        if body.endswith(b"endstream\n"):
            # ReportLab puts ``endstream`` right after the data; the standard asks for
            # an end of line between them (not counted in /Length).
            streams.append((number, body[:-len(b"endstream\n")] + b"\nendstream"))
        elif body.rstrip().endswith(b"endstream"):
            streams.append((number, body))
        else:
            others.append((number, body))
        number += 1
    return streams, others


def _object_stream(number: int, group: list[tuple[int, bytes]], where: dict) -> bytes:
    """An object stream holding ``group``; their entries noted in ``where``."""
    index, bodies, position = [], [], 0
    for place, (member, body) in enumerate(group):
        where[member] = (2, number, place)
        index.append(b"%d %d" % (member, position))
        body = body.strip() + b"\n"
        bodies.append(body)
        position += len(body)
    head = b" ".join(index) + b"\n"
    return stream(b"/Type /ObjStm /N %d /First %d" % (len(group), len(head)), head + b"".join(bodies), level=9)


def _xref_stream(trailer: bytes, where: dict[int, tuple[int, int, int]]) -> bytes:
    """The cross-reference stream: the trailer's entries, and a row for every object."""
    field2 = max(1, (max(second for _, second, _ in where.values()).bit_length() + 7) // 8)
    field3 = max(1, (max(third for _, _, third in where.values()).bit_length() + 7) // 8)
    width = 1 + field2 + field3
    previous = bytes(width)  # object 0: the head of the free list
    rows = [b"\x02" + previous]
    for number in range(1, len(where) + 1):
        kind, second, third = where[number]
        row = bytes((kind,)) + second.to_bytes(field2, "big") + third.to_bytes(field3, "big")
        # PNG's "up" predictor, as qpdf writes it: each row as its difference from the
        # row above, which is mostly zeros, and compresses to a few bytes.
        rows.append(b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, previous)))
        previous = row
    return stream(trailer + b" /W [1 %d %d] /DecodeParms << /Columns %d /Predictor 12 >>" % (field2, field3, width),
                  b"".join(rows))


# --------------------------------------------------------------------------- values


def name(text: str) -> bytes:
    """A PDF name (roles and keys are plain ASCII words)."""
    return b"/" + text.encode("ascii")


def text_string(text: str) -> bytes:
    """A PDF text string: literal if it is printable ASCII; else in PDFDocEncoding if
    that has every character (a bullet is one byte), or UTF-16BE with its mark."""
    if text.isascii() and text.isprintable():
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    try:
        encoded = text.encode("pdfdoc")  # ReportLab's codec
    except UnicodeEncodeError:
        encoded = b"\xfe\xff" + text.encode("utf-16-be")
    return b"<" + encoded.hex().encode("ascii") + b">"


def number_text(value: float) -> bytes:
    """A number as ReportLab writes one (no exponent, at most a few decimals)."""
    return _pdfdoc.fp_str(value).encode("ascii")


def ref(number: int) -> bytes:
    return b"%d 0 R" % number
