"""The build: every requested (condition, locale, handout, paper, edition) rendered, then written.

A build is incremental: what an output is made from is fingerprinted (``fingerprints``),
the last build's fingerprints are kept in the output folder (``buildstate``), and only
handouts whose inputs changed are composed again, and only PDFs whose composed document
changed are drawn again. The work runs on every core (``pool``): one task per handout
per language, composed once and drawn for each paper and edition.

Everything is rendered in memory first; then every changed file (PDFs, status page,
download pages) is written into a staging folder inside ``output/`` and only then moved
into place. A build that fails at any point (a bad text, a broken site template, a full
disk) therefore leaves ``output/`` exactly as it was: no half-written PDF, no partial set.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from handouts.buildstate import DocumentRecord, OutputRecord, TemplateCache
from handouts.compose import Composed, Composer, placeholders
from handouts.document import plain_text
from handouts.errors import CatalogError, HandoutsError, Location, UsageError, WriteError
from handouts.files import StagingFolder
from handouts.kinds import KINDS
from handouts.langtags import shown
from handouts.pool import builds_without_automatic_collection
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

    @cached_property
    def _relative_path(self) -> Path:  # asked for thousands of times a build
        return Path(self.condition) / self.locale / f"{self.name}-{self.paper}.pdf"

    @property
    def name(self) -> str:
        return self.handout if self.edition == STANDARD else f"{self.handout}-{self.edition}"

    def relative_path(self) -> Path:
        return self._relative_path


@dataclass(frozen=True)
class Rendered:
    job: Job
    size: int  # bytes of the PDF written
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
PRELOAD_TASKS = 8  # a language with this many tasks has its fonts read before workers start


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
        self._read_parts: dict[tuple[tuple[str, str], str, str], list[str]] = {}  # see ``keys_read``
        self.template_cache: TemplateCache | None = None  # compiled templates, kept by a build
        self._covered: set[tuple[int, object]] = set()  # (id of a composed document, stack): every glyph found
        self._read_facts: dict[tuple[str, str], tuple] = {}  # (condition, language) -> what ``inputs_read`` shares

    def composer(self, condition: str) -> Composer:
        if condition not in self._composers:
            self._composers[condition] = Composer(self.project, self.settings, condition,
                                                  template_cache=self.template_cache)
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

    def inputs_read(self, spec: HandoutSpec, texts: Texts, composed: Composed, base: str) -> str:
        return self.keys_read(spec, texts, composed.reads, composed.care_reads, base)

    def keys_read(self, spec: HandoutSpec, texts: Texts, reads: Iterable[str], care_reads: Iterable[str],
                  base: str) -> str:
        """The fingerprint of what a document was made from, as finely as its composing
        read it (``reads``, ``care_reads``: ``Composed.reads``, kept in its record):
        ``base`` (engine, fonts, settings, options, manifest, templates), each
        catalog's file name and ``meta`` (names, direction, who and when: placeholders),
        the status printed, and for each key read (the title's too, which the PDF's
        properties show) its message where it was found (the family's language, else
        the source; a care-language key: the care language's, the family's, the source)
        and whether it is out of date. An edit of a text a handout does not read leaves
        this unchanged: the handout's document is the same, not composed again.

        With the same templates and these values, a template asks for the same keys
        (its only inputs are the texts and these values), so the keys read last time
        are the ones it would read now."""
        from handouts.fingerprints import digest, document_digest

        condition = self.project.manifest.conditions[spec.condition]
        group = (spec.condition, texts.locale)
        facts = self._read_facts.get(group)
        if facts is None:
            source = self.store.source_texts(condition)
            care = self.care_texts(condition, texts)
            stale = self.store.stale_keys(texts)
            care_stale = self.store.stale_keys(care) if care.locale != texts.locale else frozenset()
            identity = document_digest([(shown.locale, [(c.path, c.meta) for c in shown.catalogs])
                                        for shown in (texts, source, care)] + [self.store.effective_status(texts)])
            facts = self._read_facts[group] = (identity, source, care, stale, care_stale)
        identity, source, care, stale, care_stale = facts

        parts: list[str] = []
        known = self._read_parts

        def found(side: str, key: str, out_of_date: bool, *where: Texts) -> None:
            """The key's message in each language looked in, up to the first with a text
            (the same for every handout of the language that reads it: kept)."""
            memo = (group, side, key)
            if memo not in known:
                entry = [side, key, str(out_of_date)]
                for shown in where:
                    message = shown.messages.get(key)
                    if message is None:
                        entry.extend((shown.locale, "none"))
                        continue
                    entry.extend((shown.locale, message.text, repr(message.raw), repr(message.plural),
                                  str(message.where.path), str(message.where.line)))
                    if message.text:
                        break
                known[memo] = entry
            parts.extend(known[memo])

        for key in sorted(set(reads) | {condition.title_key}):
            found("family", key, key in stale, texts, source)
        for key in sorted(care_reads):
            found("care", key, key in care_stale, care, texts, source)
        return digest("inputs read", base, spec.name, identity, *parts)

    def prepare(self, tasks: Iterable[Task], texts: Mapping[tuple[str, str], Texts]) -> None:
        """Load, once and before worker processes are forked, what these renders need:
        the drawing modules of their kinds, every language's CLDR data (10 ms a
        language: each worker composing a handout in it would read it again, and the
        download pages read it after them), each language's translation states and
        which of its texts are out of date (every worker composing in the language read
        its state files, and the status page read them all again: 0.13 s of one core in
        a first build) and the fonts of the languages with many
        tasks (a Chinese face takes 0.03-0.15 s to read; read in the parent, it is shared
        by every worker). A language with a few tasks (an edit) is likely drawn by one
        worker, which reads its fonts while the others draw: read here, before any worker
        starts, 16 such languages cost 0.4 s of one core."""
        tasks = list(tasks)
        per_language = Counter(t.locale for t in tasks)
        _load({self.project.handout(t.condition, t.handout).kind for t in tasks},
              {tag for tag, count in per_language.items() if count >= PRELOAD_TASKS} | {self.care_language},
              set(per_language) | {self.care_language})
        for group in sorted({(t.condition, t.locale) for t in tasks}):
            self.store.stale_keys(texts[group])
            self.store.effective_status(texts[group])

    def _language_names(self, condition, texts: Texts) -> dict[str, tuple[Location, str]]:
        """The languages' names a template prints (the family's and the care staff's), by
        the file that declares them: its meta.name, or CLDR's name when it gives none."""
        names = {}
        for shown in (self.care_texts(condition, texts), texts):
            shared = shown.catalogs[0]
            names[shown.name] = (Location(shared.path), "meta.name" if shared.meta.name else
                                 "meta.name (not given: the language's name from CLDR)")
        return names

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
        condition = self.project.manifest.conditions[job.condition]
        checked = combined(stack, stack_for(care)) if care != job.locale else stack
        if (id(document), checked) not in self._covered:  # once per document, not per paper and edition
            check_coverage(document, checked, self.settings.path, self._language_names(condition, texts))
            self._covered.add((id(document), checked))
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


