"""What the last build made, kept in the output folder so the next build can skip it.

``output/.handouts-build.json`` (one per shard: ``.handouts-build.2-of-4.json``) records
each PDF with the fingerprint of its inputs, of its composed document, of its bytes, its
size, render time and modification time. The next build trusts a record only
while the file on disk still has the recorded size and modification time; anything else
(a deleted or edited PDF, a state file from another version) means the PDF is rebuilt.

Composed documents are kept in ``output/.handouts-cache/documents/`` (pickled, as Sphinx
keeps its doctrees), so the download pages can be written without composing again.
What is made from the project's files alone (catalogs and translation states read and
checked, ``parsed/``; compiled templates, ``templates/``) is kept in the project's own
``.handouts-cache/``, as Python keeps ``__pycache__`` beside its sources: every output
folder and every command shares it (``cache_home``).
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache

from handouts.errors import HandoutsError
from handouts.files import read_cached, write_atomically, write_cached

STATE_VERSION = 1
CACHE_DIR = ".handouts-cache"


def cache_home(project_root: Path, output: Path) -> Path:
    """The folder whose ``.handouts-cache/`` keeps what is made from the project's files
    alone: the project's, so a build into a new output folder (or another command) does
    not parse and compile it all again; the output folder's when the project cannot be
    written (a read-only checkout)."""
    cache = project_root / CACHE_DIR
    writable = os.access(cache, os.W_OK) if cache.is_dir() else os.access(project_root, os.W_OK)
    return project_root if writable else output


@dataclass(frozen=True)
class OutputRecord:
    inputs: str  # fingerprint of everything the PDF is made from
    document: str  # fingerprint of the composed document and the render settings
    sha256: str
    size: int
    seconds: float
    mtime_ns: int = 0


@dataclass(frozen=True)
class DocumentRecord:
    """A handout's composed document in one language, as the last build made or kept it."""

    inputs: str  # fingerprint of what its composing read (``Builder.inputs_read``)
    cache: str  # its key in the document cache (its fingerprint by whole catalogs)
    shown: str  # fingerprint of the document itself (``document_digest``)
    # The keys its composing read (``Composed.reads``, ``care_reads``): the next build
    # checks them without unpickling the document (None: a record from before they were kept).
    reads: tuple[str, ...] | None = None
    care_reads: tuple[str, ...] | None = None


def _document_record(record: dict) -> DocumentRecord:
    """A record as the state file holds it. Keys read that are not a list of texts (a file
    edited by hand) are dropped: the next build reads them from the document instead;
    a record without its fingerprints makes the whole state unreadable (a full build)."""
    if not all(isinstance(record.get(name), str) for name in ("inputs", "cache", "shown")):
        raise TypeError("a document record without its fingerprints")
    for name in ("reads", "care_reads"):
        value = record.get(name)
        record[name] = tuple(value) if isinstance(value, list) and all(isinstance(k, str) for k in value) else None
    return DocumentRecord(**record)


