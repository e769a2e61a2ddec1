"""Errors a user can act on: each names the file, line and key that need fixing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file and a 1-based line (0 when unknown)."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        shown = _display_path(self.path)
        return f"{shown}:{self.line}" if self.line else shown


def _display_path(path: Path) -> str:
    try:
        full = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop
        full = path.parent.resolve() / path.name
    try:
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class HandoutsError(Exception):
    """Base for every error the CLI prints as one line instead of a traceback."""

    def __init__(self, message: str, where: Location | None = None, key: str | None = None):
        self.message = message
        self.where = where
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.where is not None:
            parts.append(str(self.where))
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)


class ProjectError(HandoutsError):
    """The project's manifest is wrong (an unknown kind, a missing template...)."""


class CatalogError(HandoutsError):
    """A locale file is unreadable, incomplete or inconsistent with the source."""


class SettingsError(HandoutsError):
    """The clinic settings file has a bad value."""


class TemplateError(HandoutsError):
    """A template is broken or asks for something that does not exist."""


class LayoutError(HandoutsError):
    """Text does not fit where it must be printed."""


class FontError(HandoutsError):
    """A character cannot be printed with the locale's fonts."""


class UsageError(HandoutsError):
    """The command line asks for something that does not exist."""


class WriteError(HandoutsError):
    """A file could not be written (read-only folder, full disk...); nothing was changed."""


def shorten(value: object, limit: int = 60) -> str:
    """``repr`` of a value for an error message, cut short: a message never formats a
    huge value (a YAML alias bomb, a megabyte of text)."""
    if isinstance(value, (list, dict, tuple, set)):
        return f"a {type(value).__name__}"
    text = repr(value) if not isinstance(value, str) else repr(value[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"
