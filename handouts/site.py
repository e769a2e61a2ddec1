"""The families' download pages: a static site written next to the PDFs.

The engine renders each handout's HTML from the same semantic document as its PDF (a
``DocumentVisitor``), and fills the project's page templates (``templates/site/``:
the first page, a condition's page in one language, a handout's page). Relative links
only, nothing fetched from elsewhere, no JavaScript; same input, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from babel.units import format_unit
from markupsafe import Markup

from handouts.document import (
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
    Terms,
    block_spans,
    plain_text,
)
from handouts.files import write_atomically
from handouts.formatting import babel_locale, language_name
from handouts.templating import Translator, make_environment, render_template

CSS_FILE = "site.css"
FONTS_DIR = "fonts"
ASSETS = Path(__file__).with_name("assets")

WARNING_SVG = (
    '<svg class="symbol" role="img" aria-label="{alt}" viewBox="0 0 24 24" width="28" height="28">'
    '<path d="M12 2 23 21H1z" fill="#000"/><rect x="11" y="8" width="2.4" height="7.5" rx="1.2" fill="#fff"/>'
    '<circle cx="12.2" cy="18" r="1.4" fill="#fff"/></svg>'
)


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


class HtmlWriter(DocumentVisitor):
    """A handout's body as HTML: headings, paragraphs, lists with real check boxes."""

    def __init__(self, document: Document, heading_shift: int = 0):
        self.document = document
        self.lang = document.lang
        self.shift = heading_shift
        self.boxes = 0

    def blocks(self, blocks) -> str:
        return "\n".join(self.visit(block) for block in blocks)

    def visit_heading(self, block: Heading) -> str:
        level = min(6, block.level + self.shift)
        return f"<h{level}>{_inline(block.content, self.lang)}</h{level}>"

    def visit_paragraph(self, block: Paragraph) -> str:
        return f'<p class="{block.style}">{_inline(block.content, self.lang)}</p>'

    def visit_list(self, block: ListBlock) -> str:
        if block.kind == "check":
            items = []
            for item in block.items:
                self.boxes += 1
                box_id = f"step-{self.boxes}"
                items.append(f'<li><input type="checkbox" id="{box_id}"> '
                             f'<label for="{box_id}">{_inline(item.content, self.lang)}</label></li>')
            return '<ul class="check-list">\n' + "\n".join(items) + "\n</ul>"
        return "<ul>\n" + "\n".join(f"<li>{_inline(i.content, self.lang)}</li>" for i in block.items) + "\n</ul>"

    def visit_callout(self, block: Callout) -> str:
        symbol = ""
        if block.kind == "warning":
            symbol = WARNING_SVG.format(alt=escape(self.document.spoken("warning_symbol", "Warning")))
        return f'<div class="callout {block.kind}" role="note">{symbol}\n{self.blocks(block.blocks)}\n</div>'

    def visit_field_row(self, block: FieldRow) -> str:
        return "\n".join(self.visit_field(f) for f in block.fields)

    def visit_field(self, block: Field) -> str:
        value = _inline(block.value, self.lang) if block.value else '<span class="blank" aria-hidden="true"></span>'
        return f'<p class="field"><span class="label">{_inline(block.label, self.lang)}:</span> {value}</p>'

    def visit_figure(self, block: Figure) -> str:
        return f'<p class="figure" role="img" aria-label="{escape(plain_text(block.alt))}"></p>'

    def visit_terms(self, block: Terms) -> str:
        items = [f"<dt>{_inline(term.name, self.lang)}</dt><dd>{_inline(term.definition, self.lang)}</dd>"
                 for term in block.items]
        return '<dl class="terms">\n' + "\n".join(items) + "\n</dl>"

    def sections(self) -> str:
        parts = []
        for section in self.document.sections:
            if section.editions:  # how to print and cut a sheet: not for the web page
                continue
            css = f"section {section.kind} {escape(section.name)}"
            # A section wholly in another language (the card's side for the care staff)
            # says so once, with its direction, instead of on every passage.
            langs = {span.lang or self.document.lang for block in section.blocks for span in block_spans(block)
                     if span.key and span.text.strip()}
            attributes = ""
            if len(langs) == 1 and (lang := langs.pop()) != self.document.lang:
                direction = babel_locale(lang).text_direction
                attributes = f' lang="{escape(lang)}" dir="{direction}"'
                self.lang = lang
            parts.append(f'<section class="{css}"{attributes}>\n{self.blocks(section.blocks)}\n</section>')
            self.lang = self.document.lang
        return "\n".join(parts)


# ---------------------------------------------------------------------- the pages


@dataclass(frozen=True)
class PdfLink:
    paper: str
    large_print: bool
    href: str  # relative to the page
    size: int
    edition: str = "standard"  # large-print, or another edition of its kind (foldover)


@dataclass
class HandoutEntry:
    name: str
    title: str
    document: Document
    pdfs: list[PdfLink] = field(default_factory=list)


def file_size(size: int, locale: str) -> str:
    kilobytes = max(1, round(size / 1024))
    return format_unit(kilobytes, "digital-kilobyte", length="short", locale=babel_locale(locale))


