"""Web fonts for the download pages: the faces the PDFs embed, cut to what each page set shows.

A *page set* is a group of pages that share fonts: all pages in one language, or the first
page (every language at once). The text of each page is read back from its HTML, per
language and weight; each character goes to the family that would set it in the PDF
(the first family of the language's stack that has it, ``fonts.yaml``), and each face is
subset to its characters (HarfBuzz, then WOFF2). A page set's stylesheet declares those faces
and, per language, the families in PDF order with the stack's line spacing. So the
browser draws the same glyphs as the PDF, a phone downloads tens of kilobytes instead of
megabytes, and no family is named that the page does not ship.

Bold text is found by element: the site's stylesheet makes text bold only through
``BOLD_TAGS`` (headings, ``strong``, ``b``, ``dt``, ``th``), so only their characters go into
the bold faces. Same pages, same bytes: the subsets keep the source fonts' timestamps and
are named by a hash of their content (identical subsets are written once).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path

from handouts.errors import FontError, Location
from handouts.files import read_cached, write_cached
from handouts.fingerprints import file_stamp
from handouts.layout.fonts import NO_GLYPH_NEEDED, FaceFile, Family, FontStack, configured_stack
from handouts.layout.rl_patches import is_private_use

FONTS_DIR = "fonts"
BOLD_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "dt", "th"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})
UNRENDERED_TAGS = frozenset({"title", "style", "script", "template"})
# Every subset keeps the spaces, and the bullet a list marker may draw with the text's font.
ALWAYS = " \u00a0\u2022"
# Screens want a little more space between lines than paper: the stack's spacing plus this.
SCREEN_LEADING = 0.15


# ---------------------------------------------------------------------- reading pages


# The site's pages are the engine's own, well-formed HTML: a tokenizer reads them five
# times faster than html.parser (which reads anything).
_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|([^<]+)",
                    re.S)
_LANG = re.compile(r"""(?:^|\s)lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")


def page_text(html: str, lang: str) -> dict[tuple[str, bool], set[str]]:
    """Characters shown on a page, keyed by (language, bold); ``lang`` is the page's."""
    stack: list[tuple[str, str, bool, bool]] = [("", lang, False, False)]  # tag, lang, bold, hidden
    found: dict[tuple[str, bool], set[str]] = {}
    for match in _TOKEN.finditer(html):
        closing, tag, attributes, data = match.groups()
        if data is not None:
            _, current, bold, hidden = stack[-1]
            if not hidden and data.strip():
                found.setdefault((current, bold), set()).update(unescape(data))
        elif tag is None:
            continue  # a comment or the doctype
        elif closing:
            tag = tag.lower()
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth][0] == tag:
                    del stack[depth:]
                    break
        else:
            tag = tag.lower()
            if tag in VOID_TAGS or attributes.rstrip().endswith("/"):
                continue
            _, current, bold, hidden = stack[-1]
            named = _LANG.search(attributes)
            if named:
                current = unescape(next(v for v in named.groups() if v is not None)) or current
            stack.append((tag, current, bold or tag in BOLD_TAGS, hidden or tag in UNRENDERED_TAGS))
    return found


# ---------------------------------------------------------------------- page sets


@dataclass
class PageSet:
    """The faces one group of pages needs: characters per (family, weight), languages shown."""

    name: str
    faces: dict[tuple[Family, int], set[str]] = field(default_factory=dict)
    languages: dict[str, FontStack] = field(default_factory=dict)
    # (family name, weight) -> the same sets as ``faces``: merging hundreds of cached pages
    # looks faces up by name (a Family hashes all its files' fields at every look-up).
    _by_name: dict[tuple[str, int], set[str]] = field(default_factory=dict, repr=False, compare=False)
    # (family name, weight) -> characters that need no glyph (joiners) its languages used.
    _invisible: dict[tuple[str, int], set[str]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, text: dict[tuple[str, bool], set[str]], where: Path) -> Contribution:
        """Add a page's characters (``page_text``); returns what they added, which
        ``merge`` adds again for the same page taken from a cache."""
        contribution = contribution_of(text, where)
        self.merge(contribution)
        return contribution

    def merge(self, contribution: Contribution) -> None:
        for lang, bold, faces, invisible in contribution:
            stack = self.languages.get(lang) or self.languages.setdefault(lang, configured_stack(lang))
            for (name, weight), chars in faces:
                known = self._by_name.get((name, weight))
                if known is None:
                    family = next(f for f in stack.families if f.name == name)
                    known = self._by_name[(name, weight)] = self.faces.setdefault((family, weight), set())
                known.update(chars)
            if invisible:  # kept where a font of the stack has it (joiners shape Indic and Arabic text)
                for family in stack.families:
                    self._invisible.setdefault((family.name, _weight(family, bold)), set()).update(invisible)

    def shipped(self) -> dict[tuple[Family, int], set[str]]:
        """The characters of each face shipped: those it sets, and the invisible ones of
        the languages it sets (whatever order the pages were added in)."""
        return {face: chars | self._invisible.get((face[0].name, face[1]), set())
                for face, chars in self.faces.items()}