@dataclass(frozen=True)
class Task:
    """One handout in one language: composed once, rendered for each of its jobs."""

    condition: str
    locale: str
    handout: str
    jobs: tuple[Job, ...]

    @property
    def name(self) -> str:
        return record_name(self.condition, self.locale, self.handout)


def record_name(condition: str, locale: str, handout: str) -> str:
    """condition/language/handout: a handout's name in the build's records (``BuildState.documents``)."""
    return f"{condition}/{locale}/{handout}"


@dataclass
class Drawn:
    """One PDF of a task, as the process that drew it (and wrote it) reports it."""

    job: Job
    document: str  # fingerprint of the document and render settings it shows
    sha256: str | None  # of the PDF drawn; None: not drawn (what it shows is unchanged)
    size: int
    seconds: float


@dataclass
class TaskResult:
    # The composed document, pickled once where it was composed: the bytes travel from a
    # worker and are what the document cache keeps (the parent does not pickle it again).
    composed: bytes
    outputs: list[Drawn]
    document: DocumentRecord  # what its composing read, and the document's fingerprint (its cache key: the parent's)


@dataclass
class BuildReport:
    """What a build did: the PDFs it rendered, those already up to date, the files it wrote."""

    rendered: list[tuple[Path, Rendered]] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    site: str = "not asked"  # "written", "up to date", "not asked", "left to `handouts site`"
    up_to_date: bool = False  # nothing had changed: nothing was read beyond the fingerprints
    seconds: float = 0.0