class FontShelf:
    """The web fonts a page needs (its language's font stack), copied beside the pages."""

    def __init__(self) -> None:
        self.used: dict[str, Path] = {}

    def css(self, locale: str, depth: int) -> Markup:
        from handouts.layout.fonts import stack_for

        stack = stack_for(locale)
        rules = []
        names = []
        for family in stack.families:
            names.append(family.name)
            for weight, face in (("400", family.regular), ("700", family.bold)):
                if face.index or not face.package:  # Debian CJK faces: the reader's system fonts set CJK well
                    continue
                source = face.locate()
                self.used[source.name] = source
                rules.append(
                    f"@font-face {{ font-family: '{family.name}'; font-weight: {weight}; font-display: swap; "
                    f"src: url('{'../' * depth}{FONTS_DIR}/{source.name}') format('truetype'); }}"
                )
        families = ", ".join(f"'{n}'" for n in names)
        rules.append(f"body {{ font-family: {families}, system-ui, sans-serif; }}")
        return Markup("<style>\n" + "\n".join(rules) + "\n</style>\n")


class SiteWriter:
    """Renders the project's page templates with the build's documents and PDFs."""

    def __init__(self, project, builder, output: Path):
        self.project = project
        self.builder = builder
        self.store = builder.store
        self.output = output
        self.folder = project.manifest.site_templates
        self.env = make_environment(project.templates_dir)
        self.fonts = FontShelf()
        self.written: list[Path] = []

    def page(self, template: str, path: Path, context: dict[str, Any]) -> None:
        html = render_template(self.env, self.project.templates_dir, f"{self.folder}/{template}", context)
        write_atomically(path, html.encode("utf-8"))
        self.written.append(path)

    def translator(self, condition, tag: str) -> Translator:
        texts = self.store.texts(condition, tag, allow_missing=self.builder.fallback)
        source = self.store.source_texts(condition)
        return Translator(texts, {}, source if self.builder.fallback else None)


def write_site(project, output: Path, builder, plan, rendered) -> list[Path]:
    """Write the first page, each condition's page per language, the HTML handouts, the
    stylesheet and the fonts; returns the paths written."""
    writer = SiteWriter(project, builder, output)
    pdfs: dict[tuple[str, str, str], list[PdfLink]] = {}
    order = {"letter": 0, "a4": 1}
    for result in sorted(rendered, key=lambda r: (r.job.edition != "standard", r.job.edition,
                                                  order.get(r.job.paper, 9))):
        job = result.job
        pdfs.setdefault((job.condition, job.locale, job.handout), []).append(
            PdfLink(job.paper, job.large_print, job.relative_path().name, len(result.pdf), job.edition))
    conditions = []
    source_locale = project.source_locale
    for condition in project.manifest.conditions.values():
        tags = sorted({tag for (c, tag) in plan.texts if c == condition.name},
                      key=lambda tag: (tag != source_locale, language_name(tag, "en").casefold()))
        if not tags:
            continue
        languages = []
        for tag in tags:
            t = writer.translator(condition, tag)
            entries = []
            for spec in condition.handouts.values():
                composed = builder.composed.get((condition.name, tag, spec.name))
                if composed is None:
                    continue
                document = composed.document
                entry = HandoutEntry(spec.name, plain_text(document.title), document,
                                     pdfs.get((condition.name, tag, spec.name), []))
                html = HtmlWriter(document)
                body = Markup(html.sections())
                writer.page("handout.html.j2", output / condition.name / tag / f"{spec.name}.html", {
                    "t": t.text, "lang": tag, "dir": document.direction, "title": entry.title, "body": body,
                    "has_check_boxes": html.boxes > 0, "handout": spec.name, "root": "../../",
                    "fonts": writer.fonts.css(tag, 2),
                })
                entries.append(entry)
            direction = "rtl" if babel_locale(tag).text_direction == "rtl" else "ltr"
            writer.page("locale.html.j2", output / condition.name / tag / "index.html", {
                "t": t.text, "lang": tag, "dir": direction, "condition_title": t.text(condition.title_key),
                "handouts": entries, "file_size": lambda size, tag=tag: file_size(size, tag), "root": "../../",
                "fonts": writer.fonts.css(tag, 2),
            })
            languages.append({"tag": tag, "name": language_name(tag), "english": language_name(tag, "en"),
                              "dir": direction, "href": f"{condition.name}/{tag}/index.html"})
        source = writer.translator(condition, source_locale)
        conditions.append({"name": condition.name, "title": source.text(condition.title_key),
                           "languages": languages})
    t = writer.translator(next(iter(project.manifest.conditions.values())), source_locale)
    writer.page("index.html.j2", output / "index.html", {
        "t": t.text, "lang": source_locale, "dir": "ltr", "conditions": conditions, "root": "",
        "fonts": Markup(""),
    })
    stylesheet = (ASSETS / CSS_FILE).read_bytes()
    write_atomically(output / CSS_FILE, stylesheet)
    writer.written.append(output / CSS_FILE)
    for name, source_path in sorted(writer.fonts.used.items()):
        target = output / FONTS_DIR / name
        write_atomically(target, source_path.read_bytes())
        writer.written.append(target)
    return writer.written


__all__ = ["write_site", "HtmlWriter", "PdfLink"]
