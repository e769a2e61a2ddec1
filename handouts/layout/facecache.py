"""ReportLab's reading of a font face, kept on disk so the next process need not do it again.

ReportLab reads a TrueType face's tables (character map, advance widths, glyph offsets)
with one ``struct.unpack`` per value: 0.06-0.13 s for each Chinese or Korean face, in
every process that draws the language (a full build's set-up, each worker of an edit).
What it reads is plain data (numbers, lists, dicts, names), so it is kept in the
project's cache with ``marshal`` (its fastest loader of such data: 10-15 ms a face) and
set on a face whose file is read as before (``_ttf_data``: glyphs are copied from it).

A kept reading is used only for the same file (path, size, modification time), the same
face of a collection, the same ReportLab and the same format; anything else is read again.

A face read for the first time (a project's first build) is read as ReportLab reads it,
but its three long tables (character map, advance widths, glyph offsets) a table at a
time (``struct.unpack_from``) rather than a value at a time: 0.36 s of one core for this
project's 16 faces before any worker could start, now 0.15 s. The rest (names, header,
metrics) is ReportLab's own ``extractInfo``; a character map in a format other than 4 or
12 is left to ReportLab whole.
"""

from __future__ import annotations

import marshal
import struct
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFNameBytes, TTFont, TTFontFace, TTFontFile, TTFontParser
from reportlab.rl_config import unShapedFontGlob

from handouts.errors import FontError, Location
from handouts.files import read_cached, write_cached
from handouts.fingerprints import digest, file_stamp

FORMAT = "1"  # bump when what is kept changes
_KEPT_IN: Path | None = None  # where readings are kept between processes (None: not kept)
_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the file's bytes (read again); a function (made again)


def keep_faces_in(folder: Path | None) -> None:
    """Keep each face's reading in ``folder`` (None: read every face in every process)."""
    global _KEPT_IN
    _KEPT_IN = folder


def tt_font(name: str, path: Path, index: int) -> TTFont:
    """ReportLab's ``TTFont(name, path, subfontIndex=index, shapable=True)``, its face's
    tables read from the cache when a process read them before."""
    kept = _kept_path(path, index)
    state = _load(kept) if kept is not None else None
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    try:
        TTFontParser.__init__(face, str(path), validate=0, subfontIndex=index)  # the file's bytes and table list
        if state is None:
            read_face(face)
    except (TTFError, struct.error, IndexError, KeyError, ValueError, OSError) as error:
        # A damaged or cut-short file (struct.error: a table runs past its end).
        raise FontError(f"this font file cannot be read ({error}): install it again "
                        "(`make` does it for this project's fonts)", Location(path)) from None
    if state is None:
        if kept is not None:
            _store(kept, face)
    else:
        face.__dict__.update(state)
        face._pdfScale = _scale(face.unitsPerEm)
    font = TTFont.__new__(TTFont)  # TTFont.__init__, with the face given rather than read
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in unShapedFontGlob)
    return font


def read_face(face: TTFontFace) -> None:
    """What ``TTFontFile.extractInfo`` sets on ``face`` (whose file ``TTFontParser`` has
    opened), the same values in the same order, the long tables read in bulk."""
    TTFontFile.extractInfo(face, charInfo=0)  # names, head, OS/2, post, hhea, maxp
    data = face._ttf_data
    head = face.get_table_pos("head")[0]
    index_to_loc_format, glyph_data_format = struct.unpack_from(">HH", data, head + 50)
    if glyph_data_format != 0:
        raise TTFError("Unknown glyph data format (%d)" % glyph_data_format)
    number_of_h_metrics = struct.unpack_from(">H", data, face.get_table_pos("hhea")[0] + 34)[0]
    mapped = _char_map(face, data)
    if mapped is None:  # a format this reader leaves to ReportLab
        TTFontFile.extractInfo(face, charInfo=1)
        return
    face.charToGlyph, face.glyphToChar = char_to_glyph, glyph_to_char = mapped
    num_glyphs, scale = face.numGlyphs, face._pdfScale

    # hmtx, as ReportLab reads it: (advance, left side bearing read unsigned) per glyph;
    # past numberOfHMetrics, the last advance *scaled* (ReportLab's own value) is repeated.
    hmtx = face.get_table_pos("hmtx")[0]
    pairs = struct.unpack_from(f">{2 * number_of_h_metrics}H", data, hmtx)
    tail = struct.unpack_from(f">{max(0, num_glyphs - number_of_h_metrics)}H", data, hmtx + 4 * number_of_h_metrics)
    face.charWidths = char_widths = {}
    face.hmetrics = hmetrics = []
    aw = None
    for glyph in range(number_of_h_metrics):
        aw, lsb = pairs[2 * glyph], pairs[2 * glyph + 1]
        hmetrics.append((aw, lsb))
        aw = scale(aw)
        if glyph == 0:
            face.defaultWidth = aw
        chars = glyph_to_char.get(glyph)
        if chars:
            for char in chars:
                char_widths[char] = aw
    for offset, lsb in enumerate(tail):
        hmetrics.append((aw, lsb))
        chars = glyph_to_char.get(number_of_h_metrics + offset)
        if chars:
            for char in chars:
                char_widths[char] = aw

    if "loca" not in face.table:
        raise TTFError("missing location table")
    loca = face.get_table_pos("loca")[0]
    if index_to_loc_format == 0:
        face.glyphPos = [offset << 1 for offset in struct.unpack_from(f">{num_glyphs + 1}H", data, loca)]
        face._pos = loca + 2 * (num_glyphs + 1)
    elif index_to_loc_format == 1:
        face.glyphPos = list(struct.unpack_from(f">{num_glyphs + 1}L", data, loca))
        face._pos = loca + 4 * (num_glyphs + 1)
    else:
        raise TTFError("Unknown location table format (%d)" % index_to_loc_format)
    if 0x20 in char_to_glyph:
        char_to_glyph[0xA0] = char_to_glyph[0x20]
        char_widths[0xA0] = char_widths[0x20]
    elif 0xA0 in char_to_glyph:
        char_to_glyph[0x20] = char_to_glyph[0xA0]
        char_widths[0x20] = char_widths[0xA0]


