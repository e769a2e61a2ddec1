"""Run every check on every catalog; summarise each catalog's translation status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from handouts.checks import Finding
from handouts.checks.printing import PRINTING_CHECKS
from handouts.checks.translation import TEXT_CHECKS, Context
from handouts.compose import Composer
from handouts.errors import HandoutsError, Location
from handouts.project import Project
from handouts.settings import Settings
from handouts.state import is_reviewed, is_stale
from handouts.texts import CatalogStore


@dataclass(frozen=True)
class Summary:
    locale: str
    catalog: str
    name: str
    status: str
    total: int
    translated: int
    stale: int
    missing: int
    reviewed: int

    @property
    def complete(self) -> float:
        """Share of the source keys with a current (not stale) translation."""
        return 100.0 * (self.translated - self.stale) / self.total if self.total else 100.0


def summarise(store: CatalogStore, tag: str, name: str) -> Summary:
    """One catalog file's translation status (read leniently: empty texts count as missing)."""
    source = store.source(name)
    catalog = store.read(tag, name, allow_empty=True)
    state = store.state(tag, name)
    translated = stale = reviewed = 0
    for key, english in source.messages.items():
        message = catalog.messages.get(key)
        if message is None or not message.text:
            continue
        translated += 1
        stale += is_stale(state.get(key), english.text)
        reviewed += is_reviewed(state.get(key), message.text)
    total = len(source.messages)
    return Summary(tag, name, store.language_name(tag), catalog.meta.status, total, translated, stale,
                   total - translated, reviewed)


def catalogs_of(project: Project, conditions: Sequence[str] | None = None) -> list[str]:
    """The catalogs the named conditions use (the shared one included), or all of them."""
    if not conditions:
        return project.catalog_names()
    names = [project.manifest.shared_catalog]
    for condition in conditions:
        catalog = project.manifest.condition(condition).catalog
        if catalog not in names:
            names.append(catalog)
    return names


# (language, catalog, how to make its summary) -> the summary: a build passes one that
# keeps summaries by the fingerprint of their files (one text edited: one summarised again).
Remember = Callable[[str, str, Callable[[], Summary]], Summary]


def summaries(store: CatalogStore, locales: Sequence[str] | None = None,
              conditions: Sequence[str] | None = None, remember: Remember | None = None) -> list[Summary]:
    """Every translated catalog file that exists (the source language left out)."""
    out = []
    for tag in store.project.locale_tags():
        if tag == store.source_locale or (locales and tag not in locales):
            continue
        for name in catalogs_of(store.project, conditions):
            if store.has(tag, name):
                try:
                    make = (lambda tag=tag, name=name: summarise(store, tag, name))
                    out.append(remember(tag, name, make) if remember else make())
                except HandoutsError:
                    continue  # an unreadable file is reported by `handouts check`
    return out


def begun(store: CatalogStore, tag: str, names: Sequence[str]) -> str | None:
    """The file name of a catalog whose status is ``new`` (only begun), if any."""
    for name in names:
        if store.has(tag, name):
            try:
                catalog = store.read(tag, name, allow_empty=True)
            except HandoutsError:
                return None  # reported by the checks
            if catalog.meta.status == "new":
                return f"{tag}/{catalog.path.name}"
    return None


def run_checks(project: Project, settings: Settings, store: CatalogStore, *, locales: Sequence[str] | None = None,
               conditions: Sequence[str] | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               notice: Callable[[str], None] | None = None) -> tuple[list[Finding], list[Summary]]:
    """Text checks on every catalog file, printing checks on every condition's handouts.

    A language only begun (status ``new``) is checked only when asked for by name: its
    empty texts would otherwise fail every other language's check."""
    findings: list[Finding] = []
    names = catalogs_of(project, conditions)
    tags = [t for t in project.locale_tags() if t != store.source_locale and (not locales or t in locales)]
    if not locales:
        for tag in list(tags):
            started = begun(store, tag, names)
            if started:
                tags.remove(tag)
                if notice:
                    notice(f"{tag} is not translated yet (status: new in locales/{started}): not checked; "
                           f"check it with --locale {tag}")
    for index, tag in enumerate(tags, start=1):
        if progress:
            progress(tag, index, len(tags))
        readable = True
        for name in names:
            if not store.has(tag, name):
                continue
            try:
                catalog = store.read(tag, name, allow_empty=True)
                ctx = Context(catalog, store.source(name), store.state(tag, name))
            except HandoutsError as error:
                findings.append(Finding(tag, "error", "file", error.where or Location(project.catalog_path(tag, name)),
                                        error.key, error.message))
                readable = False
                continue
            for check in TEXT_CHECKS.values():
                findings.extend(check(ctx))
        if not readable or any(f.locale == tag and f.check in ("placeholder", "file") for f in findings):
            continue  # a broken placeholder or file cannot be laid out
        for condition_name in conditions or project.manifest.conditions:
            condition = project.manifest.conditions[condition_name]
            if tag not in store.locales(condition):
                continue
            try:
                texts = store.texts(condition, tag, allow_missing=True)
                source = store.source_texts(condition)
                composer = Composer(project, settings, condition_name)
                for check in PRINTING_CHECKS.values():
                    findings.extend(check(texts, source, condition, composer))
            except HandoutsError as error:
                findings.append(Finding(tag, "error", "file", error.where or Location(project.locales_dir / tag),
                                        error.key, error.message))
    return findings, summaries(store, locales, conditions)
