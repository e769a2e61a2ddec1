"""The families' download pages: a static site written next to the PDFs.

The engine renders each handout's HTML from the same semantic document as its PDF (a
``DocumentVisitor``), gathers what the pages show (the PDFs of each handout with their
paper, edition and size; the languages each page exists in; the translation status),
and fills the project's page templates (``templates/site/``: the first page, a
condition's page in one language, a handout's page). The templates choose every text;
the engine passes data. Relative links only, nothing fetched from elsewhere, no
JavaScript; same input, same bytes.

The look is the printed handouts' look: the colours come from the PDF styles
(``layout/styles.py``), the warning symbol and pictograms from the same SVG files, the
type from the same font files (``webfonts``: subset per page set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from babel.units import format_unit
from markupsafe import Markup

from handouts.catalog import PLACEHOLDER_RE
from handouts.compose import placeholder_values
from handouts.document import (
    Block,
    Callout,
    Document,
    DocumentVisitor,
    Field,
    FieldRow,
    Figure,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    Section,
    Terms,
    block_spans,
    plain_text,
)
from handouts.fingerprints import digest
from handouts.formatting import babel_locale, language_name
from handouts.pictograms import catalogue, icon, svg_markup, svg_source
from handouts.templating import Translator, make_environment, render_template
from handouts.webfonts import Contribution, SubsetCache, WebFonts, contribution_of, page_text

CSS_FILE = "site.css"
ASSETS = Path(__file__).with_name("assets")
STANDARD = "standard"  # the edition of a PDF with no edition in its name
FIRST_PAGE_FONTS = "languages"  # the first page's page set (never a language tag: 9 letters)
FIRST_STRONG_ISOLATE, POP_ISOLATE = "\u2068", "\u2069"


# ---------------------------------------------------------------------- HTML of a handout


def _inline(content: Inline, doc_lang: str) -> str:
    out = []
    for span in content:
        text = escape(span.text)
        if span.strong:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{escape(span.href)}">{text}</a>'
        if span.lang and span.lang != doc_lang:
            text = f'<span lang="{escape(span.lang)}">{text}</span>'
        out.append(text)
    return "".join(out)


def warning_symbol(label: str) -> str:
    """The warning pictogram the PDFs draw (same SVG file), as an image with a spoken name.
    It takes the colour of its text: black beside a heading, white on the card's band."""
    text = svg_source(icon("warning").path).replace("#000", "currentColor")
    return text.replace("<svg ", f'<svg class="symbol" role="img" aria-label="{escape(label)}" focusable="false" ', 1)


def _pictogram(name: str | None) -> str:
    """A list item's pictogram, decorative (the words say the same); mirrored by the
    stylesheet in right-to-left pages when it has a direction. Nothing if it does not exist."""
    if not name or name not in catalogue():
        return ""
    return svg_markup(name, mirror=True)


