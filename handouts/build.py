"""The build: every requested (condition, locale, handout, paper) rendered, then written.

Everything is rendered in memory first; then every file (PDFs, status page, download
pages) is written into a staging folder inside ``output/`` and only then moved into
place. A build that fails at any point (a bad text, a broken site template, a full disk)
therefore leaves ``output/`` exactly as it was: no half-written PDF, no partial set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handouts.compose import Composed, Composer, placeholders
from handouts.document import plain_text
from handouts.errors import CatalogError, HandoutsError, Location, UsageError, WriteError
from handouts.files import StagingFolder, write_atomically
from handouts.kinds import KINDS
from handouts.langtags import shown
from handouts.project import HandoutSpec, Project
from handouts.settings import PAPER_SIZES, Settings
from handouts.texts import CatalogStore, Texts

STANDARD, LARGE_PRINT = "standard", "large-print"
EDITIONS = (STANDARD, LARGE_PRINT, *sorted({e for kind in KINDS.values() for e in kind.editions}))
LARGE_PRINT_SUFFIX = "-large-print"
STATUS_PAGE = "translation-status.html"


@dataclass(frozen=True)
class Job:
    condition: str
    locale: str
    handout: str
    paper: str
    edition: str = STANDARD  # another edition's PDF is named NAME-EDITION-PAPER.pdf

    @property
    def large_print(self) -> bool:
        return self.edition == LARGE_PRINT

    @property
    def name(self) -> str:
        return self.handout if self.edition == STANDARD else f"{self.handout}-{self.edition}"

    def relative_path(self) -> Path:
        return Path(self.condition) / self.locale / f"{self.name}-{self.paper}.pdf"


@dataclass(frozen=True)
class Rendered:
    job: Job
    pdf: bytes
    seconds: float


@dataclass
class Plan:
    """What a build makes, and what it left out (with the reason, for one notice line each)."""

    jobs: list[Job] = field(default_factory=list)
    texts: dict[tuple[str, str], Texts] = field(default_factory=dict)  # (condition, locale) -> texts
    skipped: list[str] = field(default_factory=list)


def split_handout_name(name: str) -> tuple[str, str | None]:
    """``NAME-large-print`` -> (``NAME``, ``large-print``): the name an edition's PDF has;
    a plain name -> (``NAME``, None)."""
    for edition in EDITIONS[1:]:
        if name.endswith(f"-{edition}"):
            return name[: -len(edition) - 1], edition
    return name, None


def handout_editions(spec: HandoutSpec) -> list[str]:
    """The editions a handout has: the standard one, large print where its kind and the
    manifest allow it, and the editions its kind always makes."""
    kind = KINDS[spec.kind]
    return [STANDARD] + ([LARGE_PRINT] if kind.large_print and spec.large_print else []) + list(kind.editions)


def make_plan(
    project: Project,
    store: CatalogStore,
    settings: Settings,
    *,
    conditions: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    papers: Sequence[str] | None = None,
    editions: Sequence[str] = EDITIONS,
    fallback: bool = False,
) -> Plan:
    """The jobs asked for: command-line choices first, then the clinic's settings. What
    does not exist (a condition not translated into a language, a language not finished)
    is left out with a notice rather than failing the build."""
    manifest = project.manifest
    wanted_conditions = list(conditions or settings.conditions or manifest.conditions)
    for name in wanted_conditions:
        manifest.condition(name)  # a clear error for an unknown name
    explicit_locales = list(locales or settings.locales or [])
    known_tags = set(project.locale_tags())
    for tag in explicit_locales:
        if tag not in known_tags:
            where = Location(settings.path) if settings.locales and not locales and settings.path else None
            raise UsageError(f"unknown locale {shown(tag)} (available: {', '.join(sorted(known_tags))})", where)
    wanted_papers = list(papers or settings.papers)
    for paper in wanted_papers:
        if paper not in PAPER_SIZES:
            raise UsageError(f"unknown paper size {paper!r} (available: {', '.join(PAPER_SIZES)})")
    requested = [split_handout_name(name) for name in handouts or []]
    all_handouts = {h for c in wanted_conditions for h in manifest.conditions[c].handouts}
    for name, _ in requested:
        if name not in all_handouts:
            raise UsageError(f"unknown handout {shown(name)} (available: {', '.join(sorted(all_handouts))})")

    plan = Plan()
    for condition_name in wanted_conditions:
        condition = manifest.conditions[condition_name]
        available = store.locales(condition)
        tags = explicit_locales or available
        specs = [spec for spec in condition.handouts.values()
                 if not requested or any(spec.name == name for name, _ in requested)]
        if not specs:
            continue
        for tag in tags:
            if tag not in available:
                plan.skipped.append(f"{condition_name}: not written in {tag} yet")
                continue
            texts = _texts_for(store, condition, tag, explicit=bool(explicit_locales), fallback=fallback, plan=plan)
            if texts is None:
                continue
            plan.texts[(condition_name, tag)] = texts
            for spec in specs:
                plan.jobs.extend(_jobs(spec, tag, wanted_papers, editions, requested))
    if not plan.jobs:
        raise UsageError("nothing to build: " + ("; ".join(plan.skipped) if plan.skipped else "no handout matches"))
    return plan


def _texts_for(store: CatalogStore, condition, tag: str, *, explicit: bool, fallback: bool, plan: Plan) -> Texts | None:
    """A language's texts, or None (with a notice) when it is only begun and not asked for."""
    if not explicit and tag != store.source_locale:
        for name in (store.project.manifest.shared_catalog, condition.catalog):
            catalog = store.read(tag, name, allow_empty=True)
            if catalog.meta.status == "new":
                plan.skipped.append(f"{condition.name}: {tag} is not translated yet (status: new in "
                                    f"{catalog.path.name}); build it with --locale {tag} --fallback-english")
                return None
    return store.texts(condition, tag, allow_missing=fallback)


