"""Page handouts on Letter or A4.

A handout may have a page budget (the manifest's ``pages``). The body size steps down
from the preferred size to the minimum until the text fits the budget; if it does not
fit even at the minimum, the build stops and names the handout and its longest texts,
rather than adding a page nobody asked for or cutting text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError as ReportLabLayoutError

from handouts.document import Document, Inline, iter_spans
from handouts.errors import LayoutError, Location
from handouts.formatting import format_number
from handouts.layout.flowables import Rule, block_flowables, make_text
from handouts.layout.fonts import FontStack
from handouts.layout.paper import PAPERS, PdfInfo, RenderRequest
from handouts.layout.rl_patches import apply_patches
from handouts.layout.styles import ACCENT, RULE, TextSetting, text_styles
from handouts.pdf.tags import Tagger, artifact, attach, plan_structure
MARGIN_X = 24 * mm  # the narrowest side margin
MEASURE = 72  # characters per line aimed at (60 to 75 reads best)
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 20 * mm
FOOTER_SIZE = 10


@dataclass(frozen=True)
class PageBudget:
    max_pages: int | None  # None: as many pages as the text needs
    body_sizes: tuple[float, ...]  # tried largest first; the last is the minimum
    large_print: bool = False


BODY_SIZES = (13, 12.5, 12, 11.5, 11)  # tried largest first; the last is the minimum
# Large print (APH/RNIB guidance): 18 pt body, 22 pt headings, one column, left
# aligned (right in RTL), never smaller to save a page.
LARGE_PRINT = PageBudget(None, (18,), large_print=True)


def _fill_page_numbers(content: Inline, page: int, pages: int, lang: str) -> Inline:
    numbers = {"{page}": format_number(page, lang), "{pages}": format_number(pages, lang)}
    filled = []
    for span in content:
        text = span.text
        for placeholder, value in numbers.items():
            text = text.replace(placeholder, value)
        filled.append(replace(span, text=text))
    return tuple(filled)


def _build(document: Document, stack: FontStack, paper: str, size: float, info: PdfInfo,
           total_pages: int | None, large_print: bool = False, margin: float = MARGIN_X) -> tuple[bytes, int, Tagger]:
    page_width, page_height = PAPERS[paper]
    tagger = Tagger(document.lang)
    structure = plan_structure(document, tagger)
    setting = TextSetting(stack, document.lang, document.direction == "rtl", structure)
    if large_print:
        styles = text_styles(setting, size, small_size=size, item_size=size, h1_size=26, h2_size=22, h3_size=20)
        footer_style = text_styles(setting, 14).small
    else:
        styles = text_styles(setting, size, small_size=9.5)
        footer_style = text_styles(setting, FOOTER_SIZE).small
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(page_width, page_height),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="handouts",
        producer="handouts (ReportLab)",
        lang=info.lang,
        invariant=1,
        initialFontName=stack.regular_name,
    )

    def decorate(canvas, doc_) -> None:
        attach(canvas, tagger)
        with artifact(canvas, "Pagination"):
            _decorate(canvas, doc_)

    def _decorate(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(margin, page_height - 9 * mm, page_width - 2 * margin, 2.2, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(margin, MARGIN_BOTTOM - 5 * mm, page_width - margin, MARGIN_BOTTOM - 5 * mm)
        if document.running_footer:
            content = _fill_page_numbers(document.running_footer, doc_.page, total_pages or 0, document.lang)
            footer = make_text(content, footer_style, None, setting)
            _, h = footer.wrap(page_width - 2 * margin, 20 * mm)
            footer.drawOn(canvas, margin, MARGIN_BOTTOM - 6.5 * mm - h)
        canvas.restoreState()

    frame = Frame(margin, MARGIN_BOTTOM, page_width - 2 * margin, page_height - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    story = []
    for section in document.flow:
        if section.name == "about":  # the small print, set apart by a rule
            story.append(Rule(before=size * 0.8, after=size * 0.5))
        # Side by side only left to right: poppler and other untagged readers interleave
        # the lines of two right-to-left boxes.
        story.extend(block_flowables(section.blocks, styles, pair_callouts=not setting.rtl and not large_print,
                                     columns=not large_print))
    try:
        doc.build(story)
    except ReportLabLayoutError as exc:  # a flowable taller than a whole page
        raise _OverflowError(str(exc)) from None
    return buffer.getvalue(), doc.page, tagger


class _OverflowError(Exception):
    pass


def _longest_keys(document: Document, count: int = 3) -> str:
    spans = sorted((s for s in iter_spans(document) if s.key), key=lambda s: len(s.text), reverse=True)
    seen: list[str] = []
    for span in spans:
        label = f"{span.key} (line {span.where.line})" if span.where else span.key
        if label not in seen:
            seen.append(label)
        if len(seen) == count:
            break
    return ", ".join(seen)


def _average_char_width(document: Document, stack: FontStack, size: float) -> float:
    text = " ".join(span.text for span in iter_spans(document) if span.key)
    return stringWidth(text, stack.regular_name, size) / max(1, len(text))


def _attempts(document: Document, stack: FontStack, paper: str, budget: PageBudget) -> list[tuple[float, float]]:
    """(size, side margin) pairs to try, best first: every size of 12 pt or more with
    margins that give about MEASURE characters a line; then every size with the
    narrowest margins (the page budget matters more than a few characters a line)."""
    page_width = PAPERS[paper][0]
    attempts = []
    for size in budget.body_sizes:
        measured = (page_width - MEASURE * _average_char_width(document, stack, size)) / 2
        if size >= 12 and measured > MARGIN_X + 1:
            attempts.append((size, measured))
    return attempts + [(size, MARGIN_X) for size in budget.body_sizes]


def render_pages(document: Document, request: RenderRequest) -> tuple[bytes, Tagger]:
    """Lay out a page handout at the largest body size that fits its page budget."""
    apply_patches()
    stack, paper, info, source_file = request.stack, request.paper, request.info, request.where
    budget = LARGE_PRINT if request.large_print else PageBudget(request.pages, BODY_SIZES)
    pages = 0
    for size, margin in _attempts(document, stack, paper, budget):
        try:
            _, pages, _ = _build(document, stack, paper, size, info, None, budget.large_print, margin)
        except _OverflowError:
            continue
        if budget.max_pages is None or pages <= budget.max_pages:
            pdf, final_pages, tagger = _build(document, stack, paper, size, info, pages, budget.large_print, margin)
            assert final_pages == pages
            return pdf, tagger
    raise LayoutError(
        f"{document.handout} does not fit on {budget.max_pages or 'any number of'} {paper} page(s) even at "
        f"{budget.body_sizes[-1]:g} pt (needs {pages}); shorten the longest texts: {_longest_keys(document)}",
        source_file,
    )