def _load(kinds: Iterable[str], fonts: Iterable[str], locale_data: Iterable[str] = ()) -> None:
    """The drawing modules of ``kinds``; the fonts of ``fonts`` and the CLDR data of
    those and of ``locale_data`` (every worker, and the download pages after them, use
    both)."""
    import handouts.pdf.structure  # noqa: F401
    from handouts.layout.fonts import stack_for
    from handouts.localedata import load_locale_data

    for kind in sorted(kinds):
        KINDS[kind].render()
    fonts = set(fonts)
    for tag in sorted(fonts):
        stack_for(tag)
    for tag in sorted(fonts | set(locale_data)):
        load_locale_data(tag)


def warm_up(project: Project) -> None:
    """Load what any build of ``project`` may need (every kind's drawing modules, every
    language's fonts and CLDR data) in a process that builds again and again
    (``build --watch``): its later builds, and the workers they fork, find it loaded."""
    _load({spec.kind for condition in project.manifest.conditions.values() for spec in condition.handouts.values()},
          project.locale_tags())


@builds_without_automatic_collection
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
    jobs: int | None = None,
    force: bool = False,
    shard: tuple[int, int] | None = None,
) -> BuildReport:
    """Render what changed, then write it all (and the site) in one step.

    Incremental: a PDF whose inputs are unchanged (``fingerprints``) and still on disk as
    written is kept; ``force`` renders everything. ``jobs`` worker processes render
    (default: every core). ``shard=(i, n)`` builds the i-th of n slices of the work and
    no site (``handouts site`` assembles it from all slices' PDFs).
    ``fallback_english``: a missing translation prints in the source language, marked.
    ``allow_draft``: build gated handouts even where their texts are missing or stale."""
    from handouts.buildstate import CACHE_DIR, BuildState, DocumentCache, ParsedCache, cache_home, state_path
    from handouts.fingerprints import InputDigests, document_digest
    from handouts.layout.facecache import keep_faces_in
    from handouts.layout.icons import keep_operators_in
    from handouts.localedata import keep_locale_data_in

    started = time.perf_counter()
    settings = settings or Settings()
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file, not a folder: give another --output")
    if shard is not None and not 1 <= shard[0] <= shard[1]:
        raise UsageError(f"--shard {shard[0]}/{shard[1]}: the slice must be between 1 and {shard[1]}")
    write_site_too = site and shard is None and project.manifest.site_templates is not None
    builder = Builder(project, settings, fallback=fallback_english, allow_draft=allow_draft,
                      care_language=care_language)
    digests = InputDigests(project, settings, builder.care_language, fallback=fallback_english,
                           allow_draft=allow_draft)
    state = BuildState.load(state_path(output, shard))
    request = digests.request(conditions, locales, handouts, papers, editions, write_site_too, shard)
    everything = digests.everything()
    if not force and state.requests.get(request) == everything and state.outputs and \
            all(state.intact(output, name) for name in state.outputs) and \
            (not write_site_too or (output / "index.html").is_file()):
        return BuildReport(kept=[output / name for name in state.outputs], up_to_date=True,
                           site="up to date" if write_site_too else "not asked",
                           seconds=time.perf_counter() - started)

    home = cache_home(project.root, output)
    builder.store.parsed = ParsedCache(home)
    builder.template_cache = TemplateCache(home)
    keep_operators_in(home / CACHE_DIR / "pictograms")
    keep_faces_in(home / CACHE_DIR / "faces")
    keep_locale_data_in(home / CACHE_DIR / "cldr")
    plan = make_plan(project, builder.store, settings, conditions=conditions, locales=locales, handouts=handouts,
                     papers=papers, editions=editions, fallback=fallback_english)
    for line in plan.skipped:
        if notice:
            notice(line)
    tasks = make_tasks(plan)
    if shard is not None:
        tasks = tasks[shard[0] - 1::shard[1]]
    documents = DocumentCache(output)
    report = BuildReport()
    to_run: list[Task] = []

    def reads_unchanged(task: Task, key: str, records: list[OutputRecord | None]) -> bool:
        """Its catalogs changed, but not what its composing read (``Builder.inputs_read``),
        and its PDFs are those of the document it then made: kept, and its document taken
        from the cache (for the download pages), not composed again."""
        name = task.name
        record = state.documents.get(name)
        if record is None or any(r is None or r.document != digests.drawing(record.shown, job)
                                 for r, job in zip(records, task.jobs)):
            return False
        spec, texts = project.handout(task.condition, task.handout), plan.texts[(task.condition, task.locale)]
        if record.reads is not None and record.care_reads is not None:
            # The keys it read are in the record: checked without unpickling the document
            # (the download pages unpickle it if they show it).
            if builder.keys_read(spec, texts, record.reads, record.care_reads, digests.base) != record.inputs:
                return False
            if record.cache != key:
                pickled = documents.get_pickled(record.cache)
                if pickled is None:
                    return False  # gone from the cache: composed again
                documents.put_pickled(key, pickled)  # under the key the download pages look for
                state.documents[name] = replace(record, cache=key)
        else:
            pickled = documents.get_pickled(record.cache)
            try:
                composed = pickle.loads(pickled) if pickled is not None else None
            except Exception:  # from another version of the classes
                return False
            if not isinstance(composed, Composed) or builder.inputs_read(spec, texts, composed,
                                                                         digests.base) != record.inputs:
                return False
            builder.composed[(task.condition, task.locale, task.handout)] = composed
            if record.cache != key:
                documents.put(key, composed, pickled=pickled)  # under the key the download pages look for
            state.documents[name] = replace(record, cache=key, reads=tuple(sorted(composed.reads)),
                                            care_reads=tuple(sorted(composed.care_reads)))
        for kept, job in zip(records, task.jobs):
            state.outputs[str(job.relative_path())] = replace(kept, inputs=digests.job(key, job))
        return True

    for task in tasks:
        key = digests.document(task.condition, task.locale, task.handout)
        records = [state.intact(output, str(job.relative_path())) for job in task.jobs]
        if not force and (all(r is not None and r.inputs == digests.job(key, job) for r, job in zip(records, task.jobs))
                          or reads_unchanged(task, key, records)):
            report.kept.extend(output / job.relative_path() for job in task.jobs)
        else:
            to_run.append(task)

    staged: list[StagingFolder] = []  # the build's staging folder, once ``fill`` is given it

    def work(task: Task) -> TaskResult:
        """Compose a handout and draw its PDFs. Each PDF is written into the staging
        folder here, by whichever process drew it (unless its bytes are those already
        in place): the parent receives its checksum and size, not its bytes (a full
        build's 45 MB were pickled, piped and written by the parent, whose share of the
        two cores the workers drawing then lacked)."""
        texts = plan.texts[(task.condition, task.locale)]
        spec = project.handout(task.condition, task.handout)
        composed = builder.compose(spec, texts)
        outputs: list[Drawn] = []
        shown = document_digest(composed.document)
        for job in task.jobs:
            relative = str(job.relative_path())
            drawn = digests.drawing(shown, job)
            record = state.intact(output, relative)
            if not force and record is not None and record.document == drawn:
                outputs.append(Drawn(job, drawn, None, 0, 0.0))  # its texts changed, but not what it shows
                continue
            began = time.perf_counter()
            pdf = builder.render(job, texts)
            seconds = time.perf_counter() - began
            sha = hashlib.sha256(pdf).hexdigest()
            if record is None or record.sha256 != sha:
                staged[0].write(relative, pdf)
            outputs.append(Drawn(job, drawn, sha, len(pdf), seconds))
        return TaskResult(pickle.dumps(composed, protocol=pickle.HIGHEST_PROTOCOL), outputs,
                          DocumentRecord(builder.inputs_read(spec, texts, composed, digests.base), "", shown,
                                         tuple(sorted(composed.reads)), tuple(sorted(composed.care_reads))))

    def cost(task: Task) -> float:
        recorded = [state.outputs.get(str(job.relative_path())) for job in task.jobs]
        return sum(r.seconds if r is not None else estimate(project, job) for r, job in zip(recorded, task.jobs))

    from handouts.pool import default_jobs, run_tasks

    workers = min(jobs or default_jobs(), len(to_run))
    if jobs is None and sum(map(cost, to_run)) < SERIAL_BELOW:
        workers = 1  # starting workers would cost more than it saves
    if workers > 1:
        builder.prepare(to_run, plan.texts)
    elif to_run:
        # Drawn here: the languages' CLDR data from the project's cache, as workers have it
        # (Babel would merge it again: 6-7 ms a language, in a one-handout command).
        _load(kinds=(), fonts=(), locale_data={task.locale for task in to_run} | {builder.care_language})
    results: dict[int, TaskResult] = {}
    total = sum(len(task.jobs) for task in to_run)

    def write_project_caches() -> None:
        """The project's own caches (catalogs and states as read, compiled templates),
        written while the workers draw, not after: they are made from the project's files
        alone and right whatever the build's outcome. (Kept in the output folder, when the
        project's cannot be written, they wait for the build's files.)"""
        if home != output:
            builder.store.parsed.flush()
            builder.template_cache.flush()

    def fill(staging: StagingFolder) -> None:
        staged.append(staging)
        done = 0
        for index, result in run_tasks(to_run, work, jobs=workers, cost=cost, meanwhile=write_project_caches,
                                       stop_on=(WriteError,)):  # a full disk: no point drawing on
            results[index] = result
            for drawn in result.outputs:
                done += 1
                if progress and drawn.sha256 is not None:
                    progress(done, total, Rendered(drawn.job, drawn.size, drawn.seconds))
        for index, task in enumerate(to_run):  # in plan order: the same records in the same order
            result = results[index]
            key = digests.document(task.condition, task.locale, task.handout)
            composed = pickle.loads(result.composed)
            builder.composed[(task.condition, task.locale, task.handout)] = composed
            documents.put(key, composed, pickled=result.composed)
            state.documents[task.name] = replace(result.document, cache=key)
            for drawn in result.outputs:
                job = drawn.job
                relative = str(job.relative_path())
                if drawn.sha256 is None:
                    old = state.intact(output, relative)
                    assert old is not None
                    state.outputs[relative] = replace(old, inputs=digests.job(key, job))
                    report.kept.append(output / relative)
                    continue
                state.outputs[relative] = OutputRecord(digests.job(key, job), drawn.document, drawn.sha256, drawn.size,
                                                       round(drawn.seconds, 4))
                report.rendered.append((output / relative, Rendered(job, drawn.size, drawn.seconds)))
        if write_site_too:
            whole = not (conditions or locales or handouts or papers) and tuple(editions) == tuple(EDITIONS)
            report.site = _site(project, output, staging, builder, digests, state, documents, force=force,
                                fallback=fallback_english, after_commit=after_commit, plan=plan if whole else None)
        elif site and shard is not None:
            report.site = "left to `handouts site`"

    after_commit: list[Callable[[], None]] = [documents.flush, builder.store.parsed.flush,
                                                 builder.template_cache.flush]
    report.written = _staged(output, fill)
    for flush in after_commit:
        flush()
    _prune_caches(output, home)
    for name, record in list(state.outputs.items()):
        try:
            state.outputs[name] = replace(record, mtime_ns=(output / name).stat().st_mtime_ns)
        except OSError:
            del state.outputs[name]
    state.stat_site_files(output)
    state.requests = {request: everything}  # only the last build's options: another's may have changed the PDFs
    state.save()
    report.seconds = time.perf_counter() - started
    return report


