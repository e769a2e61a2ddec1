"""The build: every requested (locale, handout, paper) rendered, then written atomically.

Everything is rendered in memory first; files are written only when every PDF of the
build succeeded, each through a temporary file renamed into place. A failed build
therefore leaves ``output/`` exactly as it was: no half-written PDF, no partial set.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from handouts.catalog import Catalog, load_catalogs, SOURCE_LOCALE
from handouts.compose import HANDOUTS, PLACEHOLDERS, Composer
from handouts.document import Document, plain_text
from handouts.errors import Location, UsageError
from handouts.layout.card import render_card_sheet
from handouts.layout.fonts import check_coverage, stack_for
from handouts.layout.pages import LARGE_PRINT_HANDOUTS, PdfInfo, render_pages
from handouts.pdf.structure import apply_structure
from handouts.settings import PAPER_SIZES, Settings, read_settings

SETTINGS_FILE = "handouts.yaml"
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


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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
) -> list[tuple[Path, Rendered]]:
    """Render every job, then write them all; returns what was written."""
    settings = settings or project.settings()
    catalogs = load_catalogs(project.locales_dir, PLACEHOLDERS)
    jobs = plan(catalogs, settings, locales, handouts, papers, editions)
    composer = Composer(project.templates_dir, settings)
    source = catalogs[SOURCE_LOCALE]
    documents: dict[tuple[str, str], Document] = {}
    rendered: list[Rendered] = []
    for index, job in enumerate(jobs, start=1):
        key = (job.locale, job.handout)
        if key not in documents:
            documents[key] = composer.compose(job.handout, catalogs[job.locale], source)
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
    return written