class HtmlWriter(DocumentVisitor):
    """A handout's body as HTML: headings, paragraphs, lists with real check boxes,
    boxed warnings with the warning symbol in their heading, fill-in fields that line up."""

    def __init__(self, document: Document, heading_shift: int = 0):
        self.document = document
        self.lang = document.lang
        self.shift = heading_shift
        self.boxes = 0

    def blocks(self, blocks: Iterable[Block]) -> str:
        out: list[str] = []
        fields: list[str] = []
        for block in blocks:
            if isinstance(block, (Field, FieldRow)):  # consecutive fields share one grid
                fields.append(self.visit(block))
                continue
            if fields:
                out.append('<div class="fields">\n' + "\n".join(fields) + "\n</div>")
                fields = []
            out.append(self.visit(block))
        if fields:
            out.append('<div class="fields">\n' + "\n".join(fields) + "\n</div>")
        return "\n".join(out)

    def visit_heading(self, block: Heading, symbol: str = "") -> str:
        level = min(6, block.level + self.shift)
        if symbol:
            return (f'<h{level} class="with-symbol">{symbol}<span>{_inline(block.content, self.lang)}</span>'
                    f"</h{level}>")
        return f"<h{level}>{_inline(block.content, self.lang)}</h{level}>"

    def visit_paragraph(self, block: Paragraph) -> str:
        return f'<p class="{block.style}">{_inline(block.content, self.lang)}</p>'

    def visit_list(self, block: ListBlock) -> str:
        if block.kind == "check":
            items = []
            for item in block.items:
                self.boxes += 1
                box_id = f"step-{self.boxes}"
                items.append(f'<li><input type="checkbox" id="{box_id}"> {_pictogram(item.icon)}'
                             f'<label for="{box_id}">{_inline(item.content, self.lang)}</label></li>')
            return '<ul class="check-list">\n' + "\n".join(items) + "\n</ul>"
        with_icons = any(_pictogram(item.icon) for item in block.items)
        items = [f"<li>{_pictogram(item.icon)}<span>{_inline(item.content, self.lang)}</span></li>" if with_icons
                 else f"<li>{_inline(item.content, self.lang)}</li>" for item in block.items]
        css = ' class="with-icons"' if with_icons else ""
        return f"<ul{css}>\n" + "\n".join(items) + "\n</ul>"

    def visit_callout(self, block: Callout) -> str:
        inner = block.blocks
        if block.kind != "warning":
            body = self.blocks(inner)
        else:
            symbol = warning_symbol(self.document.spoken("warning_symbol", "Warning"))
            if inner and isinstance(inner[0], Heading):  # the symbol stands in the heading's first line
                body = self.visit_heading(inner[0], symbol) + "\n" + self.blocks(inner[1:])
            else:
                body = f'<p class="symbol-line">{symbol}</p>\n' + self.blocks(inner)
        return f'<div class="callout {block.kind}" role="note">\n{body}\n</div>'

    def visit_field_row(self, block: FieldRow) -> str:
        return "\n".join(self.visit_field(f) for f in block.fields)

    def visit_field(self, block: Field) -> str:
        value = (f'<span class="value">{_inline(block.value, self.lang)}</span>' if block.value
                 else '<span class="blank" aria-hidden="true"></span>')
        lines = "".join('<span class="blank more" aria-hidden="true"></span>' for _ in range(max(0, block.lines - 1)))
        return f'<div class="field"><span class="label">{_inline(block.label, self.lang)}</span>{value}{lines}</div>'

    def visit_figure(self, block: Figure) -> str:
        alt = escape(plain_text(block.alt))
        if block.icon in catalogue():
            svg = svg_markup(block.icon, mirror=True).replace('aria-hidden="true"', f'role="img" aria-label="{alt}"', 1)
            return f'<div class="figure">{svg}</div>'
        return f'<p class="figure" role="img" aria-label="{alt}"></p>'

    def visit_terms(self, block: Terms) -> str:
        items = [f"<dt>{_inline(term.name, self.lang)}</dt><dd>{_inline(term.definition, self.lang)}</dd>"
                 for term in block.items]
        return '<dl class="terms">\n' + "\n".join(items) + "\n</dl>"

    def section(self, section: Section) -> str:
        # The section's name is content (any word): an attribute, never a class the stylesheet uses.
        # A section wholly in another language (the card's side for the care staff) says so
        # once, with its direction, instead of on every passage.
        langs = {span.lang or self.document.lang for block in section.blocks for span in block_spans(block)
                 if span.key and span.text.strip()}
        attributes = ""
        if len(langs) == 1 and (lang := langs.pop()) != self.document.lang:
            attributes = f' lang="{escape(lang)}" dir="{_direction(lang)}"'
            self.lang = lang
        html = (f'<section class="section {section.kind}" data-name="{escape(section.name)}"{attributes}>\n'
                f"{self.blocks(section.blocks)}\n</section>")
        self.lang = self.document.lang
        return html

    def shown(self) -> list[Section]:
        """The sections a web page shows: not the ones that say how to print or cut a sheet."""
        return [s for s in self.document.sections if not s.editions]

    def sections(self) -> str:
        return "\n".join(self.section(s) for s in self.shown())

    def split(self) -> tuple[str, str]:
        """(the opening section, if it holds the title heading; the rest): a page can put
        its status and downloads between the title and the body."""
        sections = self.shown()
        if sections and any(isinstance(b, Heading) and b.level == 1 for b in sections[0].blocks):
            return self.section(sections[0]), "\n".join(self.section(s) for s in sections[1:])
        return "", self.sections()


# ---------------------------------------------------------------------- what the pages show


@dataclass(frozen=True)
class PdfLink:
    """One PDF of a handout: its paper, its edition (``standard``, ``large-print``, or any
    edition a handout kind adds, read from the file name), where it is and how big."""

    paper: str
    edition: str
    href: str  # relative to the page
    size: int
    size_text: str = ""  # the size written in the page's language ("96 kB")

    @property
    def large_print(self) -> bool:
        return self.edition == "large-print"


