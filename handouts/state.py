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

HEADER = (
    "# Translation state, kept by handouts (import-po, mark-current, review, new-locale).\n"
    "# Per key: the fingerprint of the English text the translation was made from, and\n"
    "# who reviewed which version of the translation, when. Do not edit by hand.\n"
)


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


def load_state(path: Path) -> dict[str, KeyState]:
    """Read one catalog's state file; a missing file is an empty state."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"unreadable translation state ({exc}); restore it from version control", Location(path)) from None
    keys = data.get("keys", False) if isinstance(data, dict) else False
    if keys is None:  # "keys:" with nothing under it: a new language's empty state
        keys = {}
    if not isinstance(keys, dict):
        raise CatalogError("the translation state needs a 'keys:' mapping; restore it from version control", Location(path))
    out = {}
    for key, value in keys.items():
        value = value or {}
        if not isinstance(value, dict) or not all(isinstance(v, (str, dt.date)) or v is None for v in value.values()):
            raise CatalogError("malformed entry in the translation state", Location(path), str(key))
        reviewed_on = value.get("reviewed_on")
        if isinstance(reviewed_on, str):  # written quoted by an older version
            try:
                reviewed_on = dt.date.fromisoformat(reviewed_on)
            except ValueError:
                raise CatalogError(f"reviewed_on {reviewed_on!r} is not a date", Location(path), str(key)) from None
        out[str(key)] = KeyState(
            source=_text_or_none(value.get("source")),
            reviewed=_text_or_none(value.get("reviewed")),
            reviewed_by=_text_or_none(value.get("reviewed_by")),
            reviewed_on=reviewed_on,
        )
    return out


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def render_state(state: dict[str, KeyState], key_order: list[str]) -> bytes:
    """The state file's bytes, in the source's key order; same state, same bytes."""
    ordered = [k for k in key_order if k in state] + sorted(k for k in state if k not in key_order)
    lines = [HEADER, "keys:\n"]
    for key in ordered:
        s = state[key]
        fields = {"source": s.source, "reviewed": s.reviewed, "reviewed_by": s.reviewed_by}
        shown = [f"{name}: {_flow(value)}" for name, value in fields.items() if value is not None]
        if s.reviewed_on:
            shown.append(f"reviewed_on: {s.reviewed_on.isoformat()}")
        lines.append(f"  {key}: {{{', '.join(shown)}}}\n")
    return "".join(lines).encode("utf-8")


def save_state(path: Path, state: dict[str, KeyState], key_order: list[str]) -> Path:
    """Write the state file atomically."""
    from handouts.files import write_atomically  # the one atomic writer

    write_atomically(path, render_state(state, key_order))
    return path


def _flow(value: str) -> str:
    """A YAML flow scalar: plain where YAML reads it back as this string, quoted where not."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6).strip().removesuffix("...").strip()


def mark_current(state: dict[str, KeyState], key: str, english: str) -> None:
    """Record that the translation of ``key`` matches the English text now."""
    state[key] = replace(state.get(key, KeyState()), source=fingerprint(english))


def mark_reviewed(state: dict[str, KeyState], key: str, translation: str, by: str, on: dt.date) -> None:
    state[key] = replace(state.get(key, KeyState()), reviewed=fingerprint(translation), reviewed_by=by, reviewed_on=on)


def is_stale(key_state: KeyState | None, english: str) -> bool:
    return key_state is None or key_state.source != fingerprint(english)


def is_reviewed(key_state: KeyState | None, translation: str) -> bool:
    return key_state is not None and key_state.reviewed == fingerprint(translation)
