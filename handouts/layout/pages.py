"""Page handouts on Letter or A4, by one layout policy for every language.

The policy (``policy.yaml``) fixes the grid of each paper size and the type sizes;
each script's font stack scales them (``fonts.yaml``). A handout's ``pages`` is the
number of pages it is designed for, not a limit: text that needs more room takes
another page rather than a smaller size, and the translators' check names the texts
that pushed it over. Nothing here fails because a text is long.

Layout is one pass: the running footer ("Page 1 of 2") is drawn when the document
is complete (``_FooterCanvas``), so the page total is known without laying out twice.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer
from reportlab.platypus.doctemplate import LayoutError as ReportLabLayoutError

from handouts.document import Document, Heading, Inline, iter_spans
from handouts.errors import LayoutError, Location
from handouts.formatting import format_number
from handouts.layout.flowables import Rule, Stack, block_flowables, make_text
from handouts.layout.paper import PAPERS, RenderRequest
from handouts.layout.policy import Sizes, policy
from handouts.layout.rl_patches import apply_patches, begin_document
from handouts.layout.styles import ACCENT, RULE, TextSetting, TextStyles, text_styles
from handouts.pdf.tags import Tagger, artifact, attach, plan_structure
from handouts.pdf.writer import DrawnPDF, drawn

HEADER_RULE = 9 * mm  # paper edge to the accent rule at the top of every page
FOOTER_GAP = 5 * mm  # between the text column and the footer (the footer rule sits halfway)
SMALL_PRINT = "about"  # the section of small print (sources, status) at the end of a handout


@dataclass(frozen=True)
class PageLayout:
    """What a page handout was laid out with: for tests, the benchmark and the check."""

    pages: int
    target: int | None  # the pages it is designed for (the manifest's ``pages``)
    body: float  # the body type size, points
    side_margin: float  # points
    text_width: float  # points
    last_page_fill: float = 1.0  # the share of the last page's text column the text fills

    @property
    def length(self) -> float:
        """How many pages' worth of text: 1.25 is one page and a quarter."""
        return self.pages - 1 + self.last_page_fill

    @property
    def over_target(self) -> bool:
        return self.target is not None and self.pages > self.target


def _fill_page_numbers(content: Inline, page: int, pages: int, lang: str) -> Inline:
    numbers = {"{page}": format_number(page, lang), "{pages}": format_number(pages, lang)}
    filled = []
    for span in content:
        text = span.text
        for placeholder, value in numbers.items():
            text = text.replace(placeholder, value)
        filled.append(replace(span, text=text))
    return tuple(filled)


class _FooterCanvas(Canvas):
    """A canvas that keeps every finished page until the document is complete, then
    draws each page's running footer with the page total and writes the pages out.

    ReportLab's pages are independent content streams, so holding them back changes
    nothing but when the footer is drawn (last, as an artifact)."""

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict] = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()  # the next page: a new content stream, the page number counted on

    def save(self):
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            Canvas.showPage(self)
        self._held = []
        self.drawn = drawn(self)  # written by the structure pass, not by ReportLab


def page_styles(setting: TextSetting, sizes: Sizes) -> TextStyles:
    return text_styles(setting, sizes.body, small_size=sizes.small, lead_size=sizes.lead, item_size=sizes.body,
                       h1_size=sizes.h1, h2_size=sizes.h2, h3_size=sizes.h3)


