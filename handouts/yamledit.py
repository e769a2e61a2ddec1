"""Editing a catalog file in place, changing only the lines of the values that change.

A translator's file is theirs: comments, key order, quoting and line wrapping stay
byte for byte as written. A changed value replaces its old lines (the key's line and
any continuation lines of a folded or multi-line value) with one line, the text
double-quoted; a key the file lacks is added at the end of its group. The result is
read back by the catalog loader before anything is written (see ``locale_files``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from handouts.errors import CatalogError, Location
from handouts.yamlnodes import compose_text

# A value: a text, or the (CLDR category, text) pairs of a text that varies by number.
Value = str | tuple[tuple[str, str], ...]

# Characters a YAML double-quoted scalar must not hold raw: C1 controls and DEL are not
# allowed, U+0085, U+2028 and U+2029 would be read as line breaks, U+FEFF is a BOM.
_ESCAPE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line (JSON's escapes are YAML's)."""
    return _ESCAPE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ._()-]*[A-Za-z0-9.)]|[A-Za-z]")


def scalar(value: object) -> str:
    """A meta value as YAML: a name or a word plain where YAML reads it back as that text,
    dates quoted (translation tools read dates as text), anything else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return quote(value.isoformat())
    text = str(value)
    if _PLAIN_RE.fullmatch(text) and yaml.safe_load(text) == text:
        return text
    return quote(text)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


class _Editor:
    def __init__(self, text: str, path: Path):
        self.text = text
        self.path = path
        self.edits: list[_Edit] = []
        self.inserts: dict[int, list[str]] = {}

    def fail(self, message: str, node: yaml.Node | None, key: str) -> CatalogError:
        line = node.start_mark.line + 1 if node is not None else 0
        return CatalogError(message, Location(self.path, line), key)

    @staticmethod
    def find(mapping: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == name:
                return key_node, value_node
        return None

    def set(self, mapping: yaml.Node, parts: list[str], value: Value | object, full: str, render) -> None:
        node = mapping
        for depth, part in enumerate(parts[:-1]):
            if not isinstance(node, yaml.MappingNode):
                raise self.fail("is not a group of texts", node, ".".join(parts[:depth]) or full)
            found = self.find(node, part)
            if found is None:
                self.insert(node, parts[depth:], value, full, render)
                return
            node = found[1]
        if not isinstance(node, yaml.MappingNode):
            raise self.fail("is not a group of texts", node, ".".join(parts[:-1]) or full)
        found = self.find(node, parts[-1])
        if found is None:
            self.insert(node, parts[-1:], value, full, render)
            return
        key_node, value_node = found
        start, end = key_node.end_mark.index, value_node.end_mark.index
        original = self.text[start:end]
        trailing = original[len(original.rstrip()):]
        indent = key_node.start_mark.column
        if node.flow_style and not isinstance(value, str):
            raise self.fail("write this group in block style (one key a line) to give it plural forms",
                            node, full)
        self.edits.append(_Edit(start, end, render(value, indent) + trailing))

    def insert(self, mapping: yaml.MappingNode, parts: list[str], value: object, full: str, render) -> None:
        """Add ``parts`` (groups, then the key) at the end of ``mapping``."""
        if mapping.flow_style or not mapping.value:
            raise self.fail("cannot add a key to this group: write it in block style (one key a line)",
                            mapping, full)
        indent = mapping.value[0][0].start_mark.column
        lines = [" " * (indent + 2 * depth) + f"{group}:" for depth, group in enumerate(parts[:-1])]
        leaf_indent = indent + 2 * (len(parts) - 1)
        lines.append(" " * leaf_indent + parts[-1] + render(value, leaf_indent))
        end = mapping.value[-1][1].end_mark.index
        if end == 0 or self.text[end - 1] != "\n":
            newline = self.text.find("\n", end)
            end = len(self.text) if newline < 0 else newline + 1
        self.inserts.setdefault(end, []).append("\n".join(lines) + "\n")

    def result(self) -> str:
        text = self.text
        changes = [(e.start, e.end, e.text, 1) for e in self.edits]
        changes += [(pos, pos, "".join(parts), 2) for pos, parts in self.inserts.items()]
        for start, end, new, _ in sorted(changes, key=lambda c: (c[0], c[3]), reverse=True):
            if start == end == len(text) and text and not text.endswith("\n"):
                new = "\n" + new
            text = text[:start] + new + text[end:]
        return text


def _message(value: Value, indent: int) -> str:
    if isinstance(value, str):
        return f": {quote(value)}"
    inner = " " * (indent + 2)
    return ":" + "".join(f"\n{inner}{category}: {quote(text)}" for category, text in value)


def _meta(value: object, indent: int) -> str:
    return f": {scalar(value)}"


def edit_catalog(text: str, path: Path, values: Mapping[str, Value] = {}, meta: Mapping[str, object] = {}) -> str:
    """``text`` (a catalog file's contents) with ``values`` (dotted key -> text) and
    ``meta`` fields set; every other byte stays as it is."""
    root = compose_text(text, path, CatalogError)
    if not isinstance(root, yaml.MappingNode):
        raise CatalogError("the file must be a mapping with meta and messages", Location(path, 1))
    editor = _Editor(text, path)
    blocks = {name: editor.find(root, name) for name in ("meta", "messages")}
    for name, found in blocks.items():
        if found is None:
            raise CatalogError(f"the file needs a top-level '{name}:' block", Location(path, 1))
    for key, value in values.items():
        editor.set(blocks["messages"][1], key.split("."), value, key, _message)
    for field, value in meta.items():
        editor.set(blocks["meta"][1], [field], value, f"meta.{field}", _meta)
    return editor.result()


__all__ = ["edit_catalog", "quote", "scalar", "Value"]