@dataclass(frozen=True)
class Version:
    """The same page in one language."""

    tag: str
    name: str  # the language's own name, in its own script
    english: str  # its name in the source language (for care staff)
    dir: str
    href: str  # relative to the page
    current: bool = False


@dataclass(frozen=True)
class Status:
    """How far a page's translation is: ``source``, ``draft`` or ``reviewed`` (the build's
    effective status: a reviewed text edited since is a draft again), by whom, when."""

    value: str
    translated_by: str | None = None
    translated_on: str | None = None  # written in the page's language
    reviewed_by: str | None = None
    reviewed_on: str | None = None
    outdated: bool = False  # some text on the page changed in the source language since
    fallback: bool = False  # some text on the page is shown in the source language

    @property
    def translated(self) -> bool:
        return self.value != "source"


@dataclass
class HandoutEntry:
    name: str
    title: str
    document: Document
    pdfs: list[PdfLink] = field(default_factory=list)
    kind: str = ""

    @property
    def href(self) -> str:
        return f"{self.name}.html"


@dataclass(frozen=True)
class Topic:
    """A condition in one language, on the first page."""

    name: str
    title: str
    href: str


@dataclass
class LanguageEntry:
    """A language on the first page: its names, its own ``t``, the conditions it has."""

    tag: str
    name: str
    english: str
    dir: str
    t: Callable[..., str]
    has: Callable[[str], bool]
    topics: list[Topic] = field(default_factory=list)

    @property
    def href(self) -> str:
        return self.topics[0].href


def file_size(size: int, locale: str) -> str:
    kilobytes = max(1, round(size / 1024))
    return format_unit(kilobytes, "digital-kilobyte", length="short", locale=babel_locale(locale))


def edition_of(job) -> str:
    """A job's edition: its own, or what its file name adds between handout and paper."""
    edition = getattr(job, "edition", None)
    if edition:
        return str(edition)
    stem = job.relative_path().stem
    middle = stem.removeprefix(f"{job.handout}").removesuffix(f"-{job.paper}").strip("-")
    return middle or STANDARD


def palette_css() -> str:
    """The printed handouts' colours as CSS variables: one source, so paper and screen
    cannot drift apart."""
    from handouts.layout import styles

    colours = {"ink": styles.INK, "accent": styles.ACCENT, "tint": styles.TINT, "rule": styles.RULE,
               "warning": styles.WARNING, "paper": styles.PAPER}
    lines = [f"  --{name}: #{colour.hexval()[2:].upper()};" for name, colour in colours.items()]
    return "/* The handouts' colours (handouts/layout/styles.py). */\n:root {\n" + "\n".join(lines) + "\n}\n"


def colours() -> dict[str, str]:
    from handouts.layout import styles

    return {"accent": f"#{styles.ACCENT.hexval()[2:].upper()}", "paper": f"#{styles.PAPER.hexval()[2:].upper()}"}


# ---------------------------------------------------------------------- texts of a page


class PageTexts:
    """What a page template calls: ``t(key)`` (filled, escaped by the template; a text
    shown in the source language is marked with its ``lang``) and ``has(key)``."""

    def __init__(self, texts, source, values: dict[str, str], source_values: dict[str, str], fallback: bool):
        self.texts = texts
        self.source = source
        self.fallback = fallback
        self.translator = Translator(texts, values, source if fallback else None, source_values)

    def has(self, key: str) -> bool:
        message = self.texts.messages.get(key)
        if message is not None and message.text:
            return True
        return self.fallback and key in self.source.messages and bool(self.source.messages[key].text)

    def t(self, key: str, count: int | None = None) -> str:
        text = self.translator.text(key, count)
        message = self.texts.messages.get(key)
        if (message is None or not message.text) and self.fallback:
            return Markup('<span lang="{}">{}</span>').format(self.source.locale, text)
        return text


def _isolated(values: dict[str, str], names: Iterable[str]) -> dict[str, str]:
    """Names inside a sentence keep their own direction (a Latin name in Arabic text)."""
    return {k: f"{FIRST_STRONG_ISOLATE}{v}{POP_ISOLATE}" if k in names and v != "?" else v for k, v in values.items()}


# ---------------------------------------------------------------------- writing the site


