"""Shared fixtures: one real build of every PDF, reused by the tests that read PDFs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from handouts.build import Project, build
from handouts.catalog import load_catalogs
from handouts.compose import PLACEHOLDERS
from handouts.settings import Settings, read_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def catalogs(project):
    return load_catalogs(project.locales_dir, PLACEHOLDERS)


@pytest.fixture(scope="session")
def example_settings() -> Settings:
    return read_settings(ROOT / "handouts.example.yaml")


@pytest.fixture(scope="session")
def built(project, tmp_path_factory):
    """The full matrix, built as the README's build command builds it (no settings)."""
    output = tmp_path_factory.mktemp("output")
    written = build(project, output, settings=Settings())
    return output, written


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A scratch copy of locales/ and templates/ to break on purpose."""
    for name in ("locales", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


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
