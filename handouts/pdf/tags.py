"""Tagging while drawing: marked content with MCIDs, or artifacts.

The renderer draws; this module records. Each piece of content goes inside
``/Role <</MCID n>> BDC ... EMC`` and is attached to a node of the structure tree,
or inside ``/Artifact BDC ... EMC`` (decoration, running footers, cut marks, the
five extra copies of the card). Once every page is drawn, ``handouts.pdf.structure``
turns the nodes into the PDF structure tree, and ``handouts.pdf.writer`` writes the
file. The same approach as WeasyPrint's ``pdf/tags.py``: marked content recorded
while drawing, the tree built afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MarkedRef:
    """Marked content ``mcid`` on page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotRef:
    """The ``index``-th annotation of page ``page`` (0-based): a link."""

    page: int
    index: int


@dataclass(frozen=True)
class WidgetRef:
    """The ``index``-th form widget the tagger recorded (see ``Tagger.widgets``)."""

    index: int


@dataclass(frozen=True)
class Widget:
    """A place to type on the page: one widget of the form field ``name``. Several
    widgets with one name are one field (a value typed once fills every copy).

    ``rect`` is in page coordinates; ``appearance`` holds the content-stream operations
    that draw the pre-filled value, in the widget's own upright coordinates (0, 0 at
    its lower left), with the document's fonts."""

    name: str
    label: str  # the field's accessible name (/TU), in ``lang``
    lang: str
    value: str
    page: int
    rect: tuple[float, float, float, float]
    appearance: bytes = b""
    rotated: bool = False  # turned 180 degrees on the page (the fold-over's inside faces)
    rtl: bool = False
    font_size: float = 9.0


@dataclass(eq=False)
class Node:
    """A structure element: its role, attributes, and kids in reading order."""

    role: str
    parent: "Node | None" = None
    kids: list["Node | MarkedRef | AnnotRef | WidgetRef"] = field(default_factory=list)
    alt: str | None = None
    actual_text: str | None = None
    lang: str | None = None
    # Logical text of right-to-left content, by source: its glyphs are drawn in visual
    # order, so the element says in /ActualText what is to be read.
    logical: dict[int, str] = field(default_factory=dict)

    def add(self, role: str, **attributes) -> "Node":
        child = Node(role, self, **attributes)
        self.kids.append(child)
        return child

    def has_content(self) -> bool:
        return any(not isinstance(k, Node) or k.has_content() for k in self.kids)


class Tagger:
    """Allocates MCIDs per page and records what belongs to which node."""

    def __init__(self, lang: str):
        self.lang = lang
        self.root = Node("Document")
        self._next_mcid: dict[int, int] = defaultdict(int)
        self.suspended = 0  # > 0 while drawing inside an artifact
        self.widgets: list[Widget] = []  # form fields, written by handouts.pdf.forms

    def mcid(self, page: int) -> int:
        value = self._next_mcid[page]
        self._next_mcid[page] += 1
        return value


def tagger_of(canvas) -> Tagger | None:
    tagger = getattr(canvas, "_handouts_tagger", None)
    return tagger if tagger is not None and not tagger.suspended else None


def attach(canvas, tagger: Tagger) -> None:
    canvas._handouts_tagger = tagger


def _page(canvas) -> int:
    return canvas.getPageNumber() - 1


@contextmanager
def marked(canvas, node: Node | None) -> Iterator[None]:
    """Draw content that belongs to ``node``; links drawn meanwhile become Link kids."""
    tagger = tagger_of(canvas)
    if tagger is None or node is None:
        yield
        return
    page = _page(canvas)
    mcid = tagger.mcid(page)
    annotations_before = len(canvas._annotationrefs)
    canvas._code.append(f"/{node.role} <</MCID {mcid}>> BDC")
    node.kids.append(MarkedRef(page, mcid))
    try:
        yield
    finally:
        canvas._code.append("EMC")
    for index in range(annotations_before, len(canvas._annotationrefs)):
        node.add("Link").kids.append(AnnotRef(page, index))