PAGES_PER_PROCESS = 24  # fewer pages are rendered in this process: starting workers would cost more


@dataclass(frozen=True)
class _AskedPage:
    template: str
    path: str
    context: dict[str, Any] | Callable[[], dict[str, Any]]
    page_set: str
    key: str | None


class SiteWriter:
    """Renders the project's page templates with the build's documents and PDFs."""

    def __init__(self, project, builder, fonts_cache: SubsetCache | None = None, pages=None, reuse: bool = True):
        self.project = project
        self.pages = pages  # a build's cache of pages by the fingerprint of what they show (or None)
        self.reuse = reuse  # take pages from it (else only keep them there)
        self.builder = builder
        self.store = builder.store
        self.folder = project.manifest.site_templates
        self.env = make_environment(project.templates_dir, getattr(builder, "template_cache", None))
        self.fonts = WebFonts(fonts_cache)
        self.files: dict[str, bytes] = {}  # path under the site's root -> bytes
        self.contributions: dict[str, Contribution] = {}  # path -> the characters of the page there
        self.keys: dict[str, str] = {}  # path -> the page key (what the page there shows), for pages with one
        self._page_texts: dict[tuple[str, str], PageTexts] = {}
        self._compiled = False
        self._asked: list[_AskedPage] = []  # pages to render (``finish``)
        self.source_locale = project.source_locale

    def page(self, template: str, path: str, context: dict[str, Any] | Callable[[], dict[str, Any]], page_set: str,
             key: str | None = None) -> None:
        """Ask for a page; ``finish`` renders them all (``context`` may be a function
        that makes it, so that the making is shared out too)."""
        self._asked.append(_AskedPage(template, path, context, page_set, key))

    def _render(self, asked: "_AskedPage") -> tuple[bytes, Contribution]:
        """A page's bytes and its characters (what ``WebFonts`` needs of it)."""
        context = asked.context() if callable(asked.context) else asked.context
        html = render_template(self.env, self.project.templates_dir, f"{self.folder}/{asked.template}", context)
        return html.encode("utf-8"), contribution_of(page_text(html, context["lang"]), Path(asked.path))

    def finish(self, jobs: int | None = None) -> None:
        """Render the pages asked for, on every core when there are many (rendering and
        reading back their characters take about 6 ms a page), and take them in the
        order they were asked: the same files and web fonts from any number of processes."""
        from handouts.pool import default_jobs, run_tasks

        asked, self._asked = self._asked, []
        workers = jobs or (default_jobs() if len(asked) >= PAGES_PER_PROCESS else 1)
        self._compile_templates()
        made: dict[int, tuple[bytes, Contribution]] = dict(run_tasks(asked, self._render, jobs=workers))
        for index, page in enumerate(asked):
            data, contribution = made[index]
            self.files[page.path] = data
            self.contributions[page.path] = contribution
            self.fonts.add_contribution(page.page_set, contribution)
            if page.key is not None:
                self.keys[page.path] = page.key
                if self.pages is not None:
                    self.pages.put(page.key, (data, contribution))

    def _compile_templates(self) -> None:
        """Every page template compiled here, once: the processes that render pages
        inherit them, and the build's template cache keeps them for the next command
        (compiled in a worker, they were compiled in each and kept by none)."""
        if self._compiled:
            return
        self._compiled = True
        prefix = f"{self.folder}/"
        for name in self.env.list_templates():
            if name.startswith(prefix):
                try:
                    self.env.get_template(name)
                except Exception:  # a broken template, or a file that is none: said when a page uses it
                    pass

    def cached(self, key: str | None, path: str, page_set: str) -> bool:
        """Take the page from the cache when what it shows is unchanged (``key``)."""
        found = self.pages.get(key) if self.pages is not None and key is not None and self.reuse else None
        if found is None:
            return False
        data, contribution = found
        self.files[path] = data
        self.contributions[path] = contribution
        self.keys[path] = key
        self.fonts.add_contribution(page_set, contribution)
        return True

    def page_texts(self, condition, tag: str) -> PageTexts:
        """A language's texts as the page templates ask for them (made once per build)."""
        made = self._page_texts.get((condition.name, tag))
        if made is None:
            made = self._page_texts[(condition.name, tag)] = self._make_page_texts(condition, tag)
        return made

    def _make_page_texts(self, condition, tag: str) -> PageTexts:
        texts = self.store.texts(condition, tag, allow_missing=self.builder.fallback)
        source = self.store.source_texts(condition)
        parameters = self.builder.composer(condition.name).parameters
        isolated = ("translator", "reviewer")
        return PageTexts(texts, source, _isolated(placeholder_values(texts, source, parameters), isolated),
                         _isolated(placeholder_values(source, source, parameters), isolated), self.builder.fallback)

    def status(self, condition, tag: str, composed: Iterable) -> Status:
        texts = self.store.texts(condition, tag, allow_missing=self.builder.fallback)
        composed = list(composed)
        stale = self.store.stale_keys(texts)
        meta = texts.meta
        values = placeholder_values(texts, self.store.source_texts(condition), {})
        return Status(
            self.store.effective_status(texts) if tag != self.source_locale else "source",
            meta.translated_by, values.get("translated_on") if meta.translated_on else None,
            meta.reviewed_by, values.get("reviewed_on") if meta.reviewed_on else None,
            outdated=any(c.keys & stale for c in composed), fallback=any(c.missing for c in composed),
        )

    def common(self, texts: PageTexts, tag: str, direction: str, root: str, versions: list[Version]) -> dict[str, Any]:
        source = next((v for v in versions if v.tag == self.source_locale and not v.current), None)
        stylesheet = f"{root}{self.fonts.stylesheet(tag)}"
        return {
            "t": texts.t, "has": texts.has, "lang": tag, "dir": direction, "root": root,
            "fonts": Markup('<link rel="stylesheet" href="{}">\n').format(stylesheet), "font_stylesheet": stylesheet,
            "versions": versions, "source_version": source, "source_lang": self.source_locale, "colours": colours(),
        }


