"""The semantic document: what a handout says and in what order, not how it looks.

Templates produce it; the PDF renderer (and later tagging and HTML) consume it. Every
piece of text is a ``Span`` that remembers the catalog key and line it came from, so a
layout problem can name the text that caused it. Blocks are listed in reading order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal, Union

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


@dataclass(frozen=True)
class ListBlock:
    """A bullet list, or a list of check items each with a box to tick."""

    role: ClassVar[str] = "list"
    items: tuple[ListItem, ...]
    kind: Literal["bullet", "check"] = "bullet"


@dataclass(frozen=True)
class Field:
    """A labelled line to fill in by hand, or pre-filled from clinic settings."""

    role: ClassVar[str] = "field"
    label: Inline
    value: Inline = ()


@dataclass(frozen=True)
class FieldRow:
    """Fields side by side on one line (e.g. name and date of birth)."""

    role: ClassVar[str] = "field-row"
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Figure:
    """A pictogram; ``alt`` says in words what it shows."""

    role: ClassVar[str] = "figure"
    icon: str
    alt: Inline


@dataclass(frozen=True)
class Callout:
    """A boxed group of blocks; ``warning`` must stay a warning in black and white."""

    role: ClassVar[str] = "callout"
    kind: Literal["warning", "info"]
    blocks: tuple["Block", ...]


Block = Union[Heading, Paragraph, ListBlock, Field, FieldRow, Figure, Callout]


@dataclass(frozen=True)
class Section:
    """A titled part of a handout; on the card, ``front`` and ``back`` are panels.

    A ``notice`` is printed around the content rather than in its flow (the card
    sheet's instructions and small print)."""

    name: str
    blocks: tuple[Block, ...]
    kind: Literal["section", "notice"] = "section"


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


def iter_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, depth first, in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, Callout):
            yield from iter_blocks(block.blocks)


def iter_spans(document: Document) -> Iterator[Span]:
    """Every span of text in reading order: what a listener should hear."""
    for section in document.sections:
        yield from iter_section_spans(section)


def iter_section_spans(section: Section) -> Iterator[Span]:
    for block in iter_blocks(section.blocks):
        if isinstance(block, (Heading, Paragraph)):
            yield from block.content
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from item.content
        elif isinstance(block, Field):
            yield from block.label
            yield from block.value
        elif isinstance(block, FieldRow):
            for f in block.fields:
                yield from f.label
                yield from f.value
        elif isinstance(block, Figure):
            yield from block.alt
