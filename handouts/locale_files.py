"""Writing locale files for translators: new files, changed values, review sign-off.

Edits go through ruamel.yaml's round-trip mode, so a translator's comments, key order
and quoting stay as they wrote them; only the changed values change.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from pathlib import Path

from babel import Locale
from ruamel.yaml import YAML

from handouts.files import write_atomically
from handouts.catalog import PLURAL_CATEGORIES, Catalog
from handouts.errors import CatalogError, Location, UsageError
from handouts.formatting import language_name
from handouts.state import is_reviewed, is_stale, load_state, mark_current, mark_reviewed, save_state


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def update_locale_file(path: Path, values: Mapping[str, str] = {}, meta: Mapping[str, object] = {}) -> None:
    """Set message values (by dotted key) and meta fields, keeping everything else."""
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    for key, text in values.items():
        node = data["messages"]
        *parents, last = key.split(".")
        for part in parents:
            if part not in node:
                raise CatalogError("no such group in the file", Location(path), key)
            node = node[part]
        node[last] = text
    for field, value in meta.items():
        data["meta"][field] = value
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomically(path, out.getvalue().encode("utf-8"))


def mark_keys_current(state_path: Path, catalog: Catalog, source: Catalog, keys: list[str] | None) -> int:
    """Record that ``keys`` (default: every translated key) match today's English text."""
    state = load_state(state_path)
    chosen = keys or [k for k, m in catalog.messages.items() if m.text and k in source.messages]
    for key in chosen:
        if key not in source.messages:
            raise UsageError(f"{key}: not a key of the English source")
        message = catalog.messages.get(key)
        if message is None or not message.text:
            raise UsageError(f"{key}: not translated in {catalog.path.name}")
        mark_current(state, key, source.messages[key].text)
    save_state(state_path, state, list(source.messages))
    return len(chosen)


def review(state_path: Path, catalog: Catalog, source: Catalog, by: str, on: dt.date,
           keys: list[str] | None = None) -> tuple[int, bool]:
    """Sign off the current text of ``keys`` (default: all). When every key is reviewed
    and current, the file's status becomes ``reviewed`` with the reviewer and date."""
    state = load_state(state_path)
    chosen = keys or list(source.messages)
    for key in chosen:
        message = catalog.messages.get(key)
        if key not in source.messages:
            raise UsageError(f"{key}: not a key of the English source")
        if message is None or not message.text:
            raise UsageError(f"{key}: not translated, nothing to review")
        if is_stale(state.get(key), source.messages[key].text):
            raise UsageError(f"{key}: out of date with the English text; update it before review")
        mark_reviewed(state, key, message.text, by, on)
    save_state(state_path, state, list(source.messages))
    complete = all(
        (m := catalog.messages.get(k)) is not None and is_reviewed(state.get(k), m.text)
        and not is_stale(state.get(k), e.text)
        for k, e in source.messages.items()
    )
    if complete:
        update_locale_file(catalog.path, meta={"status": "reviewed", "reviewed_by": by, "reviewed_on": on})
    return len(chosen), complete


def new_locale(path: Path, state_path: Path, source: Catalog, tag: str) -> Path:
    """Scaffold one catalog in a new language: every key, empty, the source text beside it."""
    if path.exists():
        raise UsageError(f"{path} already exists")
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except Exception:
        raise UsageError(f"{tag!r} is not a language tag Babel knows (BCP 47, e.g. de, pt-PT, zh-Hant)") from None
    direction = "rtl" if locale.text_direction == "rtl" else "ltr"
    categories = [c for c in PLURAL_CATEGORIES if c in set(locale.plural_form.tags) | {"other"}]
    lines = [
        f"# {language_name(tag, 'en')} ({tag}) translation of {source.path.parent.name}/{source.path.name}.",
        "# Translate each empty value; the English text is in the comment above it.",
        "# Keep every {placeholder} exactly as it is in the English text.",
        f"# Plural categories of this language (CLDR): {', '.join(categories)}.",
        "meta:",
        f"  locale: {tag}",
        f"  name: {json.dumps(language_name(tag), ensure_ascii=False)}",
        f"  direction: {direction}",
        "  status: new",
        "  translated_by: null",
        "  translated_on: null",
        "  reviewed_by: null",
        "  reviewed_on: null",
        "",
        "messages:",
    ]
    previous: list[str] = []
    for key, message in source.messages.items():
        *groups, name = key.split(".")
        for depth, group in enumerate(groups):
            if previous[: depth + 1] != groups[: depth + 1]:
                lines.append("  " * (depth + 1) + f"{group}:")
        previous = groups
        indent = "  " * (len(groups) + 1)
        for english_line in message.text.splitlines() or [""]:
            lines.append(f"{indent}# en: {english_line}")
        lines.append(f'{indent}{name}: ""')
    write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"))
    save_state(state_path, {}, list(source.messages))
    return path
