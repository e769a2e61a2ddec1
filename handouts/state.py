"""Translation state per key: which English text it was made from, and its review.

Kept out of the translator's file, in ``locales/<tag>/state/<catalog>.yaml``, and maintained by
the tools (``import-po``, ``mark-current``, ``review``, ``new-locale``). A translation is
*stale* when the English text it was made from (its fingerprint) is no longer the
English text; it is *reviewed* when a reviewer signed off exactly its current text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from handouts.errors import CatalogError, Location
from handouts.yamlnodes import compose_file, construct, mapping_items

# Unchanged since the first version: a state file is rewritten only when its entries change.
HEADER = (
    "# Translation state, kept by handouts (import-po, mark-current, review, new-locale).\n"
    "# Per key: the fingerprint of the English text the translation was made from, and\n"
    "# who reviewed which version of the translation, when. Do not edit by hand.\n"
)
STATE_LIMIT = 4 << 20  # bytes: a state file keeps an English text per key
FIELDS = ("source", "source_text", "reviewed", "reviewed_by", "reviewed_on")
RESTORE = "restore it from version control"


def fingerprint(text: str) -> str:
    """A short, stable fingerprint of a text (NFC, surrounding space ignored)."""
    normal = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class KeyState:
    source: str | None = None  # fingerprint of the English text translated
    reviewed: str | None = None  # fingerprint of the translation the reviewer saw
    reviewed_by: str | None = None
    reviewed_on: dt.date | None = None
    # The English text translated (its fingerprint is ``source``): when the English
    # changes, a PO file shows it as the previous msgid (``#|``). Older files lack it.
    source_text: str | None = None


def load_state(path: Path) -> dict[str, KeyState]:
    """Read one catalog's state file; a missing file is an empty state. Every problem
    names the file and line."""
    if not path.exists() and not path.is_symlink():
        return {}
    root = compose_file(path, CatalogError, limit=STATE_LIMIT, what="translation state file")
    top = dict((key, (node, line)) for key, node, line in
               mapping_items(root, path, "the translation state", CatalogError))
    if "keys" not in top or set(top) != {"keys"}:
        raise CatalogError(f"the translation state needs one 'keys:' mapping; {RESTORE}", Location(path, 1))
    keys_node, keys_line = top["keys"]
    if isinstance(keys_node, yaml.ScalarNode) and construct(keys_node) is None:
        return {}  # "keys:" with nothing under it: a new language's empty state
    out = {}
    for key, node, line in mapping_items(keys_node, path, "keys", CatalogError):
        where = Location(path, line)
        if isinstance(node, yaml.ScalarNode) and construct(node) is None:
            out[key] = KeyState()
            continue
        if not isinstance(node, yaml.MappingNode):
            raise CatalogError(f"malformed entry in the translation state; {RESTORE}", where, key)
        values: dict[str, object] = {}
        for name, value_node, value_line in mapping_items(node, path, key, CatalogError):
            value = construct(value_node)
            if name not in FIELDS:
                raise CatalogError(f"unknown field {name!r} in the translation state; {RESTORE}",
                                   Location(path, value_line), key)
            if name == "reviewed_on":
                value = _date(value, Location(path, value_line), key)
            elif value is not None:
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    raise CatalogError(f"malformed {name} in the translation state; {RESTORE}",
                                       Location(path, value_line), key)
                value = str(value)
            values[name] = value
        out[key] = KeyState(**values)  # type: ignore[arg-type]
    return out


def _date(value: object, where: Location, key: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # written quoted by an older version
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CatalogError(f"reviewed_on is not a date (YYYY-MM-DD); {RESTORE}", where, key)


def render_state(state: dict[str, KeyState], key_order: list[str]) -> bytes:
    """The state file's bytes, in the source's key order; same state, same bytes."""
    ordered = [k for k in key_order if k in state] + sorted(k for k in state if k not in key_order)
    lines = [HEADER, "keys:\n"]
    for key in ordered:
        s = state[key]
        fields = {"source": s.source, "source_text": s.source_text, "reviewed": s.reviewed,
                  "reviewed_by": s.reviewed_by}
        shown = [f"{name}: {_flow(value)}" for name, value in fields.items() if value is not None]
        if s.reviewed_on:
            shown.append(f"reviewed_on: {s.reviewed_on.isoformat()}")
        lines.append(f"  {key}: {{{', '.join(shown)}}}\n")
    return "".join(lines).encode("utf-8")


def save_state(path: Path, state: dict[str, KeyState], key_order: list[str]) -> Path:
    """Write the state file atomically (alone; see ``files.Transaction`` for a catalog and
    its state together)."""
    from handouts.files import write_atomically

    write_atomically(path, render_state(state, key_order))
    return path


def _flow(value: str) -> str:
    """A scalar inside a YAML flow mapping: plain where YAML reads it back as this string
    there, quoted where not (dumped inside a flow sequence, so that the emitter knows
    the context: "{name}" must be quoted inside braces)."""
    dumped = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**9).strip()
    return dumped[1:-1]


def keep_source_texts(state: dict[str, KeyState], english: dict[str, str]) -> None:
    """Record the English text of every key whose translation is current with it (older
    state files kept only fingerprints; ``scripts/upgrade-locales.py --keep-english``)."""
    for key, key_state in state.items():
        text = english.get(key)
        if text is not None and key_state.source_text is None and key_state.source == fingerprint(text):
            state[key] = replace(key_state, source_text=unicodedata.normalize("NFC", text).strip())


def mark_current(state: dict[str, KeyState], key: str, english: str) -> None:
    """Record that the translation of ``key`` matches the English text now (and that text)."""
    state[key] = replace(state.get(key, KeyState()), source=fingerprint(english),
                         source_text=unicodedata.normalize("NFC", english).strip())


def mark_reviewed(state: dict[str, KeyState], key: str, translation: str, by: str, on: dt.date) -> None:
    state[key] = replace(state.get(key, KeyState()), reviewed=fingerprint(translation), reviewed_by=by, reviewed_on=on)


def is_stale(key_state: KeyState | None, english: str) -> bool:
    return key_state is None or key_state.source != fingerprint(english)


def is_reviewed(key_state: KeyState | None, translation: str) -> bool:
    return key_state is not None and key_state.reviewed == fingerprint(translation)