def _char_map(face: TTFontFace, data: bytes) -> tuple[dict[int, int], dict[int, list[int]]] | None:
    """The cmap subtable ``extractInfo`` picks, read as it reads formats 4 and 12 (None
    for another format)."""
    cmap = face.get_table_pos("cmap")[0]
    version, count = struct.unpack_from(">HH", data, cmap)
    if count == 0 and version != 0:
        count, version = version, count
    found, chosen = None, 0
    for platform, encoding, offset in struct.iter_unpack(">HHL", data[cmap + 4:cmap + 4 + 8 * count]):
        if platform == 3:
            chosen, found = 1, offset
        elif platform == 1 and encoding == 0 and chosen != 1:
            chosen, found = 2, offset
        elif platform == 1 and encoding == 1:
            chosen, found = 1, offset
        elif platform == 0 and encoding != 5:
            chosen, found = 1, offset
    if found is None:
        raise TTFError("could not find a suitable cmap encoding")
    start = cmap + found
    fmt = struct.unpack_from(">H", data, start)[0]
    char_to_glyph: dict[int, int] = {}
    glyph_to_char: dict[int, list[int]] = {}
    if fmt == 4:
        length = struct.unpack_from(">H", data, start + 2)[0]
        limit = start + length
        seg_count = int(struct.unpack_from(">H", data, start + 6)[0] / 2.0)
        ends = struct.unpack_from(f">{seg_count}H", data, start + 14)
        starts = struct.unpack_from(f">{seg_count}H", data, start + 16 + 2 * seg_count)
        deltas = struct.unpack_from(f">{seg_count}h", data, start + 16 + 4 * seg_count)
        ranges_at = start + 16 + 6 * seg_count
        ranges = struct.unpack_from(f">{seg_count}H", data, ranges_at)
        for n in range(seg_count):
            first, last, delta, range_offset = starts[n], ends[n], deltas[n], ranges[n]
            if range_offset == 0:
                for char in range(first, last + 1):
                    glyph = (char + delta) & 0xFFFF
                    char_to_glyph[char] = glyph
                    glyph_to_char.setdefault(glyph, []).append(char)
                continue
            at = ranges_at + 2 * n + range_offset  # the glyph of ``first``
            inside = max(0, min(last - first + 1, (limit - at + 1) // 2))  # whole values before ``limit``
            glyphs = struct.unpack_from(f">{inside}H", data, at) if inside else ()
            for char in range(first, last + 1):
                step = char - first
                glyph = glyphs[step] if step < inside and at + 2 * step < limit else 0
                if glyph != 0:
                    glyph = (glyph + delta) & 0xFFFF
                char_to_glyph[char] = glyph
                glyph_to_char.setdefault(glyph, []).append(char)
        return char_to_glyph, glyph_to_char
    if fmt == 12:
        groups = struct.unpack_from(">L", data, start + 12)[0]
        values = struct.unpack_from(f">{3 * groups}L", data, start + 16)
        for n in range(groups):
            first, last, glyph_of_first = values[3 * n], values[3 * n + 1], values[3 * n + 2]
            step = glyph_of_first - first
            for char in range(first, last + 1):
                glyph = char + step
                char_to_glyph[char] = glyph
                glyph_to_char.setdefault(glyph, []).append(char)
        return char_to_glyph, glyph_to_char
    return None


def _scale(units_per_em: int):
    """ReportLab's own conversion of font units to thousandths of an em (``extractInfo``)."""
    if units_per_em == 1000:
        return lambda x: x
    multiplier = 1000 / units_per_em
    return lambda x: x * multiplier


def _kept_path(path: Path, index: int) -> Path | None:
    if _KEPT_IN is None:
        return None
    try:
        stamp = file_stamp(path)  # as the PDFs' fingerprints take font files: path, size, time
    except OSError:
        return None  # ReportLab says what is wrong with the file
    return _KEPT_IN / f"{digest(FORMAT, reportlab.Version, stamp, str(index))}.marshal"


def _store(kept: Path, face: TTFontFace) -> None:
    names = {}
    plain = {}
    for attribute, value in face.__dict__.items():
        if attribute in _NOT_KEPT:
            continue
        if type(value) is TTFNameBytes:
            names[attribute] = (bytes(value), value.ustr)
        else:
            plain[attribute] = value
    try:
        data = marshal.dumps((plain, names))
    except ValueError:  # a value marshal cannot keep (another ReportLab): read each time
        return
    write_cached(kept, data)


def _load(kept: Path) -> dict | None:
    data = read_cached(kept)
    if data is None:
        return None
    try:
        plain, names = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    for attribute, (value, text) in names.items():
        name = bytes.__new__(TTFNameBytes, value)
        name.ustr = text
        plain[attribute] = name
    return plain


__all__ = ["keep_faces_in", "tt_font"]