# Per (language, bold) of a page: the characters each (family name, weight) of the
# language's stack sets, and those that need no glyph of their own.
Contribution = tuple[tuple[str, bool, tuple[tuple[tuple[str, int], frozenset[str]], ...], frozenset[str]], ...]


def contribution_of(text: dict[tuple[str, bool], set[str]], where: Path, strict: bool = True) -> Contribution:
    """Which face sets each character of a page (``page_text``): the family the PDF sets
    it in; a character no family has is an error naming the page (``strict``), or left out."""
    out = []
    for (lang, bold), chars in sorted(text.items()):
        stack = configured_stack(lang)
        chosen = _families(stack, bold)
        invisible = set()
        faces: dict[tuple[str, int], set[str]] = {}
        for char in sorted(chars):
            if _invisible(char):
                invisible.add(char)
                continue
            family = chosen[char] if char in chosen else chosen.setdefault(char, _family_for(stack, char, bold))
            if family is None and not strict:
                continue
            if family is None:
                raise FontError(
                    f"character {char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}) of the "
                    f"{lang} text is not in any font of the {stack.script} stack "
                    f"({', '.join(f.name for f in stack.families)})", Location(where))
            # A shaper may split a character into its canonical parts (Bengali ো is
            # ে + া): the face keeps the parts too, else the browser draws a dotted circle.
            faces.setdefault((family.name, _weight(family, bold)), set()).update(_with_parts(char))
        ordered = tuple(sorted((key, frozenset(chars)) for key, chars in faces.items()))
        out.append((lang, bold, ordered, frozenset(invisible)))
    return tuple(out)


def _weight(family: Family, bold: bool) -> int:
    return 700 if bold and not family.synthetic_bold else 400  # one weight only: the browser emboldens it


@lru_cache(maxsize=None)  # asked for every character of every page
def _invisible(char: str) -> bool:
    return char in NO_GLYPH_NEEDED or unicodedata.category(char) in ("Zs", "Cc")


@lru_cache(maxsize=None)
def _with_parts(char: str) -> str:
    return char + unicodedata.normalize("NFD", char)


@lru_cache(maxsize=None)
def _families(stack: FontStack, bold: bool) -> dict[str, Family | None]:
    """The family of each character ``_family_for`` has found in ``stack``, by character:
    looked up once per page, not per character (a stack's hash walks all its families'
    fields: half the time of reading a page's characters)."""
    return {}


def _family_for(stack: FontStack, char: str, bold: bool) -> Family | None:
    """The family the PDF sets ``char`` in: the first of the stack whose face has it
    (private-use codes aside, as for the PDFs)."""
    code = ord(char)
    if is_private_use(code):
        return None
    for family in stack.families:
        if code in _cmap(family.bold if bold else family.regular):
            return family
    return None


@lru_cache(maxsize=None)
def _cmap(face: FaceFile):
    """The characters a face maps, as HarfBuzz reads them: its own set, asked in place
    (a frozen copy of a Chinese face's 34,600 codes took 6 ms, for the few hundred
    characters a site asks about)."""
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(str(face.locate())), face.index).unicodes


# ---------------------------------------------------------------------- subsetting


BROTLI_QUALITY = 10