def _staged(output: Path, fill: Callable[[StagingFolder], None]) -> list[Path]:
    """Run ``fill`` with a staging folder, then move what it wrote into ``output``: all of
    it, or on any failure none of it (the error names the file in ``output``)."""
    from handouts.buildstate import CACHE_DIR

    staging = StagingFolder(output)
    try:
        fill(staging)
        # The build's files; the cache entries staged with them are moved too, not listed.
        return [path for path in staging.commit() if path.relative_to(output).parts[:1] != (CACHE_DIR,)]
    except WriteError as error:
        staging.discard()
        where = error.where
        if where is not None and where.path.is_relative_to(staging.path):
            where = Location(output / where.path.relative_to(staging.path), where.line)
        raise WriteError(error.message, where, error.key) from None
    except BaseException:
        staging.discard()
        raise


@builds_without_automatic_collection
def assemble_site(project: Project, output: Path, *, settings: Settings | None = None, fallback_english: bool = False,
                  force: bool = False, care_language: str | None = None) -> BuildReport:
    """The download pages (and the status page) for the PDFs already in ``output``: after
    a partial build, or after copying the outputs of every shard into one folder."""
    from handouts.buildstate import BuildState, DocumentCache, ParsedCache, cache_home, state_path
    from handouts.fingerprints import InputDigests

    started = time.perf_counter()
    settings = settings or Settings()
    if project.manifest.site_templates is None:
        raise UsageError("this project has no download pages (no site templates in project.yaml)")
    if not output.is_dir():
        raise UsageError(f"{output} does not exist: build the PDFs first (handouts build)")
    builder = Builder(project, settings, fallback=fallback_english, care_language=care_language)
    digests = InputDigests(project, settings, builder.care_language, fallback=fallback_english, allow_draft=False)
    state = BuildState.load(state_path(output, None))
    for shard_state in sorted(output.glob(".handouts-build.*-of-*.json")):  # what each shard recorded
        recorded = BuildState.load(shard_state)
        for name, record in recorded.outputs.items():
            state.outputs.setdefault(name, record)
        for name, document in recorded.documents.items():
            state.documents.setdefault(name, document)
    report = BuildReport()
    home = cache_home(project.root, output)
    builder.store.parsed = ParsedCache(home)
    builder.template_cache = TemplateCache(home)
    documents = DocumentCache(output)
    after_commit: list[Callable[[], None]] = [documents.flush, builder.store.parsed.flush,
                                                 builder.template_cache.flush]

    def fill(staging: StagingFolder) -> None:
        report.site = _site(project, output, staging, builder, digests, state, documents, force=force,
                            fallback=fallback_english, after_commit=after_commit, linked=report.kept)

    report.written = _staged(output, fill)
    for flush in after_commit:
        flush()
    _prune_caches(output, home)
    state.stat_site_files(output)
    state.save()
    report.seconds = time.perf_counter() - started
    return report


