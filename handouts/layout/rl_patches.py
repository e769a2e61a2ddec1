"""The changes handouts makes to ReportLab, in one place, applied by an explicit call.

ReportLab's TrueType embedding is right for Latin text and wrong in three ways for shaped
text; ``apply_patches()`` (called by every renderer before drawing) corrects them:

- the ToUnicode map: glyphs with no Unicode value of their own (ligatures, conjuncts,
  contextual forms) get private-use codes; the map says which characters each stands
  for (recorded in ``GLYPH_TEXT`` as the document is drawn), and leaves out codes that map to
  nothing (U+0000), as PDF/UA requires;
- the widths: a private-use glyph gets its own advance, not the one it had in one
  shaped run (kerning included);
- the shaping face: in a font collection, HarfBuzz shapes with the subfont that is
  embedded (ReportLab used the collection's first).

And for speed: the subsetter reads glyphs from the font's ``glyf`` table in place
instead of copying the whole table for each subset; a subset already made in this
process (the same glyphs: the Letter and A4 editions of a handout, a document drawn
again) is taken as made, and its font file as compressed (Flate, level 6, once: the
writer keeps compressed streams as they are); a shaped run with no offsets and no
kerning is written as one string per font subset (``_format_text``); ASCII text is
encoded for the file by Python's own codec (``_pdfdoc_enc``); a long array of numbers
(a subset's widths) is formatted in one call (``_format_array``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict

import uharfbuzz
from reportlab.pdfbase import pdfdoc as _pdfdoc
from reportlab.pdfbase import pdfmetrics as _pdfmetrics
from reportlab.pdfbase import ttfonts as _ttfonts
from reportlab.pdfgen import textobject as _textobject

from handouts.pdf.writer import flate

# (font face key, private-use code) -> the characters the glyph was shaped from.
GLYPH_TEXT: dict[tuple[str, int], str] = {}


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, corrected: a private-use code that stands for a
    ligature or conjunct maps to the characters it was shaped from, and codes that
    map to nothing (U+0000) are left out, as PDF/UA requires. Kept by what it is made
    from (a handout's papers and editions draw the same subsets: a Chinese page has
    five or more, 2.5 ms of a 24 ms render)."""
    key = fontname.split("+", 1)[-1]
    texts = tuple(GLYPH_TEXT.get((key, value)) for value in subset)
    return _CMAPS.keep((fontname, tuple(subset), texts), lambda: _make_cmap(fontname, subset, texts))


def _make_cmap(fontname: str, subset: list[int], texts: tuple[str | None, ...]) -> str:
    entries = []
    for code, (value, text) in enumerate(zip(subset, texts)):
        if not value:
            continue
        target = (text or chr(value)).encode("utf-16-be").hex().upper()  # beyond the BMP: a surrogate pair
        entries.append(f"<{code:02X}> <{target}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(entries)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _hb_face(self):
    """HarfBuzz's face of the font ReportLab embeds: in a collection (.ttc) the same
    subfont. ReportLab opens subfont 0 for shaping whatever subfont it embeds, so AR PL
    UMing TW text was shaped with the cmap and substitutions of UMing's first face and
    drawn with glyph ids that meant other glyphs in the Taiwan face."""
    face = self.__dict__.get("_handouts_hb_face")
    if face is None:
        name_x = getattr(self.face, "subfontNameX", b"") or b""
        index = int(name_x.decode("ascii")[1:]) if name_x else 0
        face = self._handouts_hb_face = uharfbuzz.Face(_blob(self.face), index)
        self._TTFont__hbUnis = {}  # what ReportLab's own private-use bookkeeping expects
        self._TTFont__hbPrivate = 0xE000
    return face


def _blob(face) -> uharfbuzz.Blob:
    """The font file for HarfBuzz: mapped from disk, not copied (a Chinese collection is
    21 MB: 13-15 ms to copy, in each process that shapes it), when the file is still the
    size ReportLab read; else the bytes ReportLab read."""
    path = getattr(face, "filename", None)
    try:
        if isinstance(path, str) and os.path.getsize(path) == len(face._ttf_data):
            return uharfbuzz.Blob.from_file_path(path)
    except OSError:
        pass
    return uharfbuzz.Blob(face._ttf_data)


def _hb_font(self, fontSize=10):
    """Two corrections to the private-use codes ReportLab gives glyphs that have no
    Unicode value (an Indic conjunct, an Arabic ligature):

    - the code depends on the glyph only: ReportLab hands out codes in the order glyphs
      are first shaped in the process, so a PDF's bytes depended on what the same
      process had drawn before (a build on several processes differed run to run);
    - the width is the glyph's own advance: ReportLab keeps the width it had in one
      shaped run (kerning included), and the PDF's /Widths must hold the advance."""
    font = uharfbuzz.Font(_hb_face(self))
    font.ptem = fontSize
    face = self.face
    scale = 1000 / face.unitsPerEm
    codes = _private_codes(self)

    def add_by_glyph(name, gid, advance):
        code = codes[gid]
        if face.charToGlyph.get(code) != gid:
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = font.get_glyph_h_advance(gid) * scale
        return code

    self.hbAddPrivate = add_by_glyph
    return font


PRIVATE_USE = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))  # the BMP's area, then plane 15's


