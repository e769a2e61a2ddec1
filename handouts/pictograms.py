"""The pictograms: which exist, where their SVG files are, which have a direction.

The pictograms are SVG files (``handouts/icons/*.svg``, drawn for this project by
``scripts/icons/build_icons.py``; a project may add its own in an ``icons/`` folder) in
one house style: 48-unit view box, black line drawings, ``#000`` ink on ``#fff`` paper.
``icons.yaml`` describes each and says which pictures have a direction (mirrored in
right-to-left layouts). The PDF side draws them (``layout/icons.py``), the web pages
inline them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from handouts.errors import Location, TemplateError
from handouts.yamlnodes import load_data

ICON_DIR = Path(__file__).resolve().parent / "icons"
_EXTRA_DIRS: list[Path] = []


@dataclass(frozen=True)
class IconInfo:
    name: str
    path: Path
    description: str
    directional: bool


def use_project_icons(folder: Path) -> None:
    """Let a project's own ``icons/`` folder add or replace pictograms."""
    if folder.is_dir() and folder not in _EXTRA_DIRS:
        _EXTRA_DIRS.insert(0, folder)
        catalogue.cache_clear()


@lru_cache(maxsize=1)
def catalogue() -> dict[str, IconInfo]:
    """Every pictogram by name: the engine's, then the project's (which win)."""
    out: dict[str, IconInfo] = {}
    for folder in [ICON_DIR, *reversed(_EXTRA_DIRS)]:
        meta_path = folder / "icons.yaml"
        meta = (load_data(meta_path.read_text(encoding="utf-8")) or {}).get("icons", {}) \
            if meta_path.is_file() else {}
        for path in sorted(folder.glob("*.svg")):
            entry = meta.get(path.stem) or {}
            out[path.stem] = IconInfo(path.stem, path, str(entry.get("description", "")),
                                      bool(entry.get("directional", False)))
    return out


def icon(name: str, where: Location | None = None) -> IconInfo:
    try:
        return catalogue()[name]
    except KeyError:
        known = ", ".join(sorted(catalogue()))
        raise TemplateError(f"unknown pictogram {name!r} (known: {known})", where) from None


@lru_cache(maxsize=None)
def svg_source(path: Path) -> str:
    """A pictogram's SVG file, read once per process (every download page shows several;
    ``build --watch`` starts a new process when a project's pictogram changes)."""
    return path.read_text(encoding="utf-8").strip()


def svg_markup(name: str, *, mirror: bool = False) -> str:
    """The pictogram's SVG element, for the web pages (decorative: the words say the same)."""
    info = icon(name)
    text = svg_source(info.path)
    css = "icon mirrored" if mirror and info.directional else "icon"
    return text.replace("<svg ", f'<svg aria-hidden="true" focusable="false" class="{css}" ', 1)