def _prune_caches(output: Path, home: Path) -> None:
    """The build's caches (the output folder's, the project's) rid of what no build has
    used for two weeks."""
    from handouts.buildstate import CACHE_DIR
    from handouts.files import prune_cache

    for root in dict.fromkeys((output / CACHE_DIR, home / CACHE_DIR)):
        prune_cache(root)


def make_tasks(plan: Plan) -> list[Task]:
    """The plan's jobs grouped by handout and language, in plan order."""
    grouped: dict[tuple[str, str, str], list[Job]] = {}
    for job in plan.jobs:
        grouped.setdefault((job.condition, job.locale, job.handout), []).append(job)
    return [Task(condition, locale, handout, tuple(jobs)) for (condition, locale, handout), jobs in grouped.items()]


SERIAL_BELOW = 1.0  # seconds of rendering under which a build without --jobs uses one process


def estimate(project: Project, job: Job) -> float:
    """Seconds a job takes before any build has timed it: a page costs about 0.1 s, a
    shaped script (Arabic, Indic, CJK) twice that."""
    from handouts.layout.fonts import configured_stack

    spec = project.handout(job.condition, job.handout)
    shaped = configured_stack(job.locale).engine == "shaped"
    return 0.1 * (spec.pages or 1) * (2.0 if shaped else 1.0) * (1.5 if job.large_print else 1.0)