def _jobs(spec: HandoutSpec, tag: str, papers: list[str], editions: Sequence[str],
          requested: list[tuple[str, str | None]]) -> list[Job]:
    """The jobs of one handout: a name with an edition's suffix (``-large-print``) asks for
    that edition only; a plain name, or none, for the editions the command line chose."""
    available = handout_editions(spec)
    asked = [edition for name, edition in requested if name == spec.name]
    chosen: list[str] = []
    for edition in asked or [None]:
        if edition is not None:
            if edition not in available:
                raise UsageError(f"{spec.name} has no {edition} edition")
            chosen.append(edition)
            continue
        matching = [e for e in available if e in editions]
        if not matching and asked:
            raise UsageError(f"{spec.name} has no {' or '.join(editions)} edition")
        chosen.extend(matching)
    chosen = [e for e in available if e in chosen]  # one job each, in a steady order
    return [Job(spec.condition, tag, spec.name, paper, edition) for paper in papers for edition in chosen]


Progress = Callable[[int, int, Rendered], None]


class Builder:
    """Composes each handout once per language and renders it for every paper and edition."""

    def __init__(self, project: Project, settings: Settings, *, fallback: bool = False, allow_draft: bool = False,
                 care_language: str | None = None):
        self.project = project
        self.settings = settings
        self.fallback = fallback
        self.allow_draft = allow_draft
        self.care_language = care_language or settings.care_language or project.source_locale
        self.store = CatalogStore(project, placeholders(project))
        self._composers: dict[str, Composer] = {}
        self.person: Mapping[str, str] | None = None  # one person's values (handouts card)
        self.composed: dict[tuple[str, str, str], Composed] = {}

    def composer(self, condition: str) -> Composer:
        if condition not in self._composers:
            self._composers[condition] = Composer(self.project, self.settings, condition)
        return self._composers[condition]

    def compose(self, spec: HandoutSpec, texts: Texts) -> Composed:
        key = (spec.condition, texts.locale, spec.name)
        if key not in self.composed:
            condition = self.project.manifest.conditions[spec.condition]
            source = self.store.source_texts(condition)
            stale = self.store.stale_keys(texts)
            care = self.care_texts(condition, texts)
            care_stale = self.store.stale_keys(care) if care.locale != texts.locale else frozenset()
            composed = self.composer(spec.condition).compose(
                spec, texts, source, fallback=self.fallback, status=self.store.effective_status(texts), stale=stale,
                care=care, care_stale=care_stale, person=self.person)
            if spec.safety_gate and not self.allow_draft:
                check_gate(spec, texts, composed, stale)
                if care.locale != texts.locale:
                    check_gate(spec, care, Composed(composed.document, composed.care_keys, frozenset()), care_stale)
            self.composed[key] = composed
        return self.composed[key]

    def care_texts(self, condition, texts: Texts) -> Texts:
        """The texts for the care staff: the care language's, or the family's own when
        the two are the same."""
        if self.care_language == texts.locale:
            return texts
        if self.care_language not in self.store.locales(condition):
            raise UsageError(f"{condition.name} is not written in {self.care_language!r}, the care language "
                             f"(available: {', '.join(self.store.locales(condition))}); choose another "
                             "with --care-language or care_language in the settings")
        return self.store.texts(condition, self.care_language, allow_missing=self.fallback)

    def render(self, job: Job, texts: Texts) -> bytes:
        from handouts.layout.fonts import check_coverage, combined, stack_for
        from handouts.layout.paper import PdfInfo, RenderRequest
        from handouts.pdf.structure import apply_structure

        spec = self.project.handout(job.condition, job.handout)
        document = self.compose(spec, texts).document
        stack = stack_for(job.locale)
        care = self.care_language
        check_coverage(document, combined(stack, stack_for(care)) if care != job.locale else stack, self.settings.path)
        condition = self.project.manifest.conditions[job.condition]
        title_key = condition.title_key
        subject = texts.messages[title_key].text if title_key in texts.messages and texts.messages[title_key].text \
            else self.store.source_texts(condition).get(title_key).text
        info = PdfInfo(title=plain_text(document.title), author=self.settings.clinic.get("name") or "handouts",
                       subject=subject, lang=job.locale)
        request = RenderRequest(stack, job.paper, info, Location(texts.path), pages=spec.pages,
                                large_print=job.large_print, layout=spec.layout, edition=job.edition)
        try:
            pdf, tagger = KINDS[spec.kind].render()(document, request)
        except HandoutsError as error:
            raise _original(error) from None
        return apply_structure(pdf, tagger, title=info.title)


