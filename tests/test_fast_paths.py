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
