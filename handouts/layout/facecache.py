"""ReportLab's reading of a font face, kept on disk so the next process need not do it again.

ReportLab reads a TrueType face's tables (character map, advance widths, glyph offsets)
with one ``struct.unpack`` per value: 0.06-0.13 s for each Chinese or Korean face, in
every process that draws the language (a full build's set-up, each worker of an edit).
What it reads is plain data (numbers, lists, dicts, names), so it is kept in the
project's cache with ``marshal`` (its fastest loader of such data: 10-15 ms a face) and
set on a face whose file is read as before (``_ttf_data``: glyphs are copied from it).

A kept reading is used only for the same file (path, size, modification time), the same
face of a collection, the same ReportLab and the same format; anything else is read again.
"""

from __future__ import annotations

import marshal
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, TTFontParser
from reportlab.rl_config import unShapedFontGlob

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
    if state is None:
        font = TTFont(name, str(path), subfontIndex=index, shapable=True)
        if kept is not None:
            _store(kept, font.face)
        return font
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    TTFontParser.__init__(face, str(path), validate=0, subfontIndex=index)  # the file's bytes and table list
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
