"""Fingerprints of what an output is made from, for incremental builds.

An output is rebuilt only when something it depends on changed. Its inputs, each as a
SHA-256 of bytes (never of modification times, which a fresh clone or a copy resets):

- the engine: every file of the ``handouts`` package (code, layout rules, fonts.yaml,
  pictograms, site assets), and the versions of the libraries that draw;
- the fonts: each font file's path, size and modification time (font files are large and
  change only when a package is installed; hashing them would cost more than it saves);
- the project: project.yaml and the templates;
- the settings (the clinic's file) and the build's own options (care language, fallback);
- the texts of one language of one condition: its catalogs and state files, those of the
  source language (a fallback, an "out of date" mark) and of the care language.

A composed document has its own fingerprint (``document_digest``): when a text changes
that a handout does not show, the handout's document is unchanged and its PDFs are kept.
And what its composing read has one (``Builder.inputs_read``: the texts of the keys it
read, their "out of date" marks, the catalogs' meta, the status): while that is the same,
the handout is not even composed again (the build's records keep it, ``DocumentRecord``).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

import handouts
from handouts.yamlnodes import load_data

ENGINE_ROOT = Path(handouts.__file__).resolve().parent
DRAWING_LIBRARIES = ("reportlab", "rl-accel", "uharfbuzz", "pyicu-wheels", "svglib", "deflate", "babel", "jinja2",
                     "fonttools", "brotli")
FINGERPRINT_VERSION = "1"  # bump when the meaning of a fingerprint changes


def digest(*parts: str | bytes) -> str:
    """One SHA-256 over ``parts``, each length-prefixed so no two lists collide."""
    chunks: list[bytes] = []  # hashed at once: a build's fingerprints take thousands of parts
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        chunks.append(len(data).to_bytes(8, "little"))
        chunks.append(data)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


_FILE_DIGESTS: dict[tuple[Path, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """A file's bytes, hashed again only when its size or modification time changed
    (a long-running process sees edits); a missing file has its own mark."""
    try:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if key not in _FILE_DIGESTS:
            _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return _FILE_DIGESTS[key]
    except OSError:
        return "missing"


def tree_digest(root: Path, relative_to: Path | None = None) -> str:
    """Every file under ``root`` (names and bytes), in a steady order; caches skipped."""
    base = relative_to or root
    parts: list[str] = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                parts += [path.relative_to(base).as_posix(), file_digest(path)]
    return digest(*parts)


@cache
def engine_digest() -> str:
    """The package's files and the drawing libraries' versions."""
    found = installed_versions(DRAWING_LIBRARIES)
    versions = [f"{name}=={found[name]}" if name in found else f"{name} absent" for name in DRAWING_LIBRARIES]
    return digest(FINGERPRINT_VERSION, tree_digest(ENGINE_ROOT), *versions)


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """The version of each library in ``names`` that is installed, as its installer
    recorded it in the name of its ``*.dist-info`` folder (the first on ``sys.path``, as
    Python imports it). A library not found so is asked of ``importlib.metadata``, which
    answers the same but costs every command 20-30 ms to import and search."""
    wanted = {_project_key(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as folder:
                for item in folder:
                    if not item.name.endswith(".dist-info"):
                        continue
                    project, _, version = item.name[:-len(".dist-info")].rpartition("-")
                    name = wanted.get(_project_key(project))
                    if name is not None and name not in found and version:
                        found[name] = version
        except OSError:  # not a folder (a zip file), or gone
            continue
    for name in wanted.values():
        if name not in found:
            import importlib.metadata

            try:
                found[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                pass
    return found


def _project_key(name: str) -> str:
    """A project name as packaging compares them (PEP 503): ``pyicu_wheels`` is ``pyicu-wheels``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def file_stamp(path: Path) -> str:
    """A large file that is installed, not edited (a font), by path, size and time: its
    bytes are not read (a Chinese face is 17 MB)."""
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@cache
def fonts_digest() -> str:
    """Every font file any stack may use: path, size and modification time."""
    from handouts.layout.fonts import CONFIG, FaceFile

    config = load_data(CONFIG.read_text(encoding="utf-8"))
    parts: list[str] = []
    for face in _faces(config):
        try:
            parts.append(file_stamp(FaceFile(**face).locate()))
        except Exception:  # a missing font is reported by the build itself, with its fix
            parts.append(f"{face} missing")
    return digest(*sorted(set(parts)))


def _faces(node) -> Iterable[dict]:
    """The font-file entries of fonts.yaml, wherever they sit."""
    if isinstance(node, dict):
        if "file" in node or "path" in node:
            yield {k: node[k] for k in ("package", "file", "path", "index", "debian") if k in node}
        else:
            for value in node.values():
                yield from _faces(value)
    elif isinstance(node, list):
        for value in node:
            yield from _faces(value)


