"""Translation state per key: which English text it was made from, and its review.

Kept out of the translator's file, in ``locales/state/<tag>.yaml``, and maintained by
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

STATE_DIR = "state"
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


def state_path(locales_dir: Path, tag: str) -> Path:
    return locales_dir / STATE_DIR / f"{tag}.yaml"


def load_state(locales_dir: Path, tag: str) -> dict[str, KeyState]:
    path = state_path(locales_dir, tag)
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"invalid YAML in the translation state: {exc}", Location(path)) from None
    keys = data.get("keys") or {}
    if not isinstance(keys, dict):
        raise CatalogError("the translation state needs a 'keys:' mapping", Location(path))
    out = {}
    for key, value in keys.items():
        value = value or {}
        out[str(key)] = KeyState(
            source=value.get("source"),
            reviewed=value.get("reviewed"),
            reviewed_by=value.get("reviewed_by"),
            reviewed_on=value.get("reviewed_on"),
        )
    return out


def save_state(locales_dir: Path, tag: str, state: dict[str, KeyState], key_order: list[str]) -> Path:
    """Write the state in the source's key order, atomically; same state, same bytes."""
    from handouts.files import write_atomically  # the one atomic writer

    ordered = [k for k in key_order if k in state] + sorted(k for k in state if k not in key_order)
    lines = [HEADER, "keys:\n"]
    for key in ordered:
        s = state[key]
        fields = {"source": s.source, "reviewed": s.reviewed, "reviewed_by": s.reviewed_by,
                  "reviewed_on": s.reviewed_on.isoformat() if s.reviewed_on else None}
        shown = ", ".join(f"{name}: {yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip().removesuffix('...').strip()}"
                          for name, value in fields.items() if value is not None)
        lines.append(f"  {key}: {{{shown}}}\n")
    path = state_path(locales_dir, tag)
    write_atomically(path, "".join(lines).encode("utf-8"))
    return path


def mark_current(state: dict[str, KeyState], key: str, english: str) -> None:
    """Record that the translation of ``key`` matches the English text now."""
    state[key] = replace(state.get(key, KeyState()), source=fingerprint(english))


def mark_reviewed(state: dict[str, KeyState], key: str, translation: str, by: str, on: dt.date) -> None:
    state[key] = replace(state.get(key, KeyState()), reviewed=fingerprint(translation), reviewed_by=by, reviewed_on=on)


def is_stale(key_state: KeyState | None, english: str) -> bool:
    return key_state is None or key_state.source != fingerprint(english)


def is_reviewed(key_state: KeyState | None, translation: str) -> bool:
    return key_state is not None and key_state.reviewed == fingerprint(translation)
