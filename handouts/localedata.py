"""A language's CLDR data as Babel uses it, kept on disk so the next process need not merge it again.

Babel reads a language's data at its first use: its own file and each one it inherits
from (``pt_BR``: ``pt``, then ``root``), merged key by key in Python, 6-7 ms a language.
A build reads every language it prints before its workers start (they and the download
pages use it), so that took 0.1 s of one core for 16 languages in every build that
drew them all (an English edit, a full build). The merged data is kept in the
project's cache with ``pickle`` (2-3 ms a language to load) and handed to Babel's own
table of loaded languages (``babel.localedata._cache``), where Babel looks first.

A kept copy is used only for the same Babel (its version and data files) and the same
format; anything else is merged again by Babel itself.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import babel
from babel import localedata

from handouts.files import read_cached, write_cached
from handouts.fingerprints import digest, file_stamp

FORMAT = "1"  # bump when what is kept changes
_KEPT_IN: Path | None = None  # where merged data is kept between processes (None: not kept)


def keep_locale_data_in(folder: Path | None) -> None:
    """Keep each language's merged data in ``folder`` (None: Babel merges it in every process)."""
    global _KEPT_IN
    _KEPT_IN = folder


def load_locale_data(tag: str) -> None:
    """Have the CLDR data of ``tag`` (a BCP 47 tag) loaded in this process: taken from
    the cache when a process merged it before, else merged by Babel (and kept)."""
    from handouts.formatting import babel_locale

    name = str(babel_locale(tag))
    table = getattr(localedata, "_cache", None)
    if not isinstance(table, dict) or name in table:
        babel_locale(tag).date_formats  # noqa: B018 - Babel's own look-up is what loads it
        return
    kept = _kept_path(name)
    data = read_cached(kept) if kept is not None else None
    if data is not None:
        try:
            merged = pickle.loads(data)
        except Exception:  # from another version of Babel's classes: merged again below
            merged = None
        if isinstance(merged, dict):
            table.setdefault(name, merged)
            return
    merged = localedata.load(name)
    if kept is not None:
        write_cached(kept, pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))


def _kept_path(name: str) -> Path | None:
    if _KEPT_IN is None:
        return None
    try:
        own = file_stamp(Path(localedata.resolve_locale_filename(name)))  # the data files Babel reads
        shared = file_stamp(Path(localedata._dirname) / "root.dat")
    except (OSError, AttributeError, ValueError):
        return None
    return _KEPT_IN / f"{digest(FORMAT, babel.__version__, own, shared, name)}.pickle"


__all__ = ["keep_locale_data_in", "load_locale_data"]
