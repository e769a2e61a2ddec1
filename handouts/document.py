"""The semantic document: what a handout says and in what order, not how it looks.

Templates produce it; the PDF renderer (and later tagging and HTML) consume it. Every
piece of text is a ``Span`` that remembers the catalog key and line it came from, so a
layout problem can name the text that caused it. Blocks are listed in reading order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Union

from handouts.errors import Location


@dataclass(frozen=True)
class Span:
    """A run of text with one origin and one meaning."""

    text: str
    key: str | None = None  # catalog key, None for clinic data
    where: Location | None = None
    lang: str | None = None  # set only where it differs from the document's
    href: str | None = None  # a link target (tel:, https:)
    strong: bool = False


Inline = tuple[Span, ...]


def plain_text(content: Inline) -> str:
    return "".join(span.text for span in content)


@dataclass(frozen=True)
class Heading:
    role: ClassVar[str] = "heading"
    level: int
    content: Inline


@dataclass(frozen=True)
class Paragraph:
    role: ClassVar[str] = "paragraph"
    content: Inline
    style: Literal["body", "lead", "small", "action"] = "body"


@dataclass(frozen=True)
class ListItem:
    role: ClassVar[str] = "list-item"
    content: Inline
    icon: str | None = None  # a pictogram beside the item (decorative: the words say the same)


@dataclass(frozen=True)
class ListBlock:
    """A bullet list, or a list of check items each with a box to tick."""

    role: ClassVar[str] = "list"
    items: tuple[ListItem, ...]
    kind: Literal["bullet", "check"] = "bullet"


@dataclass(frozen=True)
class Field:
    """A labelled line (or ``lines`` lines) to fill in by hand, or pre-filled from settings.

    ``name`` identifies it as a form field that can be typed into."""

    role: ClassVar[str] = "field"
    label: Inline
    value: Inline = ()
    name: str | None = None
    lines: int = 1


@dataclass(frozen=True)
class FieldRow:
    """Fields side by side on one line (e.g. name and date of birth)."""

    role: ClassVar[str] = "field-row"
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Figure:
    """A pictogram, or with ``code`` a QR code of that address; ``alt`` says in words
    what it shows."""

    role: ClassVar[str] = "figure"
    icon: str
    alt: Inline
    code: str | None = None


@dataclass(frozen=True)
class Callout:
    """A boxed group of blocks; ``warning`` must stay a warning in black and white;
    ``plan`` holds the family's own plan (fill-in fields)."""

    role: ClassVar[str] = "callout"
    kind: Literal["warning", "info", "plan"]
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class Term:
    name: Inline
    definition: Inline


@dataclass(frozen=True)
class Terms:
    """Words to know: each term with its plain-language meaning."""

    role: ClassVar[str] = "terms"
    items: tuple[Term, ...]


Block = Union[Heading, Paragraph, ListBlock, Field, FieldRow, Figure, Callout, Terms]


@dataclass(frozen=True)
class Section:
    """A titled part of a handout; on the card, ``front`` and ``back`` are panels.

    A ``notice`` is printed around the content rather than in its flow (the card
    sheet's instructions and small print); with ``editions``, only on those editions'
    sheets (the duplex and the fold-over sheets fold differently), never on a web page."""

    name: str
    blocks: tuple[Block, ...]
    kind: Literal["section", "notice"] = "section"
    editions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    handout: str
    title: Inline
    lang: str
    direction: Literal["ltr", "rtl"]
    sections: tuple[Section, ...]  # sections and notices, in reading order
    running_footer: Inline = ()  # may hold {page} and {pages}, filled per page
    speech: tuple[tuple[str, Inline], ...] = ()  # words read aloud for symbols: check_box, warning_symbol

    def spoken(self, name: str, default: str) -> str:
        for key, content in self.speech:
            if key == name:
                return plain_text(content)
        return default

    @property
    def flow(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "section")

    @property
    def notices(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "notice")

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)


class DocumentVisitor:
    """One method per kind of block (``visit_heading``, ``visit_list``...). Layout, tagging,
    HTML and checks each subclass it; a block with no method is an error, never skipped."""

    METHODS: ClassVar[dict[type, str]] = {
        Heading: "visit_heading", Paragraph: "visit_paragraph", ListBlock: "visit_list", Field: "visit_field",
        FieldRow: "visit_field_row", Figure: "visit_figure", Callout: "visit_callout", Terms: "visit_terms",
    }

    def visit(self, block: Block) -> Any:
        name = self.METHODS.get(type(block))
        if name is None:
            raise TypeError(f"{type(self).__name__}: unknown block {type(block).__name__}")
        return getattr(self, name)(block)

    def _missing(self, block: Block) -> Any:
        raise NotImplementedError(f"{type(self).__name__} cannot handle a {type(block).__name__}")

    visit_heading = visit_paragraph = visit_list = visit_field = visit_field_row = _missing
    visit_figure = visit_callout = visit_terms = _missing


class _Spans(DocumentVisitor):
    """Every span of a block, in reading order."""

    def visit_heading(self, block: Heading) -> Iterator[Span]:
        yield from block.content

    visit_paragraph = visit_heading

    def visit_list(self, block: ListBlock) -> Iterator[Span]:
        for item in block.items:
            yield from item.content

    def visit_field(self, block: Field) -> Iterator[Span]:
        yield from block.label
        yield from block.value

    def visit_field_row(self, block: FieldRow) -> Iterator[Span]:
        for f in block.fields:
            yield from self.visit_field(f)

    def visit_figure(self, block: Figure) -> Iterator[Span]:
        yield from block.alt

    def visit_callout(self, block: Callout) -> Iterator[Span]:
        for child in block.blocks:
            yield from self.visit(child)

    def visit_terms(self, block: Terms) -> Iterator[Span]:
        for term in block.items:
            yield from term.name
            yield from term.definition


_SPANS = _Spans()


def iter_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, depth first, in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, Callout):
            yield from iter_blocks(block.blocks)


def block_spans(block: Block) -> Iterator[Span]:
    return _SPANS.visit(block)


def iter_spans(document: Document) -> Iterator[Span]:
    """Every span of text in reading order: what a listener should hear."""
    for section in document.sections:
        yield from iter_section_spans(section)


def iter_section_spans(section: Section) -> Iterator[Span]:
    for block in section.blocks:
        yield from _SPANS.visit(block)