@dataclass
class BuildState:
    path: Path
    outputs: dict[str, OutputRecord] = field(default_factory=dict)  # relative path -> record
    requests: dict[str, str] = field(default_factory=dict)  # the options of a build -> its inputs' fingerprint
    site: str | None = None  # fingerprint of the download pages' inputs
    # The download pages' files (path under the output folder -> [size, modification time]
    # as written, None until then): a language's pages kept as they were must still be so.
    site_files: dict[str, list[int] | None] = field(default_factory=dict)
    # What those files show (path -> page key, or the status page's key): an edit undone
    # makes an earlier build's record match again, while the files are the edited build's.
    site_keys: dict[str, str] = field(default_factory=dict)
    # Each handout in each language (condition/language/handout -> record): what its
    # composing read, so a handout whose texts changed but not those it reads is kept.
    documents: dict[str, DocumentRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "BuildState":
        """The recorded state, or an empty one (missing, unreadable or older state files
        only cost a full build)."""
        state = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                return state
            state.outputs = {name: OutputRecord(**record) for name, record in data.get("outputs", {}).items()}
            state.requests = dict(data.get("requests", {}))
            state.site = data.get("site")
            state.site_files = {str(name): [int(n) for n in stat] for name, stat in data.get("site_files", {}).items()}
            state.site_keys = {str(name): str(key) for name, key in data.get("site_keys", {}).items()}
            state.documents = {name: _document_record(record) for name, record in data.get("documents", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return cls(path)
        return state

    def save(self) -> None:
        data = {"version": STATE_VERSION, "requests": dict(sorted(self.requests.items())), "site": self.site,
                "site_files": {name: stat for name, stat in sorted(self.site_files.items()) if stat},
                "site_keys": dict(sorted(self.site_keys.items())),
                "documents": {name: asdict(record) for name, record in sorted(self.documents.items())},
                "outputs": {name: asdict(record) for name, record in sorted(self.outputs.items())}}
        try:
            write_atomically(self.path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        except HandoutsError:
            pass  # without a state file the next build is a full one: slower, never wrong

    def intact(self, output: Path, relative: str) -> OutputRecord | None:
        """The record of a PDF that is still on disk as it was written."""
        record = self.outputs.get(relative)
        if record is None:
            return None
        try:
            stat = (output / relative).stat()
        except OSError:
            return None
        if stat.st_size != record.size or stat.st_mtime_ns != record.mtime_ns:
            return None
        return record

    def site_file_intact(self, output: Path, relative: str, key: str) -> bool:
        """Is a download page's file the one of ``key`` (what it shows), still on disk as
        the last build left it?"""
        recorded = self.site_files.get(relative)
        if not recorded or self.site_keys.get(relative) != key:
            return False
        try:
            stat = (output / relative).stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == recorded

    def left_behind(self, output: Path, now: Iterable[str]) -> Callable[[], None]:
        """What removes the download pages' files the last build wrote and this one does
        not (a web-font subset replaced by another, a page of a language removed): those
        still on disk as written; call it once this build's files are in place."""
        now = set(now)
        earlier = {name: stat for name, stat in self.site_files.items() if stat and name not in now}

        def remove() -> None:
            for name, stat in sorted(earlier.items()):
                path = output / name
                try:
                    found = path.stat()
                    if [found.st_size, found.st_mtime_ns] == stat:
                        path.unlink()
                except OSError:
                    pass  # gone already, or not ours to remove: left as it is

        return remove

    def stat_site_files(self, output: Path) -> None:
        """Record the download pages' files this build wrote or kept (those still without
        a record) as they now are on disk, after the build's files are in place."""
        for name in [name for name, recorded in self.site_files.items() if recorded is None]:
            try:
                stat = (output / name).stat()
            except OSError:
                del self.site_files[name]
                self.site_keys.pop(name, None)
                continue
            self.site_files[name] = [stat.st_size, stat.st_mtime_ns]


def state_path(output: Path, shard: tuple[int, int] | None) -> Path:
    return output / (f".handouts-build.{shard[0]}-of-{shard[1]}.json" if shard else ".handouts-build.json")


class DocumentCache:
    """Composed documents by the fingerprint of what they are composed from (and, under
    another ``kind``, what the site step makes: ``pages``, the download pages with the
    text they show; ``summaries``, the status page's rows). New ones are kept in memory
    until ``stage`` writes them into the build's staging folder (moved into place with
    the build's files) or ``flush`` writes them after the build's files are in place."""

    def __init__(self, output: Path, kind: str = "documents"):
        self.output = output
        self.folder = output / CACHE_DIR / kind
        self.pending: dict[str, object] = {}
        self._pickled: dict[str, bytes] = {}
        self._staged: set[str] = set()  # written into the build's staging folder already

    def get(self, key: str):
        if self.pending.get(key) is not None:
            return self.pending[key]
        data = self.get_pickled(key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # from another version of the classes
            return None

    def get_pickled(self, key: str) -> bytes | None:
        """The pickle kept under ``key`` (read from disk, or made by this build)."""
        if key in self._pickled:
            return self._pickled[key]
        if self.pending.get(key) is not None:
            return pickle.dumps(self.pending[key], protocol=pickle.HIGHEST_PROTOCOL)
        return read_cached(self.folder / f"{key}.pickle")

    def put(self, key: str, value, *, pickled: bytes | None = None) -> None:
        """Keep ``value``; ``pickled``, when given, is its pickle, made already."""
        self.pending[key] = value
        if pickled is not None:
            self._pickled[key] = pickled

    def put_pickled(self, key: str, pickled: bytes) -> None:
        """Keep a pickle under ``key`` as it is (unpickled only if ``get`` asks for it)."""
        self.pending[key] = None
        self._pickled[key] = pickled

    def stage(self, staging: Path) -> None:
        """Write what waits into ``staging``, the build's staging folder (its commit moves
        the files into the output folder with the build's others; a build that fails
        leaves none behind): while workers run, not after the commit, when each of
        hundreds of small files took a millisecond. What is staged stays readable here."""
        folder = staging / self.folder.relative_to(self.output)
        for key, value in sorted(self.pending.items()):
            if key not in self._staged:
                data = self._pickled.get(key) or pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                self._pickled[key] = data
                write_cached(folder / f"{key}.pickle", data)
                self._staged.add(key)

    def flush(self) -> None:
        """Write what waits, and was not staged, into the cache (after the commit)."""
        for key, value in sorted(self.pending.items()):
            if key in self._staged:
                continue
            data = self._pickled.get(key) or pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            write_cached(self.folder / f"{key}.pickle", data)
        self.pending.clear()
        self._pickled.clear()
        self._staged.clear()


class ParsedCache:
    """Files read and checked (catalogs, translation states), by the fingerprint of the
    file, its path, how it was read and the engine: a build that finds them unchanged
    loads them (pickled) instead of parsing and checking their YAML again. New ones are
    kept in memory until ``flush``."""

    def __init__(self, home: Path):
        self.folder = home / CACHE_DIR / "parsed"
        self.pending: dict[str, object] = {}

    def get(self, how: str, path: Path, make: Callable[[], object]):
        """``make()``'s value for the file at ``path`` as it is now (errors are not kept:
        a broken file is read, and reported, every time)."""
        from handouts.fingerprints import digest, engine_digest, file_digest

        before = file_digest(path)
        key = digest(engine_digest(), how, str(path), before)
        if key in self.pending:
            return self.pending[key]
        data = read_cached(self.folder / f"{key}.pickle")
        if data is not None:
            try:
                return pickle.loads(data)
            except Exception:  # from another version of the classes
                pass
        value = make()
        if file_digest(path) == before != "missing":  # not edited while it was read
            self.pending[key] = value
        return value

    def flush(self) -> None:
        for key, value in sorted(self.pending.items()):
            write_cached(self.folder / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self.pending.clear()


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates (Jinja's bytecode cache, which checks each against its
    source), kept in the project's cache (``cache_home``) and written only by ``flush``."""

    def __init__(self, home: Path):
        self.folder = home / CACHE_DIR / "templates"
        self.pending: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.pending.get(bucket.key) or read_cached(self.folder / f"{bucket.key}.jinja")
        if data is not None:
            bucket.bytecode_from_string(data)  # from another source or Python: ignored

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.pending[bucket.key] = bucket.bytecode_to_string()

    def flush(self) -> None:
        for key, data in sorted(self.pending.items()):
            write_cached(self.folder / f"{key}.jinja", data)
        self.pending.clear()


def subset_cache_folder(output: Path) -> Path:
    return output / CACHE_DIR / "fonts"


__all__ = ["BuildState", "OutputRecord", "DocumentCache", "ParsedCache", "TemplateCache", "state_path",
           "subset_cache_folder", "CACHE_DIR", "cache_home"]