def files_digest(paths: Iterable[Path]) -> str:
    return digest(*[part for path in sorted(set(paths)) for part in (str(path), file_digest(path))])


def document_digest(value: object) -> str:
    """A composed document's fingerprint: every field of every block, sets in sorted
    order (a frozenset's own order changes from one process to the next)."""
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def _feed(h, value: object) -> None:
    if value is None or isinstance(value, (bool, int, float, Decimal, date, enum.Enum)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data) + data)
    elif isinstance(value, bytes):
        h.update(b"b%d:" % len(value) + value)
    elif isinstance(value, Path):
        _feed(h, value.as_posix())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"<{type(value).__qualname__}".encode())
        for f in dataclasses.fields(value):
            h.update(f.name.encode() + b"=")
            _feed(h, getattr(value, f.name))
        h.update(b">")
    elif isinstance(value, (list, tuple)):
        h.update(b"[%d" % len(value))
        for item in value:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(value, (set, frozenset)):
        items = sorted(value, key=repr)
        h.update(b"{%d" % len(items))
        for item in items:
            _feed(h, item)
        h.update(b"}")
    elif isinstance(value, dict):
        h.update(b"(%d" % len(value))
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
        h.update(b")")
    else:
        raise TypeError(f"no fingerprint for {type(value).__qualname__}")  # a new kind of value: teach _feed


class InputDigests:
    """The fingerprints of one build's outputs, each computed once."""

    def __init__(self, project, settings, care_language: str, *, fallback: bool, allow_draft: bool):
        self.project = project
        self.settings = settings
        self.care_language = care_language
        self.options = digest(f"fallback={fallback}", f"draft={allow_draft}", f"care={care_language}")
        self._settings = settings_digest(settings)
        self._groups: dict[tuple[str, str], str] = {}

    @property
    def site_folder(self) -> Path | None:
        folder = self.project.manifest.site_templates
        return self.project.templates_dir / folder if folder else None

    @cached_property
    def _templates(self) -> str:
        """The handout templates (not the site's: a site page change re-renders no PDF)."""
        site = self.site_folder
        files = [p for p in self.project.templates_dir.rglob("*")
                 if p.is_file() and (site is None or not p.is_relative_to(site))]
        return files_digest(files)

    @cached_property
    def _drawing(self) -> str:
        """What turns a document into PDF bytes besides the document itself."""
        return digest(engine_digest(), fonts_digest(), self._settings, self.care_language)

    @cached_property
    def base(self) -> str:
        """What every handout's document depends on."""
        return digest(self._drawing, self.options, file_digest(self.project.manifest.path), self._templates)

    def request(self, *options: object) -> str:
        """A build's options (conditions, locales, handouts, papers, editions, site, shard)."""
        return digest(self.options, *[repr(o) for o in options])

    def everything(self) -> str:
        """Every input at once, for the "nothing changed" test: all locale files."""
        return digest(self.base, tree_digest(self.project.locales_dir),
                      tree_digest(self.site_folder) if self.site_folder else "")

    def group(self, condition: str, locale: str) -> str:
        """One condition's texts in one language, with the source's and the care language's."""
        key = (condition, locale)
        if key not in self._groups:
            project = self.project
            catalogs = (project.manifest.shared_catalog, project.manifest.conditions[condition].catalog)
            files = [path for tag in {locale, project.source_locale, self.care_language} for name in catalogs
                     for path in (project.catalog_path(tag, name), project.state_path(tag, name))]
            self._groups[key] = digest(self.base, files_digest(files))
        return self._groups[key]

    def document(self, condition: str, locale: str, handout: str) -> str:
        return digest(self.group(condition, locale), handout)

    def job(self, document: str, job) -> str:
        return digest(document, str(job.relative_path()))

    def drawing(self, document_fingerprint: str, job) -> str:
        """The composed document (its ``document_digest``, taken once for all its jobs)
        and how it is drawn: equal fingerprints, equal PDFs."""
        return digest(self._drawing, str(job.relative_path()), document_fingerprint)

    def site(self, plan, pdfs) -> str:
        """Everything the download pages show: every language's texts and state, the
        site templates, each PDF's name and size."""
        groups = sorted({(job.condition, job.locale) for job in plan.jobs})
        return digest(self.everything(), *[self.group(*g) for g in groups],
                      *[f"{p.job.relative_path()}:{p.size}:{p.sha256}" for p in pdfs])


def settings_digest(settings) -> str:
    """The clinic's settings as read (their values, not their file's bytes)."""
    return document_digest({f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)})


__all__ = ["InputDigests", "digest", "file_digest", "file_stamp", "tree_digest", "engine_digest", "fonts_digest",
           "files_digest", "document_digest"]