_BMP_PRIVATE, _PLANE15_PRIVATE = PRIVATE_USE


def is_private_use(code: int) -> bool:
    return code in _BMP_PRIVATE or code in _PLANE15_PRIVATE  # asked of every code of a face: no generator


def _private_codes(font) -> dict[int, int]:
    """Glyph id -> private-use code for each glyph without a Unicode value: the free
    private-use codes in glyph order, fixed when the font is first shaped (plane 15's
    area holds what the BMP's cannot: a CJK face has 15,000 such glyphs)."""
    codes = getattr(font, "_handouts_private_codes", None)
    if codes is None:
        face = font.face
        taken = set(face.charToGlyph)
        free = (code for area in PRIVATE_USE for code in area if code not in taken)
        unmapped = (gid for gid in range(face.numGlyphs) if gid not in face.glyphToChar)
        codes = dict(zip(unmapped, free))
        font._handouts_private_codes = codes
    return codes


class _TableView:
    """A table of the font file, sliced without copying it: ReportLab's subsetter took a
    copy of the whole ``glyf`` table for every subset (17 MB for AR PL UMing, several
    copies per Chinese document) to read a few hundred glyphs from it."""

    def __init__(self, data: bytes, start: int, length: int):
        self.data, self.start, self.length = data, start, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, part: slice) -> bytes:
        begin, end, step = part.indices(self.length)
        assert step == 1
        return self.data[self.start + begin:self.start + end]


_copied_table = _ttfonts.TTFontFile.get_table


def _get_table(self, tag):
    if tag == "glyf":
        start, length = self.get_table_pos(tag)
        return _TableView(self._ttf_data, start, length)
    return _copied_table(self, tag)


class _Kept(OrderedDict):
    """The most recently used ``limit`` values: a task renders a handout on each paper one
    after the other (the same subsets), and a worker renders hundreds of documents."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def keep(self, key, make):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > self.limit:
            self.popitem(last=False)
        return value


_SUBSETS = _Kept(32)  # (font file, subset codes, the face's private codes so far) -> TrueType bytes
_CMAPS = _Kept(256)  # (font name, subset codes, the texts of its glyphs) -> ToUnicode CMap
_COMPRESSED = _Kept(32)  # SHA-256 of a font file -> its Flate stream


def _flate_once(data: bytes) -> bytes:
    return _COMPRESSED.keep(hashlib.sha256(data).digest(), lambda: flate(data))


_made_subset = _ttfonts.TTFontFile.makeSubset


def _make_subset(self, subset):
    # The glyphs a code stands for can change while a face is used (a private-use code is
    # given to a glyph the first time it is shaped): the key holds how many there are.
    key = (id(self), tuple(subset), len(self.charToGlyph))
    return _SUBSETS.keep(key, lambda: _made_subset(self, subset))


def _add_subset_objects(self, doc, fontname, subset):
    """ReportLab's ``TTFontFace.addSubsetObjects``, with the font file compressed once."""
    font_file = _pdfdoc.PDFStream()
    content = self.makeSubset(subset)
    font_file.dictionary["Length1"] = len(content)
    # The /Filter is set here, with the compressed bytes: the writer compresses only the
    # streams that have none (``handouts.pdf.writer``).
    font_file.dictionary["Filter"] = _pdfdoc.PDFName("FlateDecode")
    font_file.content = _flate_once(content)
    reference = doc.Reference(font_file, "fontFile:%s(%s)" % (self.filename, fontname))
    flags = (self.flags & ~_ttfonts.FF_NONSYMBOLIC) | _ttfonts.FF_SYMBOLIC
    descriptor = _pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor",
        "Ascent": self.ascent,
        "CapHeight": self.capHeight,
        "Descent": self.descent,
        "Flags": flags,
        "FontBBox": _pdfdoc.PDFArray(self.bbox),
        "FontName": _pdfdoc.PDFName(fontname),
        "ItalicAngle": self.italicAngle,
        "StemV": self.stemV,
        "FontFile2": reference,
        "MissingWidth": self.defaultWidth,
    })
    return doc.Reference(descriptor, "fontDescriptor:" + fontname)


