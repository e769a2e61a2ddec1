"""Run every check on every locale; summarise each locale's translation status."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.catalog import SOURCE_LOCALE, Catalog, check_source, read_catalog
from handouts.checks import Finding
from handouts.checks.printing import coverage, layout
from handouts.checks.translation import TEXT_CHECKS, Context
from handouts.compose import PLACEHOLDERS, Composer
from handouts.errors import HandoutsError, Location
from handouts.settings import Settings
from handouts.state import is_reviewed, is_stale, load_state


@dataclass(frozen=True)
class Summary:
    locale: str
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


def read_locales(locales_dir: Path, only: list[str] | None = None) -> tuple[Catalog, dict[str, Catalog | HandoutsError]]:
    source = read_catalog(locales_dir / f"{SOURCE_LOCALE}.yaml")
    check_source(source, PLACEHOLDERS)
    out: dict[str, Catalog | HandoutsError] = {}
    for path in sorted(locales_dir.glob("*.yaml")):
        tag = path.stem
        if tag == SOURCE_LOCALE or (only and tag not in only):
            continue
        try:
            out[tag] = read_catalog(path, allow_empty=True)
        except HandoutsError as error:
            out[tag] = error
    return source, out


def summarise(catalog: Catalog, source: Catalog, locales_dir: Path) -> Summary:
    state = load_state(locales_dir, catalog.locale)
    translated = stale = reviewed = 0
    for key, english in source.messages.items():
        message = catalog.messages.get(key)
        if message is None or not message.text:
            continue
        translated += 1
        stale += is_stale(state.get(key), english.text)
        reviewed += is_reviewed(state.get(key), message.text)
    total = len(source.messages)
    return Summary(catalog.locale, catalog.meta.name, catalog.meta.status, total, translated, stale,
                   total - translated, reviewed)


def check_locale(catalog: Catalog, source: Catalog, locales_dir: Path, settings: Settings,
                 templates_dir: Path) -> list[Finding]:
    ctx = Context(catalog, source, load_state(locales_dir, catalog.locale))
    findings: list[Finding] = []
    for check in TEXT_CHECKS.values():
        findings.extend(check(ctx))
    if not any(f.check == "placeholder" for f in findings):  # a broken placeholder cannot be laid out
        composer = Composer(templates_dir, settings)
        for check in (layout, coverage):
            try:
                findings.extend(check(ctx, composer))
            except HandoutsError as error:
                findings.append(ctx.finding("error", check.__name__, error.where or Location(catalog.path),
                                            error.key, error.message))
    return findings


def run_checks(locales_dir: Path, templates_dir: Path, settings: Settings, only: list[str] | None = None
               ) -> tuple[list[Finding], list[Summary]]:
    source, catalogs = read_locales(locales_dir, only)
    findings: list[Finding] = []
    summaries: list[Summary] = []
    for tag, catalog in catalogs.items():
        if isinstance(catalog, HandoutsError):
            findings.append(Finding(tag, "error", "file", catalog.where or Location(locales_dir / f"{tag}.yaml"),
                                    catalog.key, catalog.message))
            continue
        findings.extend(check_locale(catalog, source, locales_dir, settings, templates_dir))
        summaries.append(summarise(catalog, source, locales_dir))
    return findings, summaries
