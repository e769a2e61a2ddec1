"""Shared fixtures: the repository's project, one real build of every PDF (reused by the
tests that read PDFs), and scratch copies of the project to break on purpose.

Tests that need the full build are marked ``full`` (``pytest -m "not full"`` runs the
fast subset in seconds); browser tests are marked ``browser``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from handouts.build import build
from handouts.compose import Composer, placeholders
from handouts.document import Document
from handouts.project import Project
from handouts.settings import Settings, read_settings
from handouts.texts import CatalogStore, Texts

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project.load(ROOT)
CONDITIONS = tuple(PROJECT.manifest.conditions)
_STORE = CatalogStore(PROJECT, placeholders(PROJECT))


def locales_of(condition: str) -> tuple[str, ...]:
    """The languages a condition is written in (the source first)."""
    return tuple(_STORE.locales(PROJECT.manifest.conditions[condition]))


def handouts_of(condition: str) -> tuple[str, ...]:
    return tuple(PROJECT.manifest.conditions[condition].handouts)


# Every (condition, locale, handout) the repository builds.
MATRIX = tuple((c, tag, h) for c in CONDITIONS for tag in locales_of(c) for h in handouts_of(c))
ALL_LOCALES = tuple(sorted({tag for c in CONDITIONS for tag in locales_of(c)}))


def pytest_collection_modifyitems(items):
    """Tests that read the full build are ``full``: the fast subset leaves them out."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "built" in names:
            item.add_marker(pytest.mark.full)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def project() -> Project:
    return PROJECT


@pytest.fixture(scope="session")
def store() -> CatalogStore:
    return _STORE


def texts_of(condition: str, tag: str) -> Texts:
    return _STORE.texts(PROJECT.manifest.conditions[condition], tag)


def compose(condition: str, handout: str, tag: str, settings: Settings | None = None,
            project: Project = PROJECT, store: CatalogStore = _STORE) -> Document:
    """The document a handout's template makes in one language (the care staff's texts
    in the source language, as the build prints them by default)."""
    spec = project.handout(condition, handout)
    composer = Composer(project, settings or Settings(), condition)
    cond = project.manifest.conditions[condition]
    source = store.source_texts(cond)
    return composer.compose(spec, store.texts(cond, tag), source, care=source).document


@pytest.fixture(scope="session")
def example_settings() -> Settings:
    return read_settings(ROOT / "handouts.example.yaml", PROJECT.manifest)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The full matrix, built as the README's build command builds it (no settings)."""
    output = tmp_path_factory.mktemp("output")
    written = build(PROJECT, output, settings=Settings()).rendered
    return output, written


def pdf_path(output: Path, condition: str, tag: str, name: str, paper: str = "a4") -> Path:
    return output / condition / tag / f"{name}-{paper}.pdf"


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A scratch copy of the project (manifest, locales, templates) to break on purpose."""
    for name in ("locales", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "project.yaml", tmp_path / "project.yaml")
    return tmp_path


def catalog_file(root: Path, tag: str, catalog: str = "higm") -> Path:
    return root / "locales" / tag / f"{catalog}.yaml"


def replace_on_line(path: Path, line_fragment: str, old: str, new: str) -> int:
    """Replace ``old`` on the first non-comment line containing ``line_fragment``;
    returns that line's number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line_fragment in line and not line.lstrip().startswith("#"):
            assert old in line, line
            lines[index] = line.replace(old, new, 1)
            path.write_text("\n".join(lines), encoding="utf-8")
            return index + 1
    raise AssertionError(line_fragment)


def run_tool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, check=False)
