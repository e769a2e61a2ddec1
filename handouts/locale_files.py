"""Changing translators' files: new catalogs, changed texts, review sign-off, current marks.

Every change is planned in memory as a ``CatalogChange`` (a catalog file's new text and
its state file's new bytes), read back by the catalog loader and checked against the
source before anything is written, then written with ``apply``: all files of a command
change together or none does (``files.Transaction``). Only the lines of the values that
change are rewritten (``yamledit``): comments, order and wrapping stay as written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from handouts.catalog import (
    META_TEXT_LIMIT,
    PLURAL_CATEGORIES,
    Catalog,
    check_translation,
    forbidden_character,
    parse_catalog,
    read_catalog_text,
)
from handouts.errors import CatalogError, Location, UsageError
from handouts.files import Transaction, clean_stale
from handouts.formatting import language_name
from handouts.state import (
    KeyState,
    is_reviewed,
    is_stale,
    load_state,
    mark_current,
    mark_reviewed,
    render_state,
)
from handouts.yamledit import Value, edit_catalog


@dataclass
class CatalogChange:
    """New contents for one catalog file and its state file (``None``: unchanged)."""

    catalog_path: Path
    state_path: Path
    catalog_text: str | None = None
    state: bytes | None = None
    created: bool = False


def apply(changes: Sequence[CatalogChange]) -> None:
    """Write every change as one transaction; files whose bytes do not change are not touched
    (temporary files a killed run left in their folders are removed)."""
    with Transaction() as transaction:
        for change in changes:
            for folder in {change.catalog_path.parent, change.state_path.parent}:
                clean_stale(folder)
            for path, data in ((change.catalog_path, change.catalog_text.encode("utf-8")
                                if change.catalog_text is not None else None),
                               (change.state_path, change.state)):
                if data is None:
                    continue
                try:
                    if path.is_file() and path.read_bytes() == data:
                        continue
                except OSError:
                    pass
                transaction.write(path, data)


def state_bytes(state: dict[str, KeyState], source: Catalog) -> bytes:
    return render_state(state, list(source.messages))


def checked_edit(text: str, path: Path, source: Catalog, values: Mapping[str, Value] = {},
                 meta: Mapping[str, object] = {}) -> str:
    """``text`` with ``values`` and ``meta`` set, read back and checked: what would not
    load, or not load as given, is an error before anything is written."""
    edited_text = edit_catalog(text, path, values, meta)
    edited = parse_catalog(edited_text, path, allow_empty=True)
    check_translation(edited, source, allow_missing=True)
    for key, value in values.items():
        message = edited.messages.get(key)
        got = (message.plural or message.text) if message else None
        if got != value:
            raise CatalogError("the new text could not be written as given", message.where if message else
                               Location(path), key)
    return edited_text


def check_name(name: str, option: str) -> str:
    """A person's name from the command line: one line of text."""
    name = name.strip()
    if not name:
        raise UsageError(f"{option}: give a name")
    bad = forbidden_character(name) or next((c for c in name if c in "\t\n"), None)
    if bad is not None:
        raise UsageError(f"{option}: the name contains the control character U+{ord(bad):04X}")
    if len(name) > META_TEXT_LIMIT:
        raise UsageError(f"{option}: a name has at most {META_TEXT_LIMIT} characters")
    return name


def mark_keys_current(state_path: Path, catalog: Catalog, source: Catalog, keys: list[str] | None
                      ) -> tuple[int, CatalogChange]:
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
    return len(chosen), CatalogChange(catalog.path, state_path, state=state_bytes(state, source))


def review(state_path: Path, catalog: Catalog, source: Catalog, by: str, on: dt.date,
           keys: list[str] | None = None) -> tuple[int, bool, CatalogChange]:
    """Sign off the current text of ``keys`` (default: all). When every key is reviewed
    and current, the file's status becomes ``reviewed`` with the reviewer and date."""
    by = check_name(by, "--by")
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
    change = CatalogChange(catalog.path, state_path, state=state_bytes(state, source))
    complete = all(
        (m := catalog.messages.get(k)) is not None and is_reviewed(state.get(k), m.text)
        and not is_stale(state.get(k), e.text)
        for k, e in source.messages.items()
    )
    if complete:
        change.catalog_text = checked_edit(read_catalog_text(catalog.path), catalog.path, source,
                                           meta={"status": "reviewed", "reviewed_by": by, "reviewed_on": on})
    return len(chosen), complete, change


def scaffold_text(source: Catalog, tag: str) -> str:
    """A new catalog in language ``tag``: every key, empty, the source text beside it."""
    locale = Locale.parse(tag.replace("-", "_"))
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
        if message.plural:
            lines.append(f"{indent}{name}:")
            lines.extend(f'{indent}  {category}: ""' for category in categories)
        else:
            lines.append(f'{indent}{name}: ""')
    return "\n".join(lines) + "\n"


def new_locale(path: Path, state_path: Path, source: Catalog, tag: str) -> CatalogChange:
    """Scaffold one catalog in a new language (``tag`` already checked)."""
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists")
    text = scaffold_text(source, tag)
    parse_catalog(text, path, allow_empty=True)  # what is written loads
    return CatalogChange(path, state_path, catalog_text=text, state=render_state({}, list(source.messages)),
                         created=True)


__all__ = ["CatalogChange", "apply", "checked_edit", "check_name", "mark_keys_current", "review",
           "scaffold_text", "new_locale"]
