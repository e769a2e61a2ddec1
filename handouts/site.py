"""The families' download page: a static site written next to the PDFs.

``output/index.html`` lists every language in its own script (English name beside it);
``output/<locale>/index.html`` links each handout as PDF (Letter, A4, large print, with
sizes) and as an HTML version rendered from the same semantic document as the PDF.
Relative links only, nothing fetched from elsewhere, no JavaScript; same input, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from babel.units import format_unit

from handouts.catalog import SOURCE_LOCALE, Catalog
from handouts.document import (
    Block,
    Callout,
    Document,
    Field,
    FieldRow,
    Figure,
    Heading,
    Inline,
    ListBlock,
    Paragraph,
    plain_text,
)
from handouts.files import write_atomically
from handouts.formatting import babel_locale, language_name
from handouts.layout.fonts import stack_for

CSS_FILE = "site.css"
FONTS_DIR = "fonts"
HANDOUT_ORDER = ("er-card", "checklist", "overview")
TITLE_KEYS = {"er-card": "er_card.sheet_title", "checklist": "checklist.title", "overview": "overview.title"}

WARNING_SVG = (
    '<svg class="symbol" role="img" aria-label="{alt}" viewBox="0 0 24 24" width="28" height="28">'
    '<path d="M12 2 23 21H1z" fill="#000"/><rect x="11" y="8" width="2.4" height="7.5" rx="1.2" fill="#fff"/>'
    '<circle cx="12.2" cy="18" r="1.4" fill="#fff"/></svg>'
)


@dataclass(frozen=True)
class PdfLink:
    label_key: str
    path: Path  # relative to the locale folder
    size: int


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


class _HtmlWriter:
    def __init__(self, document: Document):
        self.document = document
        self.lang = document.lang
        self.boxes = 0

    def blocks(self, blocks: tuple[Block, ...], heading_shift: int = 0) -> str:
        return "\n".join(self.block(block, heading_shift) for block in blocks)

    def block(self, block: Block, shift: int) -> str:
        lang = self.lang
        if isinstance(block, Heading):
            level = min(6, block.level + shift)
            return f"<h{level}>{_inline(block.content, lang)}</h{level}>"
        if isinstance(block, Paragraph):
            return f'<p class="{block.style}">{_inline(block.content, lang)}</p>'
        if isinstance(block, ListBlock):
            if block.kind == "check":
                items = []
                for item in block.items:
                    self.boxes += 1
                    box_id = f"step-{self.boxes}"
                    items.append(f'<li><input type="checkbox" id="{box_id}"> '
                                 f'<label for="{box_id}">{_inline(item.content, lang)}</label></li>')
                return '<ul class="checklist">\n' + "\n".join(items) + "\n</ul>"
            return "<ul>\n" + "\n".join(f"<li>{_inline(i.content, lang)}</li>" for i in block.items) + "\n</ul>"
        if isinstance(block, Callout):
            symbol = ""
            if block.kind == "warning":
                symbol = WARNING_SVG.format(alt=escape(self.document.spoken("warning_symbol", "Warning")))
            return f'<div class="callout {block.kind}" role="note">{symbol}\n{self.blocks(block.blocks, shift)}\n</div>'
        if isinstance(block, FieldRow):
            return "\n".join(self.block(f, shift) for f in block.fields)
        if isinstance(block, Field):
            value = _inline(block.value, lang) if block.value else '<span class="blank" aria-hidden="true"></span>'
            return f'<p class="field"><span class="label">{_inline(block.label, lang)}:</span> {value}</p>'
        if isinstance(block, Figure):
            return f'<p class="figure" role="img" aria-label="{escape(plain_text(block.alt))}"></p>'
        raise TypeError(block)  # pragma: no cover

    def sections(self) -> str:
        parts = []
        for section in self.document.sections:
            css = f"section {section.kind} {escape(section.name)}"
            parts.append(f'<section class="{css}">\n{self.blocks(section.blocks)}\n</section>')
        return "\n".join(parts)


def _page(lang: str, direction: str, title: str, body: str, depth: int, font_css: str = "") -> str:
    up = "../" * depth
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{up}{CSS_FILE}">
{font_css}</head>
<body>
{body}
</body>
</html>
"""


