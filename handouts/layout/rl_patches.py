"""The changes handouts makes to ReportLab, in one place, applied by an explicit call.

ReportLab's TrueType embedding is right for Latin text and wrong in two ways for shaped
text; ``apply_patches()`` (called by every renderer before drawing) corrects both:

- the ToUnicode map: glyphs with no Unicode value of their own (ligatures, conjuncts,
  contextual forms) get private-use codes; the map says which characters each stands
  for (recorded in ``GLYPH_TEXT`` while shaping), and leaves out codes that map to
  nothing (U+0000), as PDF/UA requires;
- the widths: a private-use glyph gets its own advance, not the one it had in one
  shaped run (kerning included).
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts as _ttfonts

# (font face key, private-use code) -> the characters the glyph was shaped from.
GLYPH_TEXT: dict[tuple[str, int], str] = {}

_ORIGINAL_HB_FONT = _ttfonts.TTFont.hbFont


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
        target = text.encode("utf-16-be").hex().upper() if text else f"{value:04X}"
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


def _hb_font(self, fontSize=10):
    """ReportLab gives a glyph with no Unicode value the width it had in one shaped run
    (kerning included); the PDF's /Widths must hold the glyph's own advance."""
    font = _ORIGINAL_HB_FONT(self, fontSize)
    add_private = self.hbAddPrivate
    scale = 1000 / self.face.unitsPerEm

    def add_with_true_advance(name, gid, advance):
        return add_private(name, gid, font.get_glyph_h_advance(gid) * scale)

    self.hbAddPrivate = add_with_true_advance
    return font


def apply_patches() -> None:
    """Install the corrections (idempotent)."""
    _ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    _ttfonts.TTFont.hbFont = _hb_font
