"""Reading YAML as nodes, so every value keeps the line it was written on.

Input is read defensively: a file larger than its limit is refused before it is read,
anchors and aliases (``&name``, ``*name``: the "billion laughs" attack) are refused in
catalogs, settings and state files (the manifest may use a few), and every scalar is
resolved once while reading, so a bad tag (``!!python/name:...``), an impossible date
(``2026-13-45``) or a lone surrogate (``"\\ud800"``) is an error with its line rather
than a crash later.

Files are parsed with libyaml (PyYAML's C parser) when PyYAML was built with it: ten
times faster than the pure-Python parser, which is kept for the files it cannot vouch
for (any ``&`` or ``*``, where anchors and aliases must be counted) and for naming the
problem in a file libyaml rejects.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from handouts.errors import HandoutsError, Location, shorten
from handouts.files import read_text

DEFAULT_LIMIT = 1 << 20  # 1 MB
YAML = "tag:yaml.org,2002:"
STR = YAML + "str"
ALLOWED_TAGS = {YAML + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


_SURROGATE = re.compile("[\ud800-\udfff]")
FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # None where PyYAML was built without libyaml


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, counting the aliases it is allowed to follow."""

    def __init__(self, text: str, aliases: int):
        super().__init__(text)
        self.aliases_left = aliases
        self.allow_anchors = aliases > 0

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if self.aliases_left <= 0:
                raise yaml.composer.ComposerError(None, None, _alias_problem(self.allow_anchors), event.start_mark)
            self.aliases_left -= 1
        elif getattr(event, "anchor", None) and not self.allow_anchors:
            raise yaml.composer.ComposerError(None, None, _alias_problem(False), event.start_mark)
        return super().compose_node(parent, index)


def load_data(text: str):
    """The plain data of the engine's own YAML files (layout policy, font stacks,
    pictogram notes): read with libyaml where PyYAML has it, as every command reads
    them. Content files go through ``compose_text``, which names lines in its errors."""
    return yaml.load(text, Loader=FAST_LOADER or yaml.SafeLoader)


def _alias_problem(allowed: bool) -> str:
    if allowed:
        return "too many YAML aliases (*name); write the values out"
    return "YAML anchors and aliases (&name, *name) are not allowed in this file; write the value out"


def compose_text(text: str, path: Path, error: type[HandoutsError], *, aliases: int = 0,
                 key_root: str | None = None) -> yaml.Node:
    """Parse ``text`` (the contents of ``path``) into a checked node tree. Errors in a
    value name its dotted key (without ``key_root``: a catalog's ``messages``)."""
    node = _compose_fast(text)
    if node is None:
        node = _compose_checked(text, path, error, aliases)
    if node is None:
        raise error("file is empty", Location(path))
    _check_scalars(node, path, error, key_root)
    return node


def _compose_fast(text: str) -> yaml.Node | None:
    """libyaml's node tree, or None (empty, or a file for the careful parser). Without an
    ``&`` or a ``*`` a file holds no anchor or alias, so nothing needs counting."""
    if FAST_LOADER is None or "&" in text or "*" in text:
        return None
    loader = FAST_LOADER(text)
    try:
        return loader.get_single_node()
    except Exception:  # libyaml's errors, or text it cannot encode (a lone surrogate)
        return None  # the pure-Python parser names the problem and its line
    finally:
        loader.dispose()


def _compose_checked(text: str, path: Path, error: type[HandoutsError], aliases: int) -> yaml.Node | None:
    loader = _Loader(text, aliases)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", Location(path, line)) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise error(f"contains the character U+{exc.character:04X}, which YAML does not allow; remove it"
                    if isinstance(exc.character, int) else "contains a character YAML does not allow",
                    Location(path, line)) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {shorten(str(exc), 120)}", Location(path)) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", Location(path)) from None
    finally:
        loader.dispose()


def compose_file(path: Path, error: type[HandoutsError], *, limit: int = DEFAULT_LIMIT, aliases: int = 0,
                 what: str = "file", key_root: str | None = None) -> yaml.Node:
    """Read ``path`` (a regular file of at most ``limit`` bytes) into a checked node tree;
    any problem becomes ``error`` with file and line."""
    return compose_text(read_text(path, error, limit, what), path, error, aliases=aliases, key_root=key_root)


def _tag_name(tag: str) -> str:
    short = "!!" + tag.removeprefix(YAML) if tag.startswith(YAML) else tag
    return short if len(short) <= 40 else short[:39] + "…"


def _check_scalars(root: yaml.Node, path: Path, error: type[HandoutsError], key_root: str | None) -> None:
    """Every scalar has a plain YAML type and resolves to a value (nodes an alias shares
    are visited once)."""
    seen: set[int] = set()
    pending: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]

    def problem(message: str, node: yaml.Node, keys: tuple[str, ...]) -> HandoutsError:
        if keys and keys[0] == key_root:
            keys = keys[1:]
        return error(message, Location(path, node.start_mark.line + 1), ".".join(keys)[:80] or None)

    while pending:
        node, keys = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            raise problem(f"the YAML tag {_tag_name(node.tag)} is not allowed here (only text, numbers, dates, "
                          "lists and mappings)", node, keys)
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                pending.extend(((value, (*keys, name)), (key_node, keys)))
            continue
        if isinstance(node, yaml.SequenceNode):
            pending.extend((item, keys) for item in reversed(node.value))
            continue
        surrogate = _SURROGATE.search(node.value)
        if surrogate is not None:
            raise problem(f"contains a lone surrogate (U+{ord(surrogate.group()):04X}), which is not a character; "
                          "remove it", node, keys)
        if node.tag == STR:
            continue  # text resolves to itself
        try:
            construct(node)
        except Exception:  # PyYAML raises several kinds for a value it cannot resolve
            kind = node.tag.removeprefix(YAML)
            if kind == "timestamp":
                message = f"{shorten(node.value)} is not a valid date (write YYYY-MM-DD; put other text in quotes)"
            else:
                message = f"{shorten(node.value)} is not a valid {kind} (put text in quotes)"
            raise problem(message, node, keys) from None


def mapping_items(
    node: yaml.Node, path: Path, what: str, error: type[HandoutsError]
) -> list[tuple[str, yaml.Node, int]]:
    """The (key, value node, line) triples of a mapping; duplicate keys are an error."""
    if not isinstance(node, yaml.MappingNode):
        raise error(f"{what} must be a mapping of keys to values", Location(path, node.start_mark.line + 1))
    items = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise error("keys must be plain words", Location(path, line))
        key = str(key_node.value)
        if key in seen:
            raise error("key appears twice", Location(path, line), key if len(key) <= 80 else key[:79] + "…")
        seen.add(key)
        items.append((key, value_node, line))
    return items


def construct(node: yaml.Node) -> object:
    """Resolve a node to a Python value with YAML's safe rules."""
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
