"""The fast paths give what the careful ones give: libyaml against PyYAML's own parser."""

from __future__ import annotations

import yaml

import handouts.yamlnodes as yamlnodes
from handouts.errors import CatalogError
from tests.conftest import ROOT


def _tree(node: yaml.Node):
    """Everything a reader of the node tree uses: types, tags, values, line and column marks."""
    marks = (node.start_mark.line, node.start_mark.column, node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        return ("map", node.tag, marks, [(_tree(k), _tree(v)) for k, v in node.value])
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, marks, [_tree(v) for v in node.value])
    return ("scalar", node.tag, marks, node.value, node.style or None)


def test_libyaml_reads_every_project_file_as_the_pure_python_parser_does(monkeypatch):
    assert yamlnodes.FAST_LOADER is not None, "PyYAML without libyaml: every command reads YAML 7x slower"
    files = sorted((ROOT / "locales").rglob("*.yaml")) + [ROOT / "project.yaml", ROOT / "handouts.example.yaml"]
    fast = [_tree(yamlnodes.compose_file(f, CatalogError, aliases=10)) for f in files]
    monkeypatch.setattr(yamlnodes, "FAST_LOADER", None)
    careful = [_tree(yamlnodes.compose_file(f, CatalogError, aliases=10)) for f in files]
    assert len(files) > 50 and fast == careful


