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
