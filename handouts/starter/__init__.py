"""``handouts init``: a minimal starter project that builds as it is.

One condition (``example``), one page handout (``leaflet``), English only, the download
pages' templates. It is package data, copied file by file; nothing is overwritten.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from handouts.errors import UsageError
from handouts.files import write_atomically

STARTER = "project"
# Package data leaves out names that start with a dot: these are renamed when written.
DOTTED = {"gitignore": ".gitignore"}


def _files(root, prefix: str = ""):
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _files(entry, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry


def write_starter(directory: Path) -> list[Path]:
    """Write the starter project into ``directory`` (new, or empty)."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} exists and is not an empty folder: choose a new one")
    written = []
    for relative, entry in _files(resources.files(__package__) / STARTER):
        target = directory / DOTTED.get(relative, relative)
        write_atomically(target, entry.read_bytes())
        written.append(target)
    return written
