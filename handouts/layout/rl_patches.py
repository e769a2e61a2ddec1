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

And one for speed: the subsetter reads glyphs from the font's ``glyf`` table in place
instead of copying the whole table for each subset.
"""

from __future__ import annotations

import uharfbuzz
from reportlab.pdfbase import ttfonts as _ttfonts

# (font face key, private-use code) -> the characters the glyph was shaped from.
GLYPH_TEXT: dict[tuple[str, int], str] = {}


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, corrected: a private-use code that stands for a
    ligature or conjunct maps to the characters it was shaped from, and codes that
    map to nothing (U+0000) are left out, as PDF/UA requires."""
    key = fontname.split("+", 1)[-1]
    entries = []
    for code, value in enumerate(subset):
        if not value:
            continue
        text = GLYPH_TEXT.get((key, value))
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
        face = self._handouts_hb_face = uharfbuzz.Face(uharfbuzz.Blob(self.face._ttf_data), index)
        self._TTFont__hbUnis = {}  # what ReportLab's own private-use bookkeeping expects
        self._TTFont__hbPrivate = 0xE000
    return face


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


def is_private_use(code: int) -> bool:
    return any(code in area for area in PRIVATE_USE)


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