@contextmanager
def artifact(canvas, kind: str = "Layout") -> Iterator[None]:
    """Draw decoration: outside the structure tree, skipped by screen readers."""
    tagger = getattr(canvas, "_handouts_tagger", None)
    if tagger is None:
        yield
        return
    if tagger.suspended:
        yield
        return
    canvas._code.append(f"/Artifact <</Type /{kind}>> BDC")
    tagger.suspended += 1
    try:
        yield
    finally:
        tagger.suspended -= 1
        canvas._code.append("EMC")


# --------------------------------------------------------------------------- planning


@dataclass
class StructureMap:
    """Which structure node each block of a document draws into."""

    tagger: Tagger
    nodes: dict[int, Node] = field(default_factory=dict)  # id(block) -> node
    labels: dict[int, Node] = field(default_factory=dict)  # id(list item) -> its Lbl node
    bodies: dict[int, Node] = field(default_factory=dict)  # id(list item) -> its LBody node
    figures: dict[int, Node] = field(default_factory=dict)  # id(warning callout) -> its symbol

    def node(self, block) -> Node | None:
        return self.nodes.get(id(block))


def plan_structure(document, tagger: Tagger) -> StructureMap:
    """Document > Sect > H1/H2/P/L/Div..., in reading order, before anything is drawn."""
    from handouts.document import DocumentVisitor, plain_text

    plan = StructureMap(tagger)
    check_box = document.spoken("check_box", "check box")
    warning = document.spoken("warning_symbol", "Warning")

    def lang_of(content) -> str | None:
        """A passage wholly in another language (the care language, or the source
        standing in for a missing translation) carries its own /Lang."""
        langs = {span.lang for span in content if span.text.strip()}
        if len(langs) == 1:
            lang = langs.pop()
            return lang if lang and lang != document.lang else None
        return None

    class Planner(DocumentVisitor):
        def __init__(self, parent: Node):
            self.parent = parent

        def visit_heading(self, block) -> None:
            plan.nodes[id(block)] = self.parent.add(f"H{block.level}", lang=lang_of(block.content))

        def visit_paragraph(self, block) -> None:
            plan.nodes[id(block)] = self.parent.add("P", lang=lang_of(block.content))

        def visit_list(self, block) -> None:
            lst = plan.nodes[id(block)] = self.parent.add("L")
            for item in block.items:
                li = plan.nodes[id(item)] = lst.add("LI")
                if block.kind == "check":
                    plan.labels[id(item)] = li.add("Lbl", alt=check_box, actual_text="\u2610")
                else:
                    plan.labels[id(item)] = li.add("Lbl", actual_text="\u2022")
                plan.bodies[id(item)] = li.add("LBody", lang=lang_of(item.content))

        def visit_terms(self, block) -> None:
            lst = plan.nodes[id(block)] = self.parent.add("L")
            for term in block.items:
                li = plan.nodes[id(term)] = lst.add("LI")
                plan.labels[id(term)] = li.add("Lbl", lang=lang_of(term.name))
                plan.bodies[id(term)] = li.add("LBody", lang=lang_of(term.definition))

        def visit_callout(self, block) -> None:
            div = plan.nodes[id(block)] = self.parent.add("Div")
            if block.kind == "warning":
                plan.figures[id(block)] = div.add("Figure", alt=warning)
            inner = Planner(div)
            for child in block.blocks:
                inner.visit(child)

        def visit_field_row(self, block) -> None:
            row = plan.nodes[id(block)] = self.parent.add("Div")
            for f in block.fields:
                plan.nodes[id(f)] = row.add("P", lang=lang_of(f.label))

        def visit_field(self, block) -> None:
            plan.nodes[id(block)] = self.parent.add("P", lang=lang_of(block.label))

        def visit_figure(self, block) -> None:
            plan.nodes[id(block)] = self.parent.add("Figure", alt=plain_text(block.alt))

    for section in document.sections:
        planner = Planner(tagger.root.add("Sect"))
        for block in section.blocks:
            planner.visit(block)
    return plan