def _font_css(locale: str, depth: int, fonts_used: dict[str, Path]) -> str:
    """@font-face rules for the locale's own fonts, shipped beside the pages."""
    stack = stack_for(locale)
    rules = []
    names = []
    for family in stack.families:
        names.append(family.name)
        for weight, face in (("400", family.regular), ("700", family.bold)):
            if face.index or not face.package:  # Debian CJK faces: the reader's system fonts set CJK well
                continue
            source = face.locate()
            fonts_used[source.name] = source
            rules.append(
                f"@font-face {{ font-family: '{family.name}'; font-weight: {weight}; font-display: swap; "
                f"src: url('{'../' * depth}{FONTS_DIR}/{source.name}') format('truetype'); }}"
            )
    families = ", ".join(f"'{n}'" for n in names)
    rules.append(f"body {{ font-family: {families}, system-ui, sans-serif; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


def handout_html(document: Document, catalog: Catalog, fonts_used: dict[str, Path]) -> str:
    writer = _HtmlWriter(document)
    content = writer.sections()
    hint = ""
    if writer.boxes:
        hint = f'<p class="hint">{escape(catalog.get("site.check_box_hint").text)}</p>\n'
    nav = f'<nav><a href="index.html">{escape(catalog.get("site.downloads").text)}</a></nav>'
    body = f'{nav}\n<main class="handout {escape(document.handout)}">\n{hint}{content}\n</main>'
    title = plain_text(document.title)
    return _page(document.lang, document.direction, title, body, 1, _font_css(document.lang, 1, fonts_used))


# ---------------------------------------------------------------------- index pages


def _size(size: int, locale: str) -> str:
    kilobytes = max(1, round(size / 1024))
    return format_unit(kilobytes, "digital-kilobyte", length="short", locale=babel_locale(locale))


def locale_page(catalog: Catalog, documents: dict[str, Document], pdfs: dict[str, list[PdfLink]],
                fonts_used: dict[str, Path]) -> str:
    tag = catalog.locale
    t = lambda key: escape(catalog.get(key).text)  # noqa: E731
    items = []
    for handout in HANDOUT_ORDER:
        if handout not in documents and handout not in pdfs:
            continue
        links = []
        if handout in documents:
            links.append(f'<li><a href="{handout}.html">{t("site.read_online")}</a></li>')
        for link in pdfs.get(handout, []):
            links.append(f'<li><a href="{link.path.as_posix()}" type="application/pdf">{t(link.label_key)}</a> '
                         f'<span class="size">(PDF, {escape(_size(link.size, tag))})</span></li>')
        items.append(f'<li class="handout"><h2>{t(TITLE_KEYS[handout])}</h2>\n<ul class="links">\n'
                     + "\n".join(links) + "\n</ul></li>")
    body = (
        f'<nav><a href="../index.html" lang="en">{t("site.all_languages")}</a></nav>\n'
        f"<main>\n<h1>{t('overview.title')}</h1>\n<p class=\"lead\">{t('site.downloads')}</p>\n"
        f'<ul class="handouts">\n' + "\n".join(items) + "\n</ul>\n"
        f'<p class="small">{t("common.disclaimer")}</p>\n</main>'
    )
    direction = catalog.meta.direction
    return _page(tag, direction, f"{catalog.get('overview.title').text}: {catalog.meta.name}", body, 1,
                 _font_css(tag, 1, fonts_used))


def index_page(source: Catalog, locales: list[str], fonts_used: dict[str, Path]) -> str:
    def sort_key(tag: str) -> tuple[int, str]:
        return (tag != SOURCE_LOCALE, language_name(tag, "en").casefold())

    items = []
    for tag in sorted(locales, key=sort_key):
        own = language_name(tag)
        english = language_name(tag, "en")
        rtl = babel_locale(tag).text_direction == "rtl"
        direction = ' dir="rtl"' if rtl else ""
        extra = "" if own == english else f' <span class="english" lang="en">{escape(english)}</span>'
        items.append(f'<li><a href="{escape(tag)}/index.html" lang="{escape(tag)}" hreflang="{escape(tag)}"{direction}>'
                     f"{escape(own)}</a>{extra}</li>")
    t = lambda key: escape(source.get(key).text)  # noqa: E731
    body = (f"<main>\n<h1>{t('overview.title')}</h1>\n<p class=\"lead\">{t('site.downloads')}</p>\n"
            f"<h2>{t('site.choose_language')}</h2>\n<ul class=\"languages\">\n" + "\n".join(items) + "\n</ul>\n</main>")
    return _page("en", "ltr", f"{source.get('overview.title').text}: {source.get('site.downloads').text}", body, 0)


STYLESHEET = """/* handouts download pages: readable on a 360 px phone, printable, no JavaScript. */
:root { color: #111; background: #fff; }
body { margin: 0 auto; max-width: 42rem; padding: 1rem; font-size: 1.125rem; line-height: 1.5; }
h1 { color: #0b4f6c; font-size: 1.75rem; line-height: 1.2; margin: 0.5rem 0; }
h2 { color: #0b4f6c; font-size: 1.3rem; margin: 1.2rem 0 0.4rem; }
h3 { color: #0b4f6c; font-size: 1.15rem; margin: 1rem 0 0.3rem; }
a { color: #0b4f6c; text-decoration: underline; }
a:focus { outline: 3px solid #111; outline-offset: 2px; }
nav { margin-bottom: 0.5rem; }
ul { padding-inline-start: 1.4rem; }
li { margin: 0.3rem 0; }
ul.languages, ul.handouts, ul.links { list-style: none; padding: 0; }
ul.languages li { font-size: 1.3rem; padding: 0.4rem 0; border-bottom: 1px solid #c8d3d8; }
ul.languages a { display: inline-block; min-height: 44px; min-width: 44px; }
.english { font-size: 1rem; color: #333; margin-inline-start: 0.5rem; }
.size, .small, .hint { font-size: 0.95rem; color: #333; }
.callout { border: 3px solid #000; padding: 0.5rem 1rem; margin: 1rem 0; }
.callout.info { border: none; border-inline-start: 6px solid #0b4f6c; background: #e8f1f5; }
.symbol { float: left; margin-right: 0.5rem; }
[dir="rtl"] .symbol { float: right; margin-right: 0; margin-left: 0.5rem; }
ul.checklist { list-style: none; padding: 0; }
ul.checklist li { display: flex; gap: 0.6rem; align-items: flex-start; }
ul.checklist input { width: 1.5rem; height: 1.5rem; flex: none; margin-top: 0.2rem; }
.field .blank { display: inline-block; width: 12rem; border-bottom: 1px solid #5a6b73; }
section.front, section.back { border: 1px solid #9aa5aa; border-radius: 0.6rem; padding: 0.5rem 1rem; margin: 1rem 0; }
@media print {
  nav, .hint, input { display: none; }
  body { max-width: none; font-size: 12pt; }
  a { color: #111; }
  .callout { break-inside: avoid; }
}
"""


def write_site(output: Path, source: Catalog, catalogs: dict[str, Catalog],
               documents: dict[tuple[str, str], Document], pdfs: dict[str, dict[str, list[PdfLink]]]) -> list[Path]:
    """Write index, locale pages, HTML handouts, stylesheet and fonts; returns the paths."""
    written: list[Path] = []
    fonts_used: dict[str, Path] = {}

    def put(path: Path, text: str) -> None:
        write_atomically(path, text.encode("utf-8"))
        written.append(path)

    for tag in sorted({locale for locale, _ in documents} | set(pdfs)):
        catalog = catalogs[tag]
        docs = {handout: doc for (locale, handout), doc in documents.items() if locale == tag}
        for handout, document in docs.items():
            put(output / tag / f"{handout}.html", handout_html(document, catalog, fonts_used))
        put(output / tag / "index.html", locale_page(catalog, docs, pdfs.get(tag, {}), fonts_used))
    listed = sorted(p.parent.name for p in output.glob("*/index.html"))
    put(output / "index.html", index_page(source, listed, fonts_used))
    put(output / CSS_FILE, STYLESHEET)
    for name, source_path in sorted(fonts_used.items()):
        target = output / FONTS_DIR / name
        write_atomically(target, source_path.read_bytes())
        written.append(target)
    return written


__all__ = ["write_site", "PdfLink"]