class _Brotli:
    """The brotli module as fontTools' WOFF2 writer calls it, at ``BROTLI_QUALITY``: it
    asks for quality 11, which took 1.6 times as long for 0.5 % smaller files (the site's
    75 subsets: 4.4 s against 2.8 s of CPU, 755 KB against 759 KB)."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def compress(self, data, **options):
        return self._module.compress(data, **{**options, "quality": BROTLI_QUALITY})


@lru_cache(maxsize=1)
def _woff2_writer() -> None:
    """fontTools' WOFF2 writer with brotli at ``BROTLI_QUALITY`` and the glyf transform
    of ``woff2glyf`` (the same bytes, 40 % less time: the writer picks its glyf table
    class by this module-level name)."""
    from fontTools.ttLib import woff2

    from handouts.woff2glyf import transform

    if not isinstance(woff2.brotli, _Brotli):
        woff2.brotli = _Brotli(woff2.brotli)
    if not getattr(woff2.WOFF2GlyfTable, "handouts_transform", False):
        woff2.WOFF2GlyfTable = type("WOFF2GlyfTable", (woff2.WOFF2GlyfTable,),
                                    {"transform": transform, "handouts_transform": True})


def subset_face(face: FaceFile, chars: Iterable[str]) -> bytes:
    """``face`` cut to ``chars`` (and what its layout tables reach from them) as WOFF2.

    HarfBuzz cuts (hb-subset: milliseconds where fontTools' subsetter takes a second on a
    CJK face); fontTools writes WOFF2. Layout features, scripts and names are all kept:
    Arabic joining, Indic conjuncts and marks need them. Hinting is dropped (phones do
    not use it); the source's timestamps are kept."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    blob = hb.Blob.from_file_path(str(face.locate()))
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(sorted({ord(c) for c in chars} | {ord(c) for c in ALWAYS}))
    for kept in (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.LAYOUT_SCRIPT_TAG,
                 hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID):
        every = wanted.sets(kept)
        every.clear()
        every.invert()  # an empty set inverted: all of them
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    cut = hb.subset(hb.Face(blob, face.index), wanted)
    if cut is None:
        raise FontError(f"HarfBuzz could not subset {face.locate().name}")
    _woff2_writer()
    font = TTFont(io.BytesIO(cut.blob.data), recalcTimestamp=False, recalcBBoxes=False)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    font.close()
    return out.getvalue()


def _make_subset(item: tuple[FaceFile, frozenset[str]]) -> bytes:
    return subset_face(*item)


@lru_cache(maxsize=None)
def _outline_weight(face: FaceFile) -> float:
    """Bytes of outline per glyph, roughly: what a subset of ``face`` costs per character
    (a Chinese glyph is ten times a Latin one), to start the longest first."""
    path = face.locate()
    return max(1.0, path.stat().st_size / max(1, len(_cmap(face))))


class SubsetCache:
    """Subsets already made, on disk by what makes them (the face file, its index, the
    characters, the tools' versions): a rebuild pays for a subset once. New subsets
    are kept in memory until ``flush`` (after the build's files are in place: a build
    that fails leaves the output folder as it was, cache included)."""

    VERSION = "3"  # 2: brotli quality 10; 3: face files by path, size and time

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.pending: dict[Path, bytes] = {}
        self._face_digests: dict[Path, str] = {}
        self._made: dict[tuple[FaceFile, frozenset[str]], bytes] = {}  # by ``make``

    def _key(self, face: FaceFile, chars: frozenset[str]) -> str:
        import fontTools
        import uharfbuzz

        path = face.locate()
        if path not in self._face_digests:
            # As the PDFs' fingerprints take fonts (hashing the Chinese faces' 40 MB took
            # 50 ms of every build with pages).
            self._face_digests[path] = file_stamp(path)
        parts = [self.VERSION, str(BROTLI_QUALITY), uharfbuzz.__version__, fontTools.version, self._face_digests[path],
                 str(face.index), "".join(sorted(chars))]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def subset(self, face: FaceFile, chars: frozenset[str]) -> bytes:
        made = self._made.get((face, chars))
        if made is not None:
            return made
        if self.folder is None:
            return subset_face(face, chars)
        path = self.folder / f"{self._key(face, chars)}.woff2"
        data = read_cached(path)
        if data is None:
            data = subset_face(face, chars)
            self.pending[path] = data
        return data

    def make(self, wanted: Iterable[tuple[FaceFile, frozenset[str]]], jobs: int | None = None,
             meanwhile: Callable[[], None] | None = None) -> None:
        """Make the subsets ``wanted`` that are not on disk yet, on every core: WOFF2's
        compression takes most of the site's time (seconds for a first build), and each
        subset is independent of the others. ``subset`` then returns them."""
        from handouts.pool import default_jobs, run_tasks

        missing: list[tuple[FaceFile, frozenset[str]]] = []
        for face, chars in dict.fromkeys(wanted):
            if (face, chars) in self._made:
                continue
            path = self.folder / f"{self._key(face, chars)}.woff2" if self.folder is not None else None
            data = read_cached(path) if path is not None else None
            if data is not None:
                self._made[(face, chars)] = data
            else:
                missing.append((face, chars))
        workers = min(jobs or default_jobs(), len(missing))
        for index, data in run_tasks(missing, _make_subset, jobs=workers, meanwhile=meanwhile,
                                     cost=lambda item: len(item[1]) * _outline_weight(item[0])):
            face, chars = missing[index]
            self._made[(face, chars)] = data
            if self.folder is not None:
                self.pending[self.folder / f"{self._key(face, chars)}.woff2"] = data

    def flush(self) -> None:
        for path, data in sorted(self.pending.items()):
            write_cached(path, data)
        self.pending.clear()