_formatted = _textobject.PDFTextObject._formatText


def _format_text(self, text):
    """ReportLab's ``_formatText``, quicker for a shaped run whose glyphs all sit where
    their advances put them (no mark offsets, no kerning: most Chinese, Korean and
    Arabic runs): ReportLab builds and merges three items per glyph and finds one string
    per font subset, which is written here directly. Anything else goes to ReportLab."""
    if isinstance(text, _ttfonts.ShapedStr):
        font = _pdfmetrics.getFont(self._fontname)
        if font._dynamicFont and font.shapable and all(
                d.x_offset == 0 and d.y_offset == 0 and d.width == d.x_advance for d in text.__shapeData__):
            canvas = self._canvas
            out = []
            size = None
            for subset, chunk in font.splitString(text, canvas._doc):
                if subset != self._curSubset:
                    size = size or f"{_textobject.fp_str(self._fontsize)} Tf {_textobject.fp_str(self._leading)} TL"
                    out.append(f"{font.getSubsetInternalName(subset, canvas._doc)} {size}")
                    self._curSubset = subset
                out.append(f"({canvas._escape(chunk)}) Tj")
            return " ".join(out)
    return _formatted(self, text)


_encoded = _pdfdoc.pdfdocEnc
_NOT_IN_PDFDOC = re.compile("[\x18-\x1f]")  # ASCII codes ReportLab's PDFDocEncoding codec refuses


def _pdfdoc_enc(text):
    """ReportLab's ``pdfdocEnc``, quicker for ASCII: every object and page stream of a
    PDF passes through it, and its codec maps each character through a Python table (a
    page stream is tens of kilobytes). ASCII is the same bytes in that encoding; the codes
    it refuses, and anything else, go to the codec."""
    if isinstance(text, str) and text.isascii() and not _NOT_IN_PDFDOC.search(text):
        return text.encode("ascii")
    return _encoded(text)


_formatted_array = _pdfdoc.PDFArray.format
_NUMBERS = (int, float)


def _format_array(self, document, IND=b"\n "):
    """ReportLab's ``PDFArray.format``, in one call for a long array of numbers: each
    font subset's /Widths has up to 256, each formatted on its own by ReportLab (half
    a millisecond of every PDF). The same numbers, ``fp_str``'s, one line."""
    sequence = self.sequence
    if len(sequence) > 16 and all(type(item) in _NUMBERS for item in sequence):
        return b"[ " + _pdfdoc.fp_str(*sequence).encode("ascii") + b" ]"
    return _formatted_array(self, document, IND)


def begin_document() -> None:
    """A new PDF: its ToUnicode maps will say what the glyphs drawn in it stand for,
    whatever the process drew before (a worker renders many documents)."""
    GLYPH_TEXT.clear()


def apply_patches() -> None:
    """Install the corrections (idempotent)."""
    _ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    _ttfonts.TTFont.hbFont = _hb_font
    _ttfonts.TTFont.hbFace = property(_hb_face)
    _ttfonts.TTFontFile.get_table = _get_table
    _ttfonts.TTFontFile.makeSubset = _make_subset
    _ttfonts.TTFontFace.addSubsetObjects = _add_subset_objects
    _textobject.PDFTextObject._formatText = _format_text
    _pdfdoc.pdfdocEnc = _pdfdoc_enc
    _pdfdoc.PDFArray.format = _format_array
