"""The build: every requested (locale, handout, paper) rendered, then written atomically.

Everything is rendered in memory first; files are written only when every PDF of the
build succeeded, each through a temporary file renamed into place. A failed build
therefore leaves ``output/`` exactly as it was: no half-written PDF, no partial set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from handouts.catalog import SOURCE_LOCALE, Catalog, load_catalogs
from handouts.checks.runner import summarise
from handouts.compose import HANDOUTS, PLACEHOLDERS, Composer
from handouts.document import Document, iter_spans, plain_text
from handouts.errors import CatalogError, Location, UsageError
from handouts.files import write_atomically
from handouts.layout.card import render_card_sheet
from handouts.layout.fonts import check_coverage, stack_for
from handouts.layout.pages import LARGE_PRINT_HANDOUTS, PdfInfo, render_pages
from handouts.pdf.structure import apply_structure
from handouts.settings import PAPER_SIZES, Settings, read_settings
from handouts.state import is_reviewed, is_stale, load_state
from handouts.site import PdfLink, write_site
from handouts.status_report import html_page

SETTINGS_FILE = "handouts.yaml"
STATUS_PAGE = "translation-status.html"
EDITIONS = ("standard", "large-print")


@dataclass(frozen=True)
class Project:
    """Where the catalog, templates and clinic settings live."""

    root: Path

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @classmethod
    def find(cls, start: Path | None = None) -> "Project":
        """The folder holding ``locales/`` and ``templates/``: here, or this checkout."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, Path(__file__).resolve().parent.parent):
            if (candidate / "locales").is_dir() and (candidate / "templates").is_dir():
                return cls(candidate)
        raise UsageError(f"no locales/ and templates/ folders found in {here}")

    def settings(self, path: Path | None = None) -> Settings:
        if path is not None:
            return read_settings(path)
        default = self.root / SETTINGS_FILE
        return read_settings(default) if default.is_file() else Settings()


@dataclass(frozen=True)
class Job:
    locale: str
    handout: str
    paper: str
    large_print: bool = False

    @property
    def name(self) -> str:
        return f"{self.handout}-large-print" if self.large_print else self.handout

    def relative_path(self) -> Path:
        return Path(self.locale) / f"{self.name}-{self.paper}.pdf"


@dataclass(frozen=True)
class Rendered:
    job: Job
    pdf: bytes
    seconds: float


def plan(
    catalogs: dict[str, Catalog],
    settings: Settings,
    locales: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    papers: Sequence[str] | None = None,
    editions: Sequence[str] = EDITIONS,
) -> list[Job]:
    """The jobs asked for: command-line choices first, then the clinic's settings."""
    wanted_locales = list(locales or settings.locales or catalogs)
    for locale in wanted_locales:
        if locale not in catalogs:
            where = settings.path if (settings.locales and not locales) else None
            raise UsageError(
                f"unknown locale {locale!r} (available: {', '.join(sorted(catalogs))})",
                Location(where) if where else None,
            )
    wanted_handouts = list(handouts or HANDOUTS)
    for handout in wanted_handouts:
        if handout not in HANDOUTS:
            raise UsageError(f"unknown handout {handout!r} (available: {', '.join(HANDOUTS)})")
    wanted_papers = list(papers or settings.papers)
    for paper in wanted_papers:
        if paper not in PAPER_SIZES:
            raise UsageError(f"unknown paper size {paper!r} (available: {', '.join(PAPER_SIZES)})")
    jobs = []
    for locale in wanted_locales:
        for handout in wanted_handouts:
            for paper in wanted_papers:
                if "standard" in editions:
                    jobs.append(Job(locale, handout, paper))
                if "large-print" in editions and handout in LARGE_PRINT_HANDOUTS:
                    jobs.append(Job(locale, handout, paper, large_print=True))
    return jobs


def pdf_info(document: Document, catalog: Catalog, settings: Settings) -> PdfInfo:
    return PdfInfo(
        title=plain_text(document.title),
        author=settings.clinic.name or "handouts",
        subject=catalog.get("overview.title").text,
        lang=catalog.locale,
    )


def render_job(job: Job, document: Document, catalog: Catalog, settings: Settings) -> bytes:
    stack = stack_for(job.locale)
    check_coverage(document, stack, settings.path)
    info = pdf_info(document, catalog, settings)
    where = Location(catalog.path)
    if job.handout == "er-card":
        pdf, tagger = render_card_sheet(document, stack, job.paper, info, where)
    else:
        pdf, tagger = render_pages(document, stack, job.paper, info, where, large_print=job.large_print)
    return apply_structure(pdf, tagger, title=info.title)


Progress = Callable[[int, int, Rendered], None]