def _story(document: Document, styles: TextStyles, sizes: Sizes, frame: tuple[float, float]) -> list[Flowable]:
    marks = dict(check_box=sizes.check_box, field_line=sizes.field_line, callout_padding=sizes.callout_padding,
                 icon_size=sizes.list_icon, warning_icon=sizes.warning_icon, figure_size=sizes.figure,
                 columns=sizes.columns, field_after=sizes.field_after)
    sections = list(document.flow)
    # The closing sections without a heading of their own (contacts, the small print)
    # stay together and with content before them: no page holds only those.
    closing = len(sections)
    while closing > 0 and not any(isinstance(b, Heading) for b in sections[closing - 1].blocks):
        closing -= 1
    if closing == 0:
        closing = len(sections)
    story: list[Flowable] = []
    closing_parts: list[list[Flowable]] = []
    for index, section in enumerate(sections):
        made = block_flowables(section.blocks, styles, **marks)
        if section.name == SMALL_PRINT:  # the small print, set apart by a rule
            made = [Rule(before=sizes.body * 0.8, after=sizes.body * 0.5), *made]
        if index >= closing:
            closing_parts.append(made)
        else:
            story.extend(made)
    # When the closing sections and a last piece of content are more than a page (large
    # print), the first closing sections flow on as usual: the last ones still close.
    while len(closing_parts) > 1 and _height(_last_leaf(story) + sum(closing_parts, []), frame) > frame[1]:
        story.extend(closing_parts.pop(0))
    tail = sum(closing_parts, [])
    if tail:
        if _height(tail, frame) <= frame[1]:
            tail = [Stack(tail, head=len(tail))]  # the small print is read as one: never split across pages
        story.append(KeepTogether(_take_last(story, tail, frame) + tail))
    return story


def _last_leaf(story: list[Flowable]) -> list[Flowable]:
    """The smallest last piece of content (a list item, a paragraph), for measuring."""
    if not story:
        return []
    last = story[-1]
    while isinstance(last, (KeepTogether, Stack)):
        inner = last._content if isinstance(last, KeepTogether) else last.flowables
        if not inner:
            break
        last = inner[-1]
    return [last]


def _height(flowables: list[Flowable], frame: tuple[float, float]) -> float:
    width, height = frame
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(width, height)[1] + (flowable.getSpaceBefore() if index else 0)
        total += flowable.getSpaceAfter() if index < len(flowables) - 1 else 0
    return total


def _take_last(story: list[Flowable], tail: list[Flowable], frame: tuple[float, float]) -> list[Flowable]:
    """The content to keep with the closing sections, taken off the story: the last
    block (a heading with its list, a box...), or, when that and the closing sections
    are more than a page, as many of its last pieces as fit beside them."""
    taken: list[Flowable] = []
    while story:
        flowable = story.pop()
        # A KeepTogether inside another measures as endless: take its content instead.
        taken[0:0] = flowable._content if isinstance(flowable, KeepTogether) else [flowable]
        if not isinstance(flowable, Spacer):
            break
    if not taken or _height(taken + tail, frame) <= frame[1]:
        return taken
    pieces = [piece for flowable in taken for piece in (flowable.flowables if isinstance(flowable, Stack)
                                                         else [flowable])]
    if len(pieces) == 1 and _height(pieces + tail, frame) > frame[1]:
        # One block (a box) too tall to close a page beside the small print: split it so
        # its last part does, and let the rest flow before.
        room = frame[1] - _height(tail, frame) - pieces[0].getSpaceAfter()
        whole = pieces[0].wrap(frame[0], frame[1])[1]
        parts = pieces[0].split(frame[0], max(whole - room + 1, 1)) if room > 0 else []
        if len(parts) == 2:
            pieces = parts
    kept: list[Flowable] = []
    while pieces and (not kept or _height([pieces[-1], *kept, *tail], frame) <= frame[1]):
        kept.insert(0, pieces.pop())
    if pieces and isinstance(getattr(pieces[-1], "block", None), Heading):  # a heading stays with what follows
        if len(kept) > 1:
            pieces.append(kept.pop(0))
        else:
            kept.insert(0, pieces.pop())
    if pieces:
        story.append(KeepTogether(pieces))
    return kept


