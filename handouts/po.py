"""PO files for translation tools (Poedit, Weblate, Pontoon, Crowdin), via Babel.

Export: msgid = the English text, msgctxt = the key, msgstr = the translation,
translator comments from the English file, the layout budget as a comment, and
``fuzzy`` on stale translations. Import: translations back into the YAML file
(comments and key order kept), refusing a file whose placeholders are broken.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog as POCatalog
from babel.messages.pofile import read_po, write_po

from handouts.catalog import PLACEHOLDER_RE, Catalog
from handouts.errors import CatalogError, Location
from handouts.locale_files import update_locale_file
from handouts.files import write_atomically
from handouts.state import is_stale, load_state, mark_current, save_state

CATALOG_HEADER = "X-Handouts-Catalog"  # which catalog file (shared, or a condition's) the PO file translates



def _comments_by_key(path: Path) -> dict[str, list[str]]:
    """The ``#`` comment lines written directly above each key of a YAML file."""
    comments: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = re.match(r"^(\s*)([a-z][a-z0-9_]*):", line)
        if not match:
            pending = []
            continue
        indent = len(match.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match.group(2)))
        names = [name for _, name in stack]
        if names and names[0] == "messages":
            key = ".".join(names[1:])
            if key and pending:
                comments[key] = pending
        pending = []
    return comments


def export_po(catalog: Catalog, source: Catalog, state_path: Path, out: Path,
              printed_on: dict[str, list[str]] | None = None) -> int:
    """Write ``out`` for ``catalog``; returns the number of entries."""
    state = load_state(state_path)
    comments = _comments_by_key(source.path)
    po = POCatalog(locale=catalog.locale.replace("-", "_"), project="handouts", version="1",
                   charset="utf-8", fuzzy=False,
                   creation_date=dt.datetime(2000, 1, 1), revision_date=dt.datetime(2000, 1, 1))
    po.language_team = f"{catalog.meta.name or catalog.locale} <{catalog.locale}>"
    for key, english in source.messages.items():
        message = catalog.messages.get(key)
        translation = message.text if message else ""
        flags = set()
        if translation and is_stale(state.get(key), english.text):
            flags.add("fuzzy")
        if english.placeholders:
            flags.add("python-brace-format")
        auto = [*comments.get(key, [])]
        if printed_on and key in printed_on:
            auto.append("Printed on: " + "; ".join(printed_on[key]))
        po.add(english.text, translation, context=key, auto_comments=auto, flags=flags,
               locations=[(source.path.name, english.where.line)])
    buffer = io.BytesIO()
    write_po(buffer, po, width=0, omit_header=False, sort_output=False, include_previous=False)
    header_end = buffer.getvalue().index(b'"Generated-By:')
    data = buffer.getvalue()
    data = data[:header_end] + f'"{CATALOG_HEADER}: {catalog.name}\\n"\n'.encode() + data[header_end:]
    buffer = io.BytesIO(data)
    write_atomically(out, buffer.getvalue())
    return len(source.messages)


def import_po(po_path: Path, catalog: Catalog, source: Catalog, state_path: Path) -> tuple[int, int]:
    """Write the PO file's translations into the catalog's YAML file.

    Refuses the whole file (nothing written) if any placeholder is broken. A non-fuzzy
    entry whose msgid is today's English text is recorded as current; fuzzy entries
    are written but stay stale. Returns (changed values, entries marked current)."""
    try:
        with po_path.open("rb") as handle:
            po = read_po(handle, locale=catalog.locale.replace("-", "_"))
    except Exception as exc:  # babel raises several kinds for malformed files
        raise CatalogError(f"not a readable PO file ({exc})", Location(po_path)) from None
    changes: dict[str, str] = {}
    current: list[str] = []
    for entry in po:
        key = entry.context
        if not entry.id or key is None:
            continue
        where = Location(po_path, entry.lineno or 0)
        english = source.messages.get(key)
        if english is None:
            raise CatalogError("msgctxt is not a key of the English source", where, key)
        text = entry.string if isinstance(entry.string, str) else entry.string[0]
        text = text.strip()
        if not text:
            continue
        have, want = set(PLACEHOLDER_RE.findall(text)), english.placeholders
        if have != want or text.count("{") != text.count("}"):
            raise CatalogError(
                f"placeholders {sorted(have)} do not match the English text's {sorted(want)}; nothing was imported",
                where, key,
            )
        existing = catalog.messages.get(key)
        if existing is None or existing.text != text:
            changes[key] = text
        if not entry.fuzzy and entry.id == english.text:
            current.append(key)
    meta: dict[str, object] = {}
    translator = po.last_translator if po.last_translator and "FULL NAME" not in po.last_translator else None
    if changes and (catalog.meta.status == "new" or (translator and not catalog.meta.translated_by)):
        # The first translation of a scaffold: it becomes a draft, by the PO file's translator.
        meta = {"status": "draft" if catalog.meta.status == "new" else catalog.meta.status,
                "translated_by": translator or catalog.meta.translated_by or "unknown",
                "translated_on": dt.date.today()}
    if changes or meta:
        update_locale_file(catalog.path, values=changes, meta=meta)
    state = load_state(state_path)
    for key in current:
        mark_current(state, key, source.messages[key].text)
    save_state(state_path, state, list(source.messages))
    return len(changes), len(current)


@dataclass(frozen=True)
class PoHeader:
    language: str | None  # BCP 47 (``pt_BR`` in the file -> ``pt-BR``)
    catalog: str | None  # which catalog the file translates (our X-Handouts-Catalog header)
    contexts: frozenset[str] = frozenset()  # the msgctxt (catalog keys) of its entries


def po_header(po_path: Path) -> PoHeader:
    """The language and catalog a PO file says it holds."""
    try:
        with po_path.open("rb") as handle:
            po = read_po(handle)
    except FileNotFoundError:
        raise CatalogError("file not found", Location(po_path)) from None
    except Exception as exc:
        raise CatalogError(f"not a readable PO file ({exc})", Location(po_path)) from None
    language = str(po.locale_identifier).replace("_", "-") if po.locale is not None else None
    # Babel keeps only the standard headers: read ours from the header entry itself.
    head = po_path.read_bytes()[:8192].decode("utf-8", "replace")
    found = re.search(rf'^"{CATALOG_HEADER}:\s*([a-z][a-z0-9_-]*)\s*\\n"', head, re.M | re.I)
    contexts = frozenset(m.context for m in po if m.id and m.context)
    return PoHeader(language, found.group(1) if found else None, contexts)


__all__ = ["export_po", "import_po", "po_header"]