def _face_file(family: Family, weight: int) -> FaceFile:
    return family.bold if weight == 700 else family.regular


def _stem(face: FaceFile) -> str:
    path = Path(face.file or face.path or "font")
    return f"{path.stem}-{face.index}" if face.index else path.stem


class WebFonts:
    """Collects the text of every page by page set, then writes the subsets and one
    stylesheet per set into ``fonts/``."""

    def __init__(self, cache: SubsetCache | None = None) -> None:
        self.sets: dict[str, PageSet] = {}
        self.cache = cache or SubsetCache(None)
        self._subsets: dict[tuple[FaceFile, frozenset[str]], tuple[str, bytes]] = {}

    @staticmethod
    def stylesheet(page_set: str) -> str:
        """The stylesheet of a page set, relative to the site's root."""
        return f"{FONTS_DIR}/{page_set}.css"

    def add_page(self, page_set: str, html: str, lang: str, where: Path) -> Contribution:
        """A page's characters; returns what they added (kept with a cached page)."""
        return self.sets.setdefault(page_set, PageSet(page_set)).add(page_text(html, lang), where)

    def add_contribution(self, page_set: str, contribution: Contribution) -> None:
        """What a page added before (``add_page``), for the same page taken from a cache."""
        self.sets.setdefault(page_set, PageSet(page_set)).merge(contribution)

    def _subset(self, face: FaceFile, chars: frozenset[str]) -> tuple[str, bytes]:
        key = (face, chars)
        if key not in self._subsets:
            data = self.cache.subset(face, chars)
            digest = hashlib.sha256(data).hexdigest()[:10]
            self._subsets[key] = (f"{_stem(face)}.{digest}.woff2", data)
        return self._subsets[key]

    def files(self, meanwhile: Callable[[], None] | None = None) -> dict[str, bytes]:
        """Every file to write, by its path under the site's root: the subsets and the
        stylesheets. ``meanwhile()`` runs while the subsets are made."""
        out: dict[str, bytes] = {}
        faces = {name: sorted(page_set.shipped().items(), key=lambda item: (item[0][0].name, item[0][1]))
                 for name, page_set in sorted(self.sets.items())}
        self.cache.make([(_face_file(family, weight), frozenset(chars))
                         for shipped_faces in faces.values() for (family, weight), chars in shipped_faces],
                        meanwhile=meanwhile)
        for name, page_set in sorted(self.sets.items()):
            rules = [f"/* Web fonts of the {name} pages: subsets of the faces the PDFs embed. */"]
            shipped: set[Family] = set()
            for (family, weight), chars in faces[name]:
                file_name, data = self._subset(_face_file(family, weight), frozenset(chars))
                out[f"{FONTS_DIR}/{file_name}"] = data
                shipped.add(family)
                rules.append(
                    f"@font-face {{ font-family: '{family.name}'; font-style: normal; font-weight: {weight}; "
                    f"font-display: swap; src: url('{file_name}') format('woff2'); }}")
            for lang, stack in sorted(page_set.languages.items(), key=lambda item: (len(item[0]), item[0])):
                families = ", ".join(f"'{f.name}'" for f in stack.families if f in shipped)
                rules.append(f":lang({lang}) {{ font-family: {families + ', ' if families else ''}sans-serif; "
                             f"--leading: {stack.spacing + SCREEN_LEADING:g}; }}")
            out[self.stylesheet(name)] = ("\n".join(rules) + "\n").encode("utf-8")
        return out


__all__ = ["WebFonts", "SubsetCache", "Contribution", "contribution_of", "page_text", "subset_face", "BOLD_TAGS",
           "FONTS_DIR"]