def layout_pages(document: Document, request: RenderRequest) -> tuple[DrawnPDF, Tagger, PageLayout]:
    """Lay out a page handout by the policy: the drawn PDF, its tags, and the numbers it used."""
    apply_patches()
    begin_document()
    stack, paper, info = request.stack, request.paper, request.info
    rules = policy()
    grid = rules.grid(paper, large_print=request.large_print, overrides=dict(request.layout))
    sizes = rules.sizes(stack, large_print=request.large_print, overrides=dict(request.layout))
    page_width, page_height = PAPERS[paper]
    margin = grid.side
    tagger = Tagger(document.lang)
    structure = plan_structure(document, tagger)
    setting = TextSetting(stack, document.lang, document.direction == "rtl", structure)
    styles = page_styles(setting, sizes)
    footer_style = text_styles(setting, sizes.footer, small_size=sizes.footer).small
    footer_height = footer_style.leading
    frame_bottom = grid.bottom + footer_height + FOOTER_GAP
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(page_width, page_height),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=grid.top,
        bottomMargin=frame_bottom,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="handouts",
        producer="handouts (ReportLab)",
        lang=info.lang,
        invariant=1,
        pageCompression=0,  # streams are compressed when the PDF is written (``handouts.pdf.writer``)
        initialFontName=stack.regular_name,
    )

    def decorate(canvas, doc_) -> None:
        attach(canvas, tagger)
        with artifact(canvas, "Pagination"):
            canvas.saveState()
            canvas.setFillColor(ACCENT)
            canvas.rect(margin, page_height - HEADER_RULE, page_width - 2 * margin, 2.2, stroke=0, fill=1)
            canvas.restoreState()

    def footer(canvas, page: int, pages: int) -> None:
        """The running footer, drawn last: a sheet of one page needs no "Page 1 of 1"."""
        if pages == 1 or not document.running_footer:
            return
        with artifact(canvas, "Pagination"):
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            rule_y = frame_bottom - FOOTER_GAP / 2
            canvas.line(margin, rule_y, page_width - margin, rule_y)
            content = _fill_page_numbers(document.running_footer, page, pages, document.lang)
            text = make_text(content, footer_style, None, setting)
            _, h = text.wrap(page_width - 2 * margin, page_height)
            text.drawOn(canvas, margin, rule_y - FOOTER_GAP / 2 - h)
            canvas.restoreState()

    frame = Frame(margin, frame_bottom, page_width - 2 * margin, page_height - grid.top - frame_bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    story = _story(document, styles, sizes, (frame._width, frame._height))

    def canvasmaker(*args, **kwargs) -> Canvas:
        return _FooterCanvas(*args, footer=footer, **kwargs)

    try:
        doc.build(story, canvasmaker=canvasmaker)
    except ReportLabLayoutError as exc:  # cannot happen with splittable content; named if it does
        raise LayoutError(f"{document.handout}: a block is taller than a whole {paper} page "
                          f"({_longest_keys(document)}): {str(exc).splitlines()[0]}", request.where) from None
    last = doc.frame
    fill = (last._y1p + last._height - last._y) / last._height if last._height else 1.0
    layout = PageLayout(doc.page, request.pages, sizes.body, margin, page_width - 2 * margin, round(fill, 3))
    return doc.canv.drawn, tagger, layout


def render_pages(document: Document, request: RenderRequest) -> tuple[DrawnPDF, Tagger]:
    """The renderer of the ``page`` kind: the drawn PDF and its tags."""
    pdf, tagger, _ = layout_pages(document, request)
    return pdf, tagger


def longest_keys(document: Document, count: int = 3) -> list[tuple[str, Location | None]]:
    """The catalog keys of the longest texts and where they are written: what to shorten first."""
    spans = sorted((s for s in iter_spans(document) if s.key), key=lambda s: len(s.text), reverse=True)
    seen: dict[str, Location | None] = {}
    for span in spans:
        if span.key not in seen:
            seen[span.key] = span.where
        if len(seen) == count:
            break
    return list(seen.items())


def _longest_keys(document: Document) -> str:
    return ", ".join(f"{key} ({where.path.name}:{where.line})" if where else key
                     for key, where in longest_keys(document))
