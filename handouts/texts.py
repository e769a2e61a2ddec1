"""The texts a condition's templates read in one language: the shared catalog and the
condition's catalog, checked against the source and seen as one set of keys.

Catalog files are read once per process (``CatalogStore``) and only when asked for: a
one-handout build reads its language and condition, not the whole project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from handouts.catalog import Catalog, LocaleMeta, Message, check_source, check_translation, read_catalog
from handouts.errors import CatalogError, HandoutsError, Location
from handouts.formatting import babel_locale, language_name
from handouts.project import Condition, Project
from handouts.state import KeyState, is_reviewed, is_stale, load_state

if TYPE_CHECKING:
    from handouts.buildstate import ParsedCache

T = TypeVar("T")

STATUS_ORDER = ("new", "draft", "reviewed", "source")


@dataclass(frozen=True)
class Texts:
    """The catalogs one condition's handouts use in one language, as one mapping of keys.

    ``catalogs`` holds the shared catalog first, then the condition's; a key lives in
    exactly one of them (checked when loading the source)."""

    locale: str
    catalogs: tuple[Catalog, ...]

    @cached_property
    def messages(self) -> Mapping[str, Message]:
        merged: dict[str, Message] = {}
        for catalog in self.catalogs:
            merged.update(catalog.messages)
        return merged

    def get(self, key: str) -> Message:
        message = self.messages.get(key)
        if message is None:
            raise CatalogError("missing key", Location(self.catalogs[-1].path), key)
        return message

    def catalog_of(self, key: str) -> Catalog | None:
        for catalog in self.catalogs:
            if key in catalog.messages:
                return catalog
        return None

    @property
    def meta(self) -> LocaleMeta:
        """The condition catalog's meta: who translated this condition's texts, when."""
        return self.catalogs[-1].meta

    @property
    def path(self) -> Path:
        return self.catalogs[-1].path

    @property
    def name(self) -> str:
        for catalog in self.catalogs:
            if catalog.meta.name:
                return catalog.meta.name
        return language_name(self.locale)

    @property
    def direction(self) -> str:
        for catalog in self.catalogs:
            if catalog.meta.direction:
                return catalog.meta.direction
        return "rtl" if babel_locale(self.locale).text_direction == "rtl" else "ltr"

    @property
    def status(self) -> str:
        """The least finished status of its catalogs: reviewed only if all are."""
        return min((c.meta.status for c in self.catalogs), key=STATUS_ORDER.index)

    @property
    def same_as_english(self) -> frozenset[str]:
        return frozenset(key for c in self.catalogs for key in c.meta.same_as_english)


@dataclass(frozen=True)
class TranslationState:
    """Per key: is it stale (the source changed since), is its text reviewed."""

    states: Mapping[str, Mapping[str, KeyState]]  # catalog name -> key -> state

    def of(self, catalog: str, key: str) -> KeyState | None:
        return self.states.get(catalog, {}).get(key)


class CatalogStore:
    """Reads each catalog file once; checks translations against their source file."""

    def __init__(self, project: Project, placeholders: Iterable[str]):
        self.project = project
        self.placeholders = frozenset(placeholders)
        self._files: dict[tuple[str, str, bool], Catalog] = {}
        self._states: dict[tuple[str, str], dict[str, KeyState]] = {}
        self._checked: set[tuple[str, str, bool]] = set()  # translations found to mirror their source
        # Set by a build: files read and checked by an earlier build, kept in its output folder.
        self.parsed: ParsedCache | None = None
        # By language and catalogs read (read once, so computed once): stale keys, effective status.
        self._stale: dict[tuple[str, tuple[int, ...]], frozenset[str]] = {}
        self._status: dict[tuple[str, tuple[int, ...]], str] = {}

    @property
    def source_locale(self) -> str:
        return self.project.source_locale

    def read(self, tag: str, name: str, allow_empty: bool) -> Catalog:
        cache = (tag, name, allow_empty)
        if cache not in self._files:
            path = self.project.catalog_path(tag, name)
            self._files[cache] = self._parsed(f"catalog:{allow_empty}", path,
                                              lambda: read_catalog(path, allow_empty=allow_empty))
        return self._files[cache]

    def _parsed(self, how: str, path: Path, read: Callable[[], T]) -> T:
        return read() if self.parsed is None else self.parsed.get(how, path, read)

    def source(self, name: str) -> Catalog:
        """The source language's catalog ``name``, checked (placeholders, dates, no key
        shared with the shared catalog)."""
        cache = (self.source_locale, name, False)
        if cache in self._files:
            return self._files[cache]
        path = self.project.catalog_path(self.source_locale, name)
        if not path.is_file():
            raise CatalogError("the source catalog is missing", Location(path))
        catalog = self.read(self.source_locale, name, False)
        shared_name = self.project.manifest.shared_catalog
        check_source(catalog, self.placeholders, dated=name != shared_name)
        if name != shared_name:
            shared = self.source(shared_name)
            for key, message in catalog.messages.items():
                if key in shared.messages:
                    raise CatalogError(f"key is also in {shared.path.name} (a key lives in one catalog only)",
                                       message.where, key)
        return catalog

    def catalog(self, tag: str, name: str, *, allow_missing: bool = False) -> Catalog:
        """Catalog ``name`` in language ``tag``, checked against its source."""
        if tag == self.source_locale:
            return self.source(name)
        source = self.source(name)
        catalog = self.read(tag, name, allow_missing)
        if (tag, name, allow_missing) not in self._checked:  # both files are read once: checked once
            check_translation(catalog, source, allow_missing)
            self._checked.add((tag, name, allow_missing))
        return catalog

    def has(self, tag: str, name: str) -> bool:
        """The catalog file is there (if it is unreadable, a folder or a broken link,
        reading it says so)."""
        path = self.project.catalog_path(tag, name)
        return path.exists() or path.is_symlink()

    def texts(self, condition: Condition, tag: str, *, allow_missing: bool = False) -> Texts:
        shared = self.project.manifest.shared_catalog
        return Texts(tag, (self.catalog(tag, shared, allow_missing=allow_missing),
                           self.catalog(tag, condition.catalog, allow_missing=allow_missing)))

    def source_texts(self, condition: Condition) -> Texts:
        return self.texts(condition, self.source_locale)

    def locales(self, condition: Condition) -> list[str]:
        """The languages this condition exists in: those with both catalogs (source first)."""
        shared = self.project.manifest.shared_catalog
        return [tag for tag in self.project.locale_tags()
                if self.has(tag, shared) and self.has(tag, condition.catalog)]

    def state(self, tag: str, name: str) -> dict[str, KeyState]:
        cache = (tag, name)
        if cache not in self._states:
            path = self.project.state_path(tag, name)
            self._states[cache] = self._parsed("state", path, lambda: load_state(path))
        return self._states[cache]

    def translation_state(self, texts: Texts) -> TranslationState:
        return TranslationState({c.name: self.state(texts.locale, c.name) for c in texts.catalogs})

    def stale_keys(self, texts: Texts) -> frozenset[str]:
        """Translated keys whose source text changed since they were translated."""
        if texts.locale == self.source_locale:
            return frozenset()
        memo = (texts.locale, tuple(id(c) for c in texts.catalogs))
        if memo not in self._stale:
            self._stale[memo] = self._find_stale(texts)
        return self._stale[memo]

    def _find_stale(self, texts: Texts) -> frozenset[str]:
        stale = set()
        for catalog in texts.catalogs:
            source = self.source(catalog.name)
            state = self.state(texts.locale, catalog.name)
            for key, english in source.messages.items():
                message = catalog.messages.get(key)
                if message is not None and message.text and is_stale(state.get(key), english.text):
                    stale.add(key)
        return frozenset(stale)

    def effective_status(self, texts: Texts) -> str:
        """The status to print: "reviewed" only while every text is reviewed and current;
        a text edited after review makes it a draft again."""
        memo = (texts.locale, tuple(id(c) for c in texts.catalogs))
        if memo not in self._status:
            self._status[memo] = self._find_status(texts)
        return self._status[memo]

    def _find_status(self, texts: Texts) -> str:
        status = texts.status
        if status == "new":
            return "draft"
        if status != "reviewed":
            return status
        for catalog in texts.catalogs:
            source = self.source(catalog.name)
            state = self.state(texts.locale, catalog.name)
            for key, english in source.messages.items():
                message = catalog.messages.get(key)
                if message is None or not is_reviewed(state.get(key), message.text) or is_stale(state.get(key), english.text):
                    return "draft"
        return "reviewed"

    def language_name(self, tag: str) -> str:
        """The language's own name as its shared catalog gives it (the translator's
        choice), else CLDR's."""
        try:
            name = self.read(tag, self.project.manifest.shared_catalog, allow_empty=True).meta.name
        except HandoutsError:
            name = None
        return name or language_name(tag)

    def try_texts(self, condition: Condition, tag: str, *, allow_missing: bool = False) -> Texts | HandoutsError:
        try:
            return self.texts(condition, tag, allow_missing=allow_missing)
        except HandoutsError as error:
            return error


def latest(dates: Iterable[dt.date | None]) -> dt.date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None
