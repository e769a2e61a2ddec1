"""The small XML vocabulary templates write, parsed into the semantic document.

Block elements: ``section``, ``notice``, ``h1``-``h3``, ``p``, ``list``/``item``,
``callout``, ``field``/``label``/``value``, ``field-row``, ``figure``.
Inline elements: ``t`` (catalog text), ``span`` (another language), ``link``, ``strong``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from handouts.catalog import Catalog
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
    ListItem,
    Paragraph,
    Section,
    Span,
)
from handouts.errors import Location, TemplateError

_SPACE = re.compile(r"\s+")
PARAGRAPH_STYLES = ("body", "lead", "small", "action")


class _Parser:
    def __init__(self, catalog: Catalog, template: Path, fallback: Catalog | None = None):
        self.catalog = catalog
        self.template = template
        self.fallback = fallback

    def fail(self, message: str) -> TemplateError:
        return TemplateError(message, Location(self.template))

    # ------------------------------------------------------------------ inline

    def inline(self, element: ET.Element) -> Inline:
        spans: list[Span] = []
        self._collect(element, spans, key=None, lang=None, href=None, strong=False)
        return _normalise(spans)

    def _collect(
        self, element: ET.Element, spans: list[Span], key: str | None, lang: str | None, href: str | None, strong: bool
    ) -> None:
        where = None
        if key:
            message = self.catalog.messages.get(key) or (self.fallback.messages.get(key) if self.fallback else None)
            where = message.where if message else None
        if element.text:
            spans.append(Span(element.text, key, where, lang, href, strong))
        for child in element:
            tag = child.tag
            if tag == "t":
                self._collect(child, spans, child.get("k"), lang, href, strong)
            elif tag == "span":
                self._collect(child, spans, key, child.get("lang") or lang, href, strong)
            elif tag == "link":
                self._collect(child, spans, key, lang, child.get("href"), strong)
            elif tag == "strong":
                self._collect(child, spans, key, lang, href, True)
            else:
                raise self.fail(f"<{tag}> is not allowed inside text")
            if child.tail:
                spans.append(Span(child.tail, key, where, lang, href, strong))

    # ------------------------------------------------------------------ blocks

    def blocks(self, element: ET.Element) -> tuple[Block, ...]:
        if element.text and element.text.strip():
            raise self.fail(f"text directly inside <{element.tag}>: wrap it in <p>")
        out: list[Block] = []
        for child in element:
            if child.tail and child.tail.strip():
                raise self.fail(f"text directly inside <{element.tag}>: wrap it in <p>")
            out.append(self.block(child))
        return tuple(out)

    def block(self, element: ET.Element) -> Block:
        tag = element.tag
        if tag in ("h1", "h2", "h3"):
            return Heading(int(tag[1]), self.nonempty(element))
        if tag == "p":
            style = element.get("style", "body")
            if style not in PARAGRAPH_STYLES:
                raise self.fail(f"unknown paragraph style {style!r}")
            return Paragraph(self.nonempty(element), style)  # type: ignore[arg-type]
        if tag == "list":
            kind = element.get("kind", "bullet")
            if kind not in ("bullet", "check"):
                raise self.fail(f"unknown list kind {kind!r}")
            items = []
            for child in element:
                if child.tag != "item":
                    raise self.fail("a <list> holds only <item> elements")
                items.append(ListItem(self.nonempty(child)))
            return ListBlock(tuple(items), kind)  # type: ignore[arg-type]
        if tag == "callout":
            kind = element.get("kind", "info")
            if kind not in ("warning", "info"):
                raise self.fail(f"unknown callout kind {kind!r}")
            return Callout(kind, self.blocks(element))  # type: ignore[arg-type]
        if tag == "field":
            return self.field(element)
        if tag == "field-row":
            return FieldRow(tuple(self.field(child) for child in element))
        if tag == "figure":
            icon = element.get("icon")
            if not icon:
                raise self.fail("a <figure> needs an icon")
            return Figure(icon, self.nonempty(element))
        raise self.fail(f"unknown block <{tag}>")

    def field(self, element: ET.Element) -> Field:
        if element.tag != "field":
            raise self.fail("a <field-row> holds only <field> elements")
        label = element.find("label")
        if label is None:
            raise self.fail("a <field> needs a <label>")
        value = element.find("value")
        return Field(self.nonempty(label), self.inline(value) if value is not None else ())

    def nonempty(self, element: ET.Element) -> Inline:
        content = self.inline(element)
        if not content:
            raise self.fail(f"<{element.tag}> has no text")
        return content

    def document(self, root: ET.Element) -> Document:
        if root.tag != "document":
            raise self.fail("the template must produce one <document> element")
        handout = root.get("handout") or self.template.stem
        title = root.find("title")
        if title is None:
            raise self.fail("the document needs a <title>")
        footer = root.find("running-footer")
        sections = tuple(
            Section(s.get("name", ""), self.blocks(s), s.tag)  # type: ignore[arg-type]
            for s in root
            if s.tag in ("section", "notice")
        )
        speech = tuple((s.get("name", ""), self.nonempty(s)) for s in root.findall("speech"))
        for child in root:
            if child.tag not in ("title", "section", "notice", "running-footer", "speech"):
                raise self.fail(f"unknown element <{child.tag}> in <document>")
        meta = self.catalog.meta
        return Document(
            handout=handout,
            title=self.nonempty(title),
            lang=meta.locale,
            direction=meta.direction,  # type: ignore[arg-type]
            sections=sections,
            running_footer=self.inline(footer) if footer is not None else (),
            speech=speech,
        )


def _normalise(spans: list[Span]) -> Inline:
    """Fold white space as HTML does: runs become one space, the ends are trimmed."""
    out: list[Span] = []
    previous_space = True
    for span in spans:
        text = _SPACE.sub(" ", span.text)
        if previous_space:
            text = text.lstrip(" ")
        if not text:
            continue
        previous_space = text.endswith(" ")
        out.append(Span(text, span.key, span.where, span.lang, span.href, span.strong))
    while out and out[-1].text.endswith(" "):
        last = out.pop()
        trimmed = last.text.rstrip(" ")
        if trimmed:
            out.append(Span(trimmed, last.key, last.where, last.lang, last.href, last.strong))
            break
    return tuple(out)


def parse_document(xml: str, catalog: Catalog, template: Path, fallback: Catalog | None = None) -> Document:
    """Parse the XML a template rendered into a ``Document``."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise TemplateError(f"the template produced malformed XML ({exc})", Location(template, line)) from None
    return _Parser(catalog, template, fallback).document(root)