class _Documents(Mapping):
    """The composed documents of the handouts the pages show, by (condition, language,
    handout): this build's, else the document cache's, else composed now; read only when
    a page that shows one is made (a language whose pages are unchanged reads none)."""

    def __init__(self, shown: set[tuple[str, str, str]], project: Project, builder: Builder, digests, documents,
                 texts: Mapping):
        self.shown, self.project, self.builder, self.digests = shown, project, builder, digests
        self.documents, self.texts = documents, texts

    def __getitem__(self, key: tuple[str, str, str]) -> Composed:
        if key not in self.shown:
            raise KeyError(key)
        composed = self.builder.composed.get(key)
        if composed is None:
            fingerprint = self.digests.document(*key)
            composed = self.documents.get(fingerprint)
            if composed is None:
                condition, locale, handout = key
                composed = self.builder.compose(self.project.handout(condition, handout),
                                                self.texts[(condition, locale)])
                self.documents.put(fingerprint, composed)
            self.builder.composed[key] = composed
        return composed

    def __contains__(self, key) -> bool:
        return key in self.shown

    def __iter__(self):
        return iter(sorted(self.shown))

    def __len__(self) -> int:
        return len(self.shown)


def _site(project: Project, output: Path, staging, builder: Builder, digests, state, documents, *, force: bool,
          fallback: bool, after_commit: list[Callable[[], None]], linked: list[Path] | None = None,
          plan: Plan | None = None) -> str:
    """The download pages for every PDF in ``output`` (this build's and earlier ones'),
    written unless nothing they show changed; a page whose bytes are the same is not
    rewritten, and a language's pages that are all unchanged and intact are not even made
    (``plan``: the whole project's plan, when the build has made it already)."""
    from handouts.buildstate import DocumentCache, subset_cache_folder
    from handouts.fingerprints import digest, document_digest, engine_digest, files_digest, tree_digest
    from handouts.site import PdfFile, write_site
    from handouts.status_report import html_page, summaries
    from handouts.webfonts import SubsetCache

    plan = plan or make_plan(project, builder.store, builder.settings, fallback=fallback)
    pdfs: list[PdfFile] = []
    for job in plan.jobs:
        relative = str(job.relative_path())
        staged = staging.path / relative
        record = state.outputs.get(relative)
        if staged.is_file() or (output / relative).is_file():
            size = staged.stat().st_size if staged.is_file() else (output / relative).stat().st_size
            pdfs.append(PdfFile(job, size, record.sha256 if record else ""))
            if linked is not None:
                linked.append(output / relative)
    if not pdfs and linked is not None:
        raise UsageError(f"no PDFs in {output}/: build them first (handouts build), or copy every shard's "
                         "output there")
    shown = {(p.job.condition, p.job.locale, p.job.handout) for p in pdfs}
    fingerprint = digests.site(plan, pdfs)
    if not force and state.site == fingerprint and (output / "index.html").is_file():
        return "up to date"
    site_plan = Plan([job for job in plan.jobs if (job.condition, job.locale, job.handout) in shown],
                     {group: texts for group, texts in plan.texts.items()
                      if any((group[0], group[1]) == s[:2] for s in shown)}, plan.skipped)
    status = STATUS_PAGE
    catalogs = [path for tag in project.locale_tags() for name in project.catalog_names()
                for path in (project.catalog_path(tag, name), project.state_path(tag, name))]
    status_key = digest("status page", engine_digest(), files_digest([*catalogs, project.manifest.path]))
    kept_summaries = DocumentCache(output, "summaries")
    after_commit.append(kept_summaries.flush)
    files = {}
    keys: dict[str, str] = {status: status_key}  # site file -> the key of what it shows (pages, status page)
    status_page = None if force else kept_summaries.get(status_key)
    if not (isinstance(status_page, bytes) and state.site_file_intact(output, status, status_key)):
        def remember(tag: str, name: str, make):
            """A catalog's status, kept by what it is made from: its file and state, the
            source's, the language's shared file (its name), the manifest, the engine."""
            paths = [project.catalog_path(tag, name), project.state_path(tag, name),
                     project.catalog_path(project.source_locale, name),
                     project.catalog_path(tag, project.manifest.shared_catalog), project.manifest.path]
            key = digest("summary", engine_digest(), files_digest(paths))
            found = None if force else kept_summaries.get(key)
            if found is None:
                found = make()
                kept_summaries.put(key, found)
            return found

        files[status] = html_page(summaries(builder.store, remember=remember)).encode("utf-8")
        kept_summaries.put(status_key, files[status])
    fonts = SubsetCache(subset_cache_folder(output))
    site_templates = tree_digest(digests.site_folder) if digests.site_folder else ""
    pages = DocumentCache(output, "pages")
    groups = DocumentCache(output, "groups")
    inputs: dict[tuple[str, str], str] = {}

    def page_inputs(condition: str, tag: str) -> str:
        """What a handout's page shows besides its document, status, PDFs and languages:
        the language's own catalogs and states, the source's shared catalog, and of the
        source's catalog for the condition its meta (dates a text may print) only: its
        texts show on the page only through the document and the status, unless missing
        texts fall back to them."""
        if (condition, tag) not in inputs:
            names = (project.manifest.shared_catalog, project.manifest.conditions[condition].catalog)
            files = [path for name in names for path in (project.catalog_path(tag, name), project.state_path(tag, name))]
            files.append(project.catalog_path(project.source_locale, names[0]))
            if fallback or tag == project.source_locale:
                files.append(project.catalog_path(project.source_locale, names[1]))
            inputs[(condition, tag)] = digest("page inputs", digests.base, site_templates, files_digest(files),
                                              document_digest(builder.store.source(names[1]).meta))
        return inputs[(condition, tag)]

    def stage_caches() -> None:
        """The output folder's caches, into the staging folder while the web fonts are made."""
        for cache in (documents, pages, groups, kept_summaries):
            cache.stage(staging.path)

    def shown_of(condition: str, tag: str, handout: str, composed) -> str:
        """A document's fingerprint: as recorded when it was made for this key, else taken."""
        record = state.documents.get(record_name(condition, tag, handout))
        if record is not None and record.cache == digests.document(condition, tag, handout):
            return record.shown
        return document_digest(composed.document)

    files |= write_site(project, builder, site_plan, pdfs, fonts_cache=fonts, pages=pages, reuse=not force,
                        group_key=lambda condition, tag: digest(digests.group(condition, tag), site_templates),
                        composed=_Documents(shown, project, builder, digests, documents, plan.texts),
                        groups=groups, intact=lambda path, key: state.site_file_intact(output, path, key),
                        keys=keys, page_inputs=page_inputs, shown=shown_of, meanwhile=stage_caches)
    after_commit.extend([fonts.flush, pages.flush, groups.flush])
    for relative, data in sorted(files.items()):
        target = output / relative
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue  # the same bytes: not rewritten
        except OSError:
            pass
        staging.write(relative, data)
    state.site = fingerprint
    after_commit.append(state.left_behind(output, {*files, *keys}))
    state.site_files = {path: None for path in sorted({*files, *keys})}  # their size and time once in place
    state.site_keys = dict(sorted(keys.items()))
    return "written"


__all__ = ["build", "warm_up", "Builder", "BuildReport", "Job", "Rendered", "Task", "make_plan", "make_tasks",
           "assemble_site", "EDITIONS", "HandoutsError"]