def test_a_file_with_an_anchor_is_read_by_the_parser_that_counts_them(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: &one 1\nb: *one\n", encoding="utf-8")
    try:
        yamlnodes.compose_file(path, CatalogError)
    except CatalogError as error:
        assert "anchors and aliases" in error.message and error.where.line == 1
    else:
        raise AssertionError("an anchor in a catalog was accepted")


def test_the_characters_a_text_may_not_hold_are_found_by_their_unicode_properties():
    """``forbidden_character`` (one regular expression) against the definition read from
    Unicode's properties, for every code point: controls but tab and line break,
    surrogates, the line and paragraph separators, the noncharacters."""
    import unicodedata

    from handouts.catalog import forbidden_character

    def forbidden(code: int) -> bool:
        char = chr(code)
        return (unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n") or code in (0x2028, 0x2029) \
            or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFF in (0xFFFE, 0xFFFF)

    for code in range(0x110000):
        char = chr(code)
        assert (forbidden_character(f"ok {char} ok") == char) == forbidden(code), hex(code)
    assert forbidden_character("a\x01b\x02") == "\x01"  # the first one


def _every_face():
    """Each face file fonts.yaml names (every script's), once."""
    from handouts.layout.fonts import all_families

    faces = {}
    for family in all_families():
        for face in (family.regular, family.bold):
            faces[(face.locate(), face.index)] = face
    return faces


def _reading(font) -> dict:
    """Everything ReportLab keeps of a font, its face's conversion function as what it gives."""
    face = dict(vars(font.face))
    scale = face.pop("_pdfScale")
    face["_pdfScale(1234)"] = scale(1234)
    face.update({f"{name}.ustr": value.ustr for name, value in face.items() if hasattr(value, "ustr")})
    face["_types"] = {name: type(value).__name__ for name, value in face.items()}
    own = {name: value for name, value in vars(font).items() if name not in ("face", "state", "encoding")}
    return {"font": own, "state": type(font.state).__name__, "encoding": vars(font.encoding), "face": face}


def test_a_face_read_from_the_cache_is_the_face_reportlab_reads(tmp_path, monkeypatch):
    """ReportLab's reading of each face (Latin, Vietnamese, Cyrillic, Arabic, Indic, both
    Chinese and Korean; a collection's subfont too) kept on disk and read back in a new
    process: the same font, value for value, without ReportLab reading the tables."""
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

    from handouts.layout import facecache

    faces = _every_face()
    assert len(faces) >= 14 and any(index for _, index in faces)  # a subfont of a collection among them
    fresh = {key: _reading(TTFont("Kept", str(key[0]), subfontIndex=key[1], shapable=True)) for key in faces}
    facecache.keep_faces_in(tmp_path)
    try:
        for path, index in faces:
            assert _reading(facecache.tt_font("Kept", path, index)) == fresh[(path, index)]  # read, then kept
        assert len(list(tmp_path.glob("*.marshal"))) == len(faces)

        def not_read(self, *args, **kwargs):
            raise AssertionError("the tables were read again, not taken from the cache")

        monkeypatch.setattr(TTFontFile, "extractInfo", not_read)
        for path, index in faces:
            assert _reading(facecache.tt_font("Kept", path, index)) == fresh[(path, index)]
    finally:
        facecache.keep_faces_in(None)


def test_a_face_cache_entry_is_not_used_for_another_file_or_when_damaged(tmp_path):
    """A font file replaced (another size or time) is read again; so is a damaged entry."""
    import os
    import shutil

    from handouts.layout import facecache

    path, index = next((p, i) for p, i in _every_face() if p.name.startswith("AtkinsonHyperlegible-Regular"))
    copy = tmp_path / "face.ttf"
    shutil.copyfile(path, copy)
    kept = tmp_path / "kept"
    facecache.keep_faces_in(kept)
    try:
        facecache.tt_font("Kept", copy, index)
        (entry,) = kept.glob("*.marshal")
        stat = copy.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # the file "replaced"
        facecache.tt_font("Kept", copy, index)
        assert len(list(kept.glob("*.marshal"))) == 2
        for entry in kept.glob("*.marshal"):
            entry.write_bytes(entry.read_bytes()[:-10])  # cut short: its checksum fails
        font = facecache.tt_font("Kept", copy, index)
        assert font.face.charWidths and font.face.name.ustr.startswith("AtkinsonHyperlegible")
    finally:
        facecache.keep_faces_in(None)


def _babel_merged(tag: str) -> bytes:
    """Babel's own merged CLDR data for ``tag``, in a table of its own, as pickle bytes
    (its Alias objects compare by identity: the bytes show the data and its sharing)."""
    import pickle

    from babel import localedata

    from handouts.formatting import babel_locale

    return pickle.dumps(localedata.load(str(babel_locale(tag))), protocol=pickle.HIGHEST_PROTOCOL)


def test_a_languages_cldr_data_from_the_cache_is_babels_own_merge(tmp_path, monkeypatch):
    """Every language of the project (and an inheriting one: pt-BR from pt from root):
    merged by Babel and kept, then in a process with none loaded, taken from the cache
    without Babel merging anything, and the same data, byte for byte, as Babel's."""
    import pickle

    from babel import localedata as babel_data
    from babel.dates import format_date
    from babel.numbers import format_decimal

    from handouts import localedata
    from handouts.formatting import babel_locale
    from handouts.project import Project

    tags = sorted(set(Project.load(ROOT).locale_tags()) | {"pt-BR"})
    assert len(tags) >= 16
    monkeypatch.setattr(babel_data, "_cache", {})
    expected = {tag: _babel_merged(tag) for tag in tags}
    localedata.keep_locale_data_in(tmp_path)
    try:
        monkeypatch.setattr(babel_data, "_cache", {})
        for tag in tags:
            localedata.load_locale_data(tag)  # merged by Babel, and kept
        assert len(list(tmp_path.glob("*.pickle"))) == len(tags)
        fresh: dict = {}
        monkeypatch.setattr(babel_data, "_cache", fresh)
        merged_by_babel = babel_data.load

        def not_merged(name, merge_inherited=True):
            if name not in fresh:
                raise AssertionError(f"Babel merged {name} again: not taken from the cache")
            return merged_by_babel(name, merge_inherited)

        monkeypatch.setattr(babel_data, "load", not_merged)
        for tag in tags:
            localedata.load_locale_data(tag)
            name = str(babel_locale(tag))
            assert pickle.dumps(fresh[name], protocol=pickle.HIGHEST_PROTOCOL) == expected[tag], tag
        import datetime

        for tag in tags:  # and Babel formats with it, as with its own
            locale = babel_locale(tag)
            assert format_date(datetime.date(2026, 3, 1), format="long", locale=locale)
            assert format_decimal(1234.5, locale=locale)
    finally:
        localedata.keep_locale_data_in(None)


def test_a_cldr_cache_entry_damaged_or_from_another_babel_is_not_used(tmp_path, monkeypatch):
    from babel import localedata as babel_data

    from handouts import localedata

    monkeypatch.setattr(babel_data, "_cache", {})
    expected = _babel_merged("es")
    localedata.keep_locale_data_in(tmp_path)
    try:
        monkeypatch.setattr(babel_data, "_cache", {})
        localedata.load_locale_data("es")
        (entry,) = tmp_path.glob("*.pickle")
        entry.write_bytes(entry.read_bytes()[:-10])  # cut short: its checksum fails
        monkeypatch.setattr(babel_data, "_cache", {})
        localedata.load_locale_data("es")
        assert _babel_merged("es") == expected  # merged again by Babel, and kept again whole
        monkeypatch.setattr(babel_data, "_cache", {})
        monkeypatch.setattr(localedata.babel, "__version__", "0.0-another")
        assert localedata._kept_path("es") != entry
        localedata.load_locale_data("es")
        assert len(list(tmp_path.glob("*.pickle"))) == 2
    finally:
        localedata.keep_locale_data_in(None)


def _run_command(tmp_path, preamble: str, *args: str):
    import subprocess
    import sys

    code = "\n".join([
        "import atexit, sys, threading, time",
        preamble,
        f"sys.argv = ['handouts', *{list(args)!r}]",
        "from handouts.cli import run",
        "run()",
    ])
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_command_ends_with_its_exit_code_its_output_whole_and_exit_handlers_run(tmp_path):
    """``run`` ends the process without Python's object-by-object teardown, but as
    ``main`` would: the same exit code, all it printed, the exit handlers run."""
    done = _run_command(tmp_path, "atexit.register(lambda: print('handler ran', file=sys.stderr))",
                        "list", "--project", str(ROOT))
    assert done.returncode == 0, done.stderr
    assert "handler ran" in done.stderr
    assert "overview" in done.stdout and done.stdout.endswith("\n")
    bad = _run_command(tmp_path, "", "list", "--project", str(tmp_path / "nowhere"))
    assert bad.returncode == 2 and "handouts: error:" in bad.stderr


def test_the_command_waits_for_a_thread_still_at_work(tmp_path):
    """With a thread of the process still running, the exit is Python's own, which waits for it."""
    preamble = ("threading.Thread(target=lambda: (time.sleep(0.5), print('thread finished', flush=True))).start()")
    done = _run_command(tmp_path, preamble, "list", "--project", str(ROOT))
    assert done.returncode == 0, done.stderr
    assert "thread finished" in done.stdout


def test_a_face_with_another_character_map_format_is_read_as_reportlab_reads_it(tmp_path):
    """A character map in a format the bulk reader leaves to ReportLab (6 here; this
    project's faces use 4 and 12): the same reading as ReportLab's own."""
    from fontTools.ttLib import TTFont as ToolsFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
    from reportlab.pdfbase.ttfonts import TTFont

    from handouts.layout import facecache

    path = next(p for p, _ in _every_face() if p.name.startswith("AtkinsonHyperlegible-Regular"))
    font = ToolsFont(str(path))
    best = font["cmap"].getBestCmap()
    table = CmapSubtable.newSubtable(6)
    table.platformID, table.platEncID, table.language = 3, 1, 0
    table.cmap = {code: best[code] for code in range(0x20, 0x7F) if code in best}
    font["cmap"].tables = [table]
    changed = tmp_path / "format6.ttf"
    font.save(str(changed))
    assert _reading(facecache.tt_font("Kept", changed, 0)) == _reading(TTFont("Kept", str(changed), shapable=True))


def test_a_kept_tounicode_map_is_the_one_its_glyph_texts_make():
    """ToUnicode maps are kept by font, subset and the texts of the subset's glyphs: a
    document in which a private-use glyph stands for other characters gets its own map."""
    from handouts.layout import rl_patches

    subset = [0, 0x41, 0xE000, 0x42]
    rl_patches.begin_document()
    rl_patches.GLYPH_TEXT[("Face", 0xE000)] = "\u0915\u094d\u0937"
    first = rl_patches._to_unicode_cmap("AAAAAA+Face", subset)
    assert "<02> <0915094D0937>" in first and "<01> <0041>" in first and "<00>" not in first.split("beginbfchar")[1]
    assert rl_patches._to_unicode_cmap("AAAAAA+Face", subset) == first
    rl_patches.begin_document()
    rl_patches.GLYPH_TEXT[("Face", 0xE000)] = "\u0924\u094d\u0930"
    second = rl_patches._to_unicode_cmap("AAAAAA+Face", subset)
    assert "<02> <0924094D0930>" in second and second != first
    rl_patches.begin_document()


def test_a_damaged_font_file_is_named_in_a_one_line_error(tmp_path):
    """A face file cut short (a broken package, a copy interrupted) stops with a font error
    naming the file, not an internal error from deep in the font reader; nothing is kept."""
    import pytest

    from handouts.errors import FontError
    from handouts.layout import facecache

    path = next(p for p, _ in _every_face() if p.name.startswith("AtkinsonHyperlegible-Regular"))
    data = path.read_bytes()
    kept = tmp_path / "kept"
    facecache.keep_faces_in(kept)
    try:
        for cut in (100, 5000, len(data) // 2):
            damaged = tmp_path / f"cut-{cut}.ttf"
            damaged.write_bytes(data[:cut])
            with pytest.raises(FontError) as raised:
                facecache.tt_font("Damaged", damaged, 0)
            assert damaged.name in str(raised.value) and "\n" not in str(raised.value)
        assert not kept.exists() or not list(kept.iterdir())
    finally:
        facecache.keep_faces_in(None)


def test_library_versions_read_from_folder_names_are_those_importlib_metadata_gives():
    """The engine's fingerprint names each drawing library's version as pip recorded it;
    read from the ``*.dist-info`` folders, it must be what ``importlib.metadata`` says."""
    import importlib.metadata

    from handouts.fingerprints import DRAWING_LIBRARIES, installed_versions

    found = installed_versions([*DRAWING_LIBRARIES, "no-such-library-here"])
    assert found == {name: importlib.metadata.version(name) for name in DRAWING_LIBRARIES}


def test_a_one_handout_command_loads_no_module_it_does_not_use(tmp_path):
    """What only a build on several processes (multiprocessing) or nothing in a build
    (importlib.metadata, importlib.abc, Babel's global data, urllib.request through
    xml.sax.saxutils) needs is not loaded by a build drawn in one process: each cost
    every such command 5-16 ms."""
    import shutil

    project = tmp_path / "project"
    project.mkdir()
    for name in ("project.yaml", "locales", "templates"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, project / name)
    args = ("build", "--project", str(project), "--output", str(tmp_path / "out"), "--locale", "es",
            "--handout", "overview", "--paper", "a4", "--no-large-print", "--quiet")
    _run_command(tmp_path, "", *args)  # the pictograms' drawings are then in the project's cache
    report = ("import babel.core; atexit.register(lambda: print(sorted(m for m in ('multiprocessing', "
              "'importlib.metadata', 'importlib.abc', 'urllib.request', 'xml.sax', 'handouts.pdf.structure') "
              "if m in sys.modules), babel.core._global_data is None))")
    done = _run_command(tmp_path, report, *args, "--force")  # drawn again (else it is up to date: nothing drawn)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "['handouts.pdf.structure'] True"


def test_markup_escaped_by_the_standard_library_reads_back_as_written():
    """Text and link addresses reach ReportLab's paragraph parser escaped by ``html.escape``
    (``xml.sax.saxutils``, used before, imports ``urllib.request``: 16 ms a command): the
    parser gives back exactly the characters and the address, markup characters,
    quotes and controls included, as it did with saxutils' escaping."""
    from xml.sax.saxutils import quoteattr

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paraparser import ParaParser

    from handouts.document import Span
    from handouts.layout.flowables import inline_markup

    def parsed(markup: str) -> tuple[str, list]:
        fragments = ParaParser().parse(markup, ParagraphStyle("body"))[1]
        return "".join(f.text for f in fragments), [getattr(f, "link", None) for f in fragments]

    for text, href in [("Call <now> & \"go\" 'in'", "tel:+15550100142"),
                       ("a", "https://example.org/a?b=1&c='2'&d=\"3\"<>"), ("b", "https://example.org/\tx")]:
        text_back, links = parsed(inline_markup((Span(text, href=href),)))
        assert text_back == text and all(link == [(0, href)] for link in links), (text, href)
        assert parsed(f"<a href={quoteattr(href)}>x</a>")[1] == [[(0, href)]]


def test_web_fonts_find_a_characters_family_in_harfbuzzs_set_private_use_aside():
    """The web fonts' family for a character: the first face of the stack that maps it,
    asked of HarfBuzz's own set of the face's characters; a private-use code is no
    family's (as in the PDFs)."""
    import uharfbuzz

    from handouts.layout.fonts import configured_stack
    from handouts.webfonts import _family_for

    stack = configured_stack("zh-Hant")  # Latin first, then AR PL UMing (which maps private-use codes)
    uming = next(family for family in stack.families if family.name == "ArphicUmingTw")
    face = uming.regular
    mapped = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(face.locate())), face.index).unicodes
    private = [code for code in mapped if 0xE000 <= code <= 0xF8FF]
    assert private, "this face should map private-use codes"
    assert _family_for(stack, "A", False) == stack.families[0]
    assert _family_for(stack, "\u4e00", False) == uming
    assert _family_for(stack, "\U0010fff0", False) is None
    assert _family_for(stack, chr(private[0]), False) is None


def test_a_fonts_characters_are_those_of_its_own_map_not_private_use_codes_given_by_shaping():
    from reportlab.pdfbase import pdfmetrics

    from handouts.layout.fonts import has_char, stack_for
    from handouts.layout.rl_patches import _private_codes

    name = stack_for("hi").regular_name
    font = pdfmetrics.getFont(name)
    assert has_char(name, ord("\u0915")) and not has_char(name, ord("\u4e00"))
    gid, code = next(iter(_private_codes(font).items()))  # a conjunct's glyph, no Unicode value
    font.hbFont(1000)  # what sets up the private-use bookkeeping (``rl_patches._hb_font``)
    font.hbAddPrivate(None, gid, 0)
    assert font.face.charToGlyph.get(code) == gid and not has_char(name, code)


def test_harfbuzz_reads_the_font_file_mapped_and_falls_back_to_reportlabs_bytes(tmp_path):
    """The face HarfBuzz shapes with is the file ReportLab read: mapped from disk while
    it is the size ReportLab read, else from ReportLab's own copy of its bytes."""
    import os

    import uharfbuzz

    from handouts.layout.fonts import stack_for
    from handouts.layout.rl_patches import _blob
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(stack_for("ko").regular_name).face
    mapped = _blob(face)
    assert len(mapped) == len(face._ttf_data) == os.path.getsize(face.filename)

    class Moved:
        filename = str(tmp_path / "gone.ttf")
        _ttf_data = face._ttf_data

    copied = _blob(Moved())
    assert len(copied) == len(face._ttf_data)
    shaped = []
    for blob in (mapped, copied):
        buffer = uharfbuzz.Buffer()
        buffer.add_str("\ud55c\uad6d\uc5b4")
        buffer.guess_segment_properties()
        uharfbuzz.shape(uharfbuzz.Font(uharfbuzz.Face(blob)), buffer)
        shaped.append([info.codepoint for info in buffer.glyph_infos])
    assert shaped[0] == shaped[1] and 0 not in shaped[0]