def _direction(tag: str) -> str:
    return "rtl" if babel_locale(tag).text_direction == "rtl" else "ltr"


@dataclass(frozen=True)
class PdfFile:
    """A built PDF the pages link to."""

    job: Any  # handouts.build.Job
    size: int
    sha256: str = ""


def _page_key(*parts: object) -> str:
    """A page's fingerprint: its group's and what else it shows, by their reprs."""
    return digest(*map(repr, parts))


@dataclass(frozen=True)
class _GroupRecord:
    """What one condition's pages in one language were, kept (under the fingerprint of
    what they are made from: texts, states, templates, engine, settings) so that a build
    in which they are unchanged neither reads those texts and documents again nor renders
    anything: the files on disk are kept, and the record gives what the rest of the site
    takes from them (the web fonts' characters, the first page's entry)."""

    signature: str  # the group's fingerprint with what else its pages show (PDFs, languages)
    name: str  # the language's own name
    title: str  # the condition's title in that language
    pages: tuple[tuple[str, str, Contribution], ...]  # (path, page key, characters as ``_compact`` keeps them)
    # What the first page asked of the language's ``t`` and ``has`` (its templates decide).
    answers: tuple[tuple[tuple, Any], ...] = ()
    repertoire: Contribution = ()  # the characters of the language's texts (``_repertoire``)


# Part of every group's signature: a record of another form is never taken.
_RECORD_FORM = "2: repertoire"


def _kept_repertoire(texts: PageTexts, tag: str, where: Path, cache, key: str | None, reuse: bool) -> Contribution:
    """``_repertoire``, kept in ``cache`` under ``key`` (what the language's texts are made
    from): a language's pages made again after an English edit do not read every text
    of the language again."""
    if cache is None or key is None:
        return _repertoire(texts, tag, where)
    key = _page_key("repertoire", key, tag)
    found = cache.get(key) if reuse else None
    if not isinstance(found, tuple):
        found = _compact(_repertoire(texts, tag, where))
        cache.put(key, found)
    return found


def _repertoire(texts: PageTexts, tag: str, where: Path) -> Contribution:
    """Every character of a language's texts (its shared and condition catalogs) for its
    regular faces, and those of its shared catalog (the frame every handout prints:
    notices, status lines, labels, in either weight) for its bold faces: a web-font
    subset then changes only when a text brings a character the language had nowhere.
    So a notice a source edit brings up, or an edited translation, reuses the subsets
    a phone has already (and the build makes none). Placeholders' names are not shown;
    a character no face has is left to the pages' own check. It costs 7 % more font
    bytes for the whole site (a language's pages: 3 % for Latin, 15 % for Korean)."""
    regular: set[str] = set()
    bold: set[str] = set()
    for index, catalog in enumerate(texts.texts.catalogs):  # the shared catalog first
        for message in catalog.messages.values():
            for text in (message.text, *(form for _, form in message.plural)):
                shown = PLACEHOLDER_RE.sub("", text)
                regular.update(shown)
                if index == 0:
                    bold.update(shown)
    return contribution_of({(tag, False): regular, (tag, True): bold}, where, strict=False)


