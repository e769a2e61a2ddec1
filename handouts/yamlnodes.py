"""Reading YAML as nodes, so every value keeps the line it was written on."""

from __future__ import annotations

from pathlib import Path

import yaml

from handouts.errors import HandoutsError, Location


def compose_file(path: Path, error: type[HandoutsError]) -> yaml.Node:
    """Parse ``path`` into a node tree; any problem becomes ``error`` with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", Location(path)) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason})", Location(path)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", Location(path, line)) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", Location(path)) from None
    if node is None:
        raise error("file is empty", Location(path))
    return node


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
            raise error("key appears twice", Location(path, line), key)
        seen.add(key)
        items.append((key, value_node, line))
    return items


def construct(node: yaml.Node) -> object:
    """Resolve a node to a Python value with YAML's safe rules."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