def build(
    project: Project,
    output: Path,
    *,
    settings: Settings | None = None,
    locales: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    papers: Sequence[str] | None = None,
    editions: Sequence[str] = EDITIONS,
    progress: Progress | None = None,
    fallback_english: bool = False,
    allow_draft: bool = False,
) -> list[tuple[Path, Rendered]]:
    """Render every job, then write them all; returns what was written.

    ``fallback_english``: a missing translation prints in English, marked [EN].
    ``allow_draft``: build the ER card even where its texts are missing or stale."""
    settings = settings or project.settings()
    catalogs = load_catalogs(project.locales_dir, PLACEHOLDERS, allow_missing=fallback_english)
    jobs = plan(catalogs, settings, locales, handouts, papers, editions)
    composer = Composer(project.templates_dir, settings)
    source = catalogs[SOURCE_LOCALE]
    documents: dict[tuple[str, str], Document] = {}
    rendered: list[Rendered] = []
    gate = TranslationGate(project.locales_dir, source, composer)
    for job in jobs:
        if job.handout == "er-card" and not allow_draft:
            gate.check_card(catalogs[job.locale])
    for index, job in enumerate(jobs, start=1):
        key = (job.locale, job.handout)
        if key not in documents:
            catalog = catalogs[job.locale]
            documents[key] = composer.compose(
                job.handout, catalog, source, fallback=fallback_english,
                outdated=bool(gate.stale_keys(catalog) & gate.keys_of(job.handout, catalog)),
                status=gate.effective_status(catalog),
            )
        started = time.perf_counter()
        pdf = render_job(job, documents[key], catalogs[job.locale], settings)
        result = Rendered(job, pdf, time.perf_counter() - started)
        rendered.append(result)
        if progress:
            progress(index, len(jobs), result)
    written = []
    for result in rendered:
        path = output / result.job.relative_path()
        write_atomically(path, result.pdf)
        written.append((path, result))
    summaries = [summarise(c, source, project.locales_dir) for tag, c in sorted(catalogs.items()) if tag != SOURCE_LOCALE]
    write_atomically(output / STATUS_PAGE, html_page(summaries).encode("utf-8"))
    links: dict[str, dict[str, list[PdfLink]]] = {}
    order = {paper: index for index, paper in enumerate(PAPER_SIZES)}
    for result in sorted(rendered, key=lambda r: (r.job.large_print, order.get(r.job.paper, 9))):
        job = result.job
        label = f"site.{'large_print' if job.large_print else 'pdf'}_{job.paper}"
        links.setdefault(job.locale, {}).setdefault(job.handout, []).append(
            PdfLink(label, Path(job.relative_path().name), len(result.pdf)))
    write_site(output, source, catalogs, documents, links)
    return written


class TranslationGate:
    """The safety gate: an ER card is printed only from current, complete translations."""

    def __init__(self, locales_dir: Path, source: Catalog, composer: Composer):
        self.locales_dir = locales_dir
        self.source = source
        self.composer = composer
        self._keys: dict[tuple[str, str], frozenset[str]] = {}
        self._stale: dict[str, frozenset[str]] = {}

    def keys_of(self, handout: str, catalog: Catalog) -> frozenset[str]:
        """The catalog keys a handout prints (its sheet included)."""
        cache = (handout, catalog.locale)
        if cache not in self._keys:
            document = self.composer.compose(handout, catalog, self.source, fallback=True)
            self._keys[cache] = frozenset(span.key for span in iter_spans(document) if span.key)
        return self._keys[cache]

    def stale_keys(self, catalog: Catalog) -> frozenset[str]:
        if catalog.locale == SOURCE_LOCALE:
            return frozenset()
        if catalog.locale not in self._stale:
            state = load_state(self.locales_dir, catalog.locale)
            self._stale[catalog.locale] = frozenset(
                key for key, english in self.source.messages.items()
                if (m := catalog.messages.get(key)) is not None and m.text and is_stale(state.get(key), english.text)
            )
        return self._stale[catalog.locale]

    def effective_status(self, catalog: Catalog) -> str | None:
        """"reviewed" only while every text is reviewed and current: a text edited after
        review makes the printed status a draft again."""
        if catalog.meta.status != "reviewed":
            return None
        state = load_state(self.locales_dir, catalog.locale)
        for key, english in self.source.messages.items():
            message = catalog.messages.get(key)
            if message is None or not is_reviewed(state.get(key), message.text) or is_stale(state.get(key), english.text):
                return "draft"
        return None

    def check_card(self, catalog: Catalog) -> None:
        if catalog.locale == SOURCE_LOCALE:
            return
        keys = self.keys_of("er-card", catalog)
        missing = sorted(k for k in keys if not (m := catalog.messages.get(k)) or not m.text)
        stale = sorted(keys & self.stale_keys(catalog))
        if not missing and not stale:
            return
        named = [f"{k} (missing)" for k in missing[:3]] + [
            f"{k} (line {catalog.messages[k].where.line}, out of date)" for k in stale[:3]
        ]
        raise CatalogError(
            f"the ER card is not built: {len(missing)} of its texts are missing and {len(stale)} out of date "
            f"({', '.join(named)}{', ...' if len(missing) + len(stale) > len(named) else ''}); "
            "update them (see `handouts check`), or build with --allow-draft",
            Location(catalog.path),
        )