def _original(error: HandoutsError) -> HandoutsError:
    """The error as the engine raised it: ReportLab re-raises an exception from inside a
    flowable as a new one of the same class whose message starts "raised by class
    KeepTogether(...)@0x7f..." (the original is its context)."""
    found = error
    seen = set()
    context = error.__context__
    while context is not None and id(context) not in seen:
        seen.add(id(context))
        if isinstance(context, HandoutsError):
            found = context
        context = context.__context__
    return found


def check_gate(spec: HandoutSpec, texts: Texts, composed: Composed, stale: frozenset[str]) -> None:
    """The safety gate: a handout marked so is printed only from current, complete texts."""
    missing = sorted(composed.missing)
    out_of_date = sorted(composed.keys & stale)
    if not missing and not out_of_date:
        return
    named = [f"{k} (missing)" for k in missing[:3]] + [
        f"{k} (line {texts.messages[k].where.line}, out of date)" for k in out_of_date[:3]
    ]
    raise CatalogError(
        f"the {spec.name} is not built: {len(missing)} of its texts are missing and {len(out_of_date)} out of date "
        f"({', '.join(named)}{', ...' if len(missing) + len(out_of_date) > len(named) else ''}); "
        "update them (see `handouts check`), or build with --allow-draft",
        Location(texts.path),
    )


def build(
    project: Project,
    output: Path,
    *,
    settings: Settings | None = None,
    conditions: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    papers: Sequence[str] | None = None,
    editions: Sequence[str] = EDITIONS,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
    fallback_english: bool = False,
    allow_draft: bool = False,
    site: bool = True,
    care_language: str | None = None,
) -> list[tuple[Path, Rendered]]:
    """Render every job, then write them all (and the site); returns what was written.

    ``fallback_english``: a missing translation prints in the source language, marked.
    ``allow_draft``: build gated handouts even where their texts are missing or stale."""
    settings = settings or Settings()
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file, not a folder: give another --output")
    builder = Builder(project, settings, fallback=fallback_english, allow_draft=allow_draft,
                      care_language=care_language)
    plan = make_plan(project, builder.store, settings, conditions=conditions, locales=locales, handouts=handouts,
                     papers=papers, editions=editions, fallback=fallback_english)
    for line in plan.skipped:
        if notice:
            notice(line)
    # Compose every document first: a gate or template error stops the build before any rendering.
    for job in plan.jobs:
        builder.compose(project.handout(job.condition, job.handout), plan.texts[(job.condition, job.locale)])
    rendered: list[Rendered] = []
    for index, job in enumerate(plan.jobs, start=1):
        started = time.perf_counter()
        pdf = builder.render(job, plan.texts[(job.condition, job.locale)])
        result = Rendered(job, pdf, time.perf_counter() - started)
        rendered.append(result)
        if progress:
            progress(index, len(plan.jobs), result)
    staging = StagingFolder(output)
    try:
        for result in rendered:
            write_atomically(staging.path / result.job.relative_path(), result.pdf)
        if site and project.manifest.site_templates:
            from handouts.site import write_site
            from handouts.status_report import html_page, summaries

            write_atomically(staging.path / STATUS_PAGE, html_page(summaries(builder.store)).encode("utf-8"))
            write_site(project, staging.path, builder, plan, rendered)
        staging.commit()
    except WriteError as error:
        staging.discard()
        where = error.where
        if where is not None and where.path.is_relative_to(staging.path):
            where = Location(output / where.path.relative_to(staging.path), where.line)
        raise WriteError(error.message, where, error.key) from None
    except BaseException:
        staging.discard()
        raise
    return [(output / result.job.relative_path(), result) for result in rendered]


__all__ = ["build", "Builder", "Job", "Rendered", "make_plan", "EDITIONS", "HandoutsError"]