def _compact(contribution: Contribution) -> Contribution:
    """A page's characters with each set as one string (what ``PageSet.merge`` takes as
    well): a record loads in a tenth of the time."""
    return tuple((lang, bold, tuple((face, "".join(sorted(chars))) for face, chars in faces),
                  "".join(sorted(invisible))) for lang, bold, faces, invisible in contribution)


class _Answers:
    """A language's ``t`` and ``has`` on the first page: answers recorded by an earlier
    build, else asked of its texts (read only then), and recorded."""

    def __init__(self, known: Iterable[tuple[tuple, Any]], texts: Callable[[], PageTexts]):
        self.known = dict(known)
        self._texts = texts
        self.added = False

    def _ask(self, question: tuple, answer: Callable[[PageTexts], Any]):
        if question not in self.known:
            self.known[question] = answer(self._texts())
            self.added = True
        return self.known[question]

    def t(self, key: str, count: int | None = None) -> str:
        return self._ask(("t", key, count), lambda texts: texts.t(key, count))

    def has(self, key: str) -> bool:
        return self._ask(("has", key), lambda texts: texts.has(key))


def write_site(project, builder, plan, pdfs: Iterable[PdfFile], *, fonts_cache: SubsetCache | None = None,
               pages=None, group_key: Callable[[str, str], str] | None = None, reuse: bool = True,
               composed: Mapping | None = None, groups=None, intact: Callable[[str, str], bool] | None = None,
               keys: dict[str, str] | None = None,
               page_inputs: Callable[[str, str], str] | None = None,
               shown: Callable[[str, str, str, Any], str] | None = None,
               meanwhile: Callable[[], None] | None = None) -> dict[str, bytes]:
    """The first page, each condition's page per language, the HTML handouts, the
    stylesheet and the web fonts, by path under the site's root. What was not built (a
    language a condition is not written in, a handout left out) is simply not linked.
    ``meanwhile()`` runs while the web fonts' subsets are made, once ``pages`` and
    ``groups`` have all their entries.

    With ``pages`` (a cache) and ``group_key`` (the fingerprint of everything a
    condition's pages in one language are made from: its texts, the source's, their
    states, the templates, the engine, the settings), a page whose inputs, PDF links and
    language list are unchanged is taken from the cache instead of being rendered
    (``reuse=False``, as with ``--force``: every page is rendered, and kept for next time).
    With ``groups`` (a cache of ``_GroupRecord``) and ``intact`` (is the file at this path
    the page of this key, on disk as the last build left it?), a condition's pages in one
    language that are all unchanged and intact are not returned. ``keys`` receives the
    page key of every page returned or kept, by path. ``composed`` holds the composed
    documents by (condition, language, handout) (default: the builder's).

    A handout's page is keyed more finely when ``page_inputs`` (the fingerprint of what
    its page shows besides its document: the language's own texts and states, the
    source's shared texts, the meta of the source's condition catalog, the templates,
    the engine, the settings) and ``shown`` (its document's fingerprint) are given: with
    its status, PDF links and language list, that is all it shows. An edit of an English
    text then makes again only the pages of the handouts that print it (in every
    language: their document, or their status, changes), not every page of the
    condition. ``page_inputs`` also keys the language's repertoire (``_repertoire``)."""
    composed = builder.composed if composed is None else composed
    writer = SiteWriter(project, builder, fonts_cache, pages if group_key is not None else None, reuse=reuse)
    use_groups = groups is not None and group_key is not None
    source_locale = project.source_locale
    found_pdfs: dict[tuple[str, str, str], list[tuple[str, str, str, int]]] = {}
    paper_order = {"letter": 0, "a4": 1}
    for pdf in pdfs:
        job = pdf.job
        edition = edition_of(job)
        found_pdfs.setdefault((job.condition, job.locale, job.handout), []).append(
            (edition, job.paper, job.relative_path().name, pdf.size))
    for found in found_pdfs.values():
        found.sort(key=lambda p: (p[0] != STANDARD, p[0] != "large-print", p[0], paper_order.get(p[1], 9), p[1]))

    def order(tags: Iterable[str]) -> list[str]:
        return sorted(tags, key=lambda tag: (tag != source_locale, language_name(tag, source_locale).casefold()))

    # The records of earlier builds, by group, where its inputs are unchanged.
    records: dict[tuple[str, str], _GroupRecord] = {}
    if use_groups and reuse:
        for group in plan.texts:
            record = groups.get(group_key(*group))
            if isinstance(record, _GroupRecord):
                records[group] = record
    names: dict[str, tuple[str, str]] = {}  # tag -> (own name, direction)
    for (condition_name, tag), texts in plan.texts.items():
        if tag not in names:
            record = records.get((condition_name, tag))
            names[tag] = (record.name if record else texts.name, texts.direction)

    def version(tag: str, href: str, current: bool) -> Version:
        name, direction = names[tag]
        return Version(tag, name, language_name(tag, source_locale), direction, href, current)

    conditions = []
    languages: dict[str, LanguageEntry] = {}
    answers: dict[tuple[str, str], _Answers] = {}
    # New records, to complete: signature, title, (path, page key) of each page, repertoire.
    made: dict[tuple[str, str], tuple[str, str, list[tuple[str, str | None]], Contribution]] = {}
    for condition in project.manifest.conditions.values():
        tags = order(tag for (c, tag) in plan.texts if c == condition.name)
        if not tags:
            continue
        built = {tag: [spec for spec in condition.handouts.values() if (condition.name, tag, spec.name) in composed]
                 for tag in tags}
        condition_languages = []
        for tag in tags:
            group = (condition.name, tag)
            direction = plan.texts[group].direction
            handout_versions = {spec.name: [version(other, f"../{other}/{spec.name}.html", other == tag)
                                            for other in tags if any(s.name == spec.name for s in built[other])]
                                for spec in built[tag]}
            versions = [version(other, f"../{other}/index.html", other == tag) for other in tags]
            signature = _page_key(_RECORD_FORM, group_key(*group),
                                  [(spec.name, spec.kind, found_pdfs.get((*group, spec.name), []),
                                    handout_versions[spec.name]) for spec in built[tag]],
                                  versions) if use_groups else ""
            record = records.get(group)
            if record is not None and record.signature == signature and intact is not None and \
                    all(intact(path, key) for path, key, _ in record.pages):
                writer.fonts.add_contribution(tag, record.repertoire)
                for path, key, contribution in record.pages:
                    writer.fonts.add_contribution(tag, contribution)
                    if keys is not None:
                        keys[path] = key
                condition_title = record.title
            else:
                record = None
                texts = writer.page_texts(condition, tag)
                condition_title = texts.t(condition.title_key)
                paths = _group_pages(writer, condition, tag, direction, texts, condition_title, built[tag],
                                     handout_versions, versions, found_pdfs, composed, group_key, page_inputs, shown)
                repertoire = _kept_repertoire(texts, tag, Path(condition.name, tag), groups,
                                              page_inputs(condition.name, tag) if page_inputs else None, reuse)
                writer.fonts.add_contribution(tag, repertoire)
                made[group] = (signature, condition_title, paths, repertoire)
            href = f"{condition.name}/{tag}/index.html"
            condition_languages.append({"tag": tag, "name": names[tag][0], "english": language_name(tag, "en"),
                                        "dir": direction, "href": href})
            if tag not in languages:
                asked = answers[group] = _Answers(record.answers if record else (),
                                                  lambda condition=condition, tag=tag: writer.page_texts(condition, tag))
                languages[tag] = LanguageEntry(tag, names[tag][0], language_name(tag, source_locale), direction,
                                               asked.t, asked.has)
            languages[tag].topics.append(Topic(condition.name, condition_title, href))
        source_record = records.get((condition.name, source_locale))
        conditions.append({"name": condition.name, "languages": condition_languages,
                           "title": source_record.title if source_record
                           else writer.page_texts(condition, source_locale).t(condition.title_key)})
    writer.finish()
    # The first page last, in this process: what it asks of each language is recorded.
    first = next(iter(project.manifest.conditions.values()))
    texts = writer.page_texts(first, source_locale)
    writer.page("index.html.j2", "index.html", {
        **writer.common(texts, source_locale, _direction(source_locale), "", []),
        "fonts": Markup('<link rel="stylesheet" href="{}">\n').format(writer.fonts.stylesheet(FIRST_PAGE_FONTS)),
        "font_stylesheet": writer.fonts.stylesheet(FIRST_PAGE_FONTS),
        "conditions": conditions, "languages": [languages[tag] for tag in order(languages)],
    }, FIRST_PAGE_FONTS)
    writer.finish(jobs=1)
    writer.files[CSS_FILE] = (palette_css() + (ASSETS / CSS_FILE).read_text(encoding="utf-8")).encode("utf-8")
    if keys is not None:
        keys |= writer.keys
    if use_groups:
        for group, (signature, title, paths, repertoire) in made.items():
            asked = answers.get(group)
            groups.put(group_key(*group), _GroupRecord(
                signature, names[group[1]][0], title,
                tuple((path, key, _compact(writer.contributions[path])) for path, key in paths if key is not None),
                tuple(sorted(asked.known.items(), key=repr)) if asked else (), _compact(repertoire)))
        for group, asked in answers.items():  # a kept group whose language the first page asked more of
            if group not in made and asked.added and group in records:
                groups.put(group_key(*group), replace(records[group], answers=tuple(sorted(asked.known.items(),
                                                                                          key=repr))))
    writer.files |= writer.fonts.files(meanwhile)
    return writer.files


