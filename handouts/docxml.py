"""The small XML vocabulary templates write, parsed into the semantic document.

Block elements: ``section``, ``notice``, ``h1``-``h3``, ``p``, ``list``/``item``,
``callout``, ``field``/``label``/``value``, ``field-row``, ``figure``, ``terms``/``term``.
Inline elements: ``t`` (catalog text), ``span`` (another language), ``link``, ``strong``.
Any block may carry ``when="outdated"`` or ``when="fallback"``: it is kept only when the
build says so (known after the template has run, so each document is rendered once).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from collections.abc import Callable, Mapping

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
    Term,
    Terms,
)
from handouts.errors import Location, TemplateError

_SPACE = re.compile(r"[ \t\r\n]+")  # XML white space only: a no-break space stays
PARAGRAPH_STYLES = ("body", "lead", "small", "action")
CALLOUT_KINDS = ("warning", "info", "plan")
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


class _Parser:
    def __init__(self, lookup: Callable, template: Path, conditions: Mapping[str, bool], lang: str, direction: str,
                 handout: str):
        self.lookup = lookup  # (key, lang) -> Message: where each text is written
        self.template = template
        self.conditions = conditions
        self.lang = lang
        self.direction = direction
        self.handout = handout

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
            message = self.lookup(key, lang)
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
            if self.kept(child):
                out.append(self.block(child))
        return tuple(out)

    def kept(self, element: ET.Element) -> bool:
        when = element.get("when")
        if when is None:
            return True
        if when not in self.conditions:
            raise self.fail(f"unknown when={when!r} (known: {', '.join(sorted(self.conditions))})")
        return self.conditions[when]

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
                if self.kept(child):
                    items.append(ListItem(self.nonempty(child), child.get("icon")))
            return ListBlock(tuple(items), kind)  # type: ignore[arg-type]
        if tag == "callout":
            kind = element.get("kind", "info")
            if kind not in CALLOUT_KINDS:
                raise self.fail(f"unknown callout kind {kind!r} (known: {', '.join(CALLOUT_KINDS)})")
            return Callout(kind, self.blocks(element))  # type: ignore[arg-type]
        if tag == "terms":
            terms = []
            for child in element:
                name, definition = child.find("name"), child.find("definition")
                if child.tag != "term" or name is None or definition is None:
                    raise self.fail("<terms> holds <term> elements, each with a <name> and a <definition>")
                terms.append(Term(self.nonempty(name), self.nonempty(definition)))
            return Terms(tuple(terms))
        if tag == "field":
            return self.field(element)
        if tag == "field-row":
            return FieldRow(tuple(self.field(child) for child in element))
        if tag == "figure":
            icon, code = element.get("icon"), element.get("code")
            if bool(icon) == bool(code):
                raise self.fail("a <figure> needs an icon, or a code (the address a QR code holds)")
            if code and not code.startswith("https://"):
                raise self.fail(f"figure code={code!r}: a QR code holds an https:// address")
            return Figure(icon or "", self.nonempty(element), code or None)
        raise self.fail(f"unknown block <{tag}>")

    def field(self, element: ET.Element) -> Field:
        if element.tag != "field":
            raise self.fail("a <field-row> holds only <field> elements")
        label = element.find("label")
        if label is None:
            raise self.fail("a <field> needs a <label>")
        value = element.find("value")
        name = element.get("name")
        if name is not None and not NAME_RE.fullmatch(name):
            raise self.fail(f"field name {name!r}: use lower-case letters, digits and _")
        lines = element.get("lines", "1")
        if not lines.isdigit() or not 1 <= int(lines) <= 6:
            raise self.fail(f"field lines={lines!r}: a number from 1 to 6")
        return Field(self.nonempty(label), self.inline(value) if value is not None else (), name, int(lines))

    def editions(self, element: ET.Element) -> tuple[str, ...]:
        """``edition="duplex foldover"``: the printed sheets a notice is for."""
        value = element.get("edition")
        if value is None:
            return ()
        names = tuple(value.split())
        if element.tag != "notice" or not names or not all(NAME_RE.fullmatch(n) for n in names):
            raise self.fail(f"edition={value!r}: a <notice> names the editions it prints on (lower-case names)")
        return names

    def nonempty(self, element: ET.Element) -> Inline:
        content = self.inline(element)
        if not content:
            raise self.fail(f"<{element.tag}> has no text")
        return content

    def document(self, root: ET.Element) -> Document:
        if root.tag != "document":
            raise self.fail("the template must produce one <document> element")
        title = root.find("title")
        if title is None:
            raise self.fail("the document needs a <title>")
        footer = root.find("running-footer")
        sections = tuple(
            Section(s.get("name", ""), self.blocks(s), s.tag, self.editions(s))  # type: ignore[arg-type]
            for s in root
            if s.tag in ("section", "notice") and self.kept(s)
        )
        speech = tuple((s.get("name", ""), self.nonempty(s)) for s in root.findall("speech"))
        for child in root:
            if child.tag not in ("title", "section", "notice", "running-footer", "speech"):
                raise self.fail(f"unknown element <{child.tag}> in <document>")
        return Document(
            handout=self.handout,
            title=self.nonempty(title),
            lang=self.lang,
            direction=self.direction,  # type: ignore[arg-type]
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


def parse_document(xml: str, lookup: Callable, template: Path, *, lang: str, direction: str, handout: str,
                   conditions: Mapping[str, bool] | None = None) -> Document:
    """Parse the XML a template rendered into a ``Document``; ``lookup(key, lang)`` tells
    where each text is written; ``conditions`` decide ``when=`` blocks."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise TemplateError(f"the template produced malformed XML ({exc})", Location(template, line)) from None
    return _Parser(lookup, template, conditions or {}, lang, direction, handout).document(root)