def _group_pages(writer: "SiteWriter", condition, tag: str, direction: str, texts: PageTexts, condition_title: str,
                 specs, handout_versions, versions, found_pdfs, composed, group_key,
                 page_inputs: Callable[[str, str], str] | None = None,
                 shown: Callable[[str, str, str, Any], str] | None = None) -> list[tuple[str, str | None]]:
    """Ask for a condition's pages in one language (or take them from the page cache):
    each handout's page, then the language's page. Returns their (path, page key).
    A handout's page is keyed by ``page_inputs`` and its document (``shown``) when both
    are given (see ``write_site``), else by the group's key."""
    paths: list[tuple[str, str | None]] = []
    entries = []
    for spec in specs:
        handout = composed[(condition.name, tag, spec.name)]
        links = [PdfLink(paper, edition, href, size, file_size(size, tag))
                 for edition, paper, href, size in found_pdfs.get((condition.name, tag, spec.name), [])]
        entry = HandoutEntry(spec.name, plain_text(handout.document.title), handout.document, links, spec.kind)
        entries.append(entry)
        versions_here = handout_versions[spec.name]
        path = f"{condition.name}/{tag}/{spec.name}.html"
        status = writer.status(condition, tag, [handout])
        if not group_key:
            key = None
        elif page_inputs is not None and shown is not None:
            key = _page_key("handout page", page_inputs(condition.name, tag),
                            shown(condition.name, tag, spec.name, handout), status, path, links, versions_here)
        else:
            key = _page_key(group_key(condition.name, tag), path, links, versions_here)
        paths.append((path, key))
        if writer.cached(key, path, tag):
            continue

        def context(versions=versions_here, entry=entry, spec=spec, links=links, handout=handout, status=status):
            html = HtmlWriter(handout.document)
            body = Markup(html.sections())
            intro, rest = html.split()
            return {
                **writer.common(texts, tag, direction, "../../", versions),
                "title": entry.title, "body": body, "intro": Markup(intro), "rest": Markup(rest),
                "has_check_boxes": html.boxes > 0, "handout": spec.name, "kind": spec.kind, "pdfs": links,
                "condition_title": condition_title, "status": status,
            }

        writer.page("handout.html.j2", path, context, tag, key)
    path = f"{condition.name}/{tag}/index.html"
    key = _page_key(group_key(condition.name, tag), path, [(e.name, e.title, e.pdfs, e.kind) for e in entries],
                    versions) if group_key else None
    paths.append((path, key))
    if not writer.cached(key, path, tag):
        writer.page("locale.html.j2", path, {
            **writer.common(texts, tag, direction, "../../", versions),
            "condition_title": condition_title, "handouts": entries,
            "file_size": lambda size: file_size(size, tag),
            "status": writer.status(condition, tag, [composed[(condition.name, tag, s.name)] for s in specs]),
        }, tag, key)
    return paths


__all__ = ["write_site", "PdfFile", "HtmlWriter", "PdfLink", "Version", "Status", "edition_of", "palette_css"]
