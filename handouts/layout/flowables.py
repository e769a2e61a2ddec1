"""Document blocks -> ReportLab flowables.

Each flowable keeps the block it draws (``.block``) so a later tagging pass can map
what is on the page back to the document. Text reaches ReportLab only through
``inline_markup``, which escapes it: a translation is never parsed as markup.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer
from reportlab.platypus import Paragraph as RLParagraph

from handouts.document import (
    Block,
    Callout,
    DocumentVisitor,
    Field,
    FieldRow,
    Figure,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Term,
    Terms,
    plain_text,
)
from handouts.errors import LayoutError
from handouts.layout import icons
from handouts.layout.fonts import FontStack
from handouts.layout.overflow import too_wide
from handouts.layout.scripts import char_script
from handouts.layout.styles import ACCENT, INK, RULE, TINT, WARNING, TextSetting, TextStyles
from handouts.layout.text import ShapedText
from handouts.pdf.tags import Node, artifact, marked


def inline_markup(content: Inline, stack: FontStack | None = None, bold: bool = False) -> str:
    """ReportLab paragraph markup for spans; all text is escaped.

    With a font stack, characters the primary family lacks are set in the first
    fallback family that has them.
    """
    parts = []
    for span in content:
        raw = span.text.translate(_NO_BIDI_CONTROLS)  # left-to-right paragraphs need no isolates
        text = _with_fallback(raw, stack, bold or span.strong) if stack else html.escape(raw, quote=False)
        if span.strong:
            text = f"<b>{text}</b>"
        if span.href:
            text = f'<a href="{html.escape(span.href)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


_NO_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u2060"))


@lru_cache(maxsize=4096)  # the same texts are set again on A4 and Letter, and in large print
def _with_fallback(text: str, stack: FontStack, bold: bool) -> str:
    primary = stack.primary.bold_name if bold else stack.primary.regular_name
    runs: list[tuple[str, str]] = []  # (font, text)
    for char in text:
        font = primary if char.isspace() else (stack.font_for(char, bold) or primary)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    pieces = ((font, html.escape(piece, quote=False)) for font, piece in runs)
    return "".join(piece if font == primary else f'<font face="{font}">{piece}</font>' for font, piece in pieces)


class TextBlock(RLParagraph):
    """A ReportLab paragraph that remembers its spans and refuses to overflow sideways."""

    def __init__(self, content: Inline | None, style, block: Block | None = None, stack: FontStack | None = None,
                 **kwargs):
        # ReportLab's split() calls the class again with content None and frags=...
        markup = None
        if content is not None:
            markup = inline_markup(content, stack, bold=style.fontName.endswith("-Bold"))
        super().__init__(markup, style, **kwargs)
        self.content = content or ()
        self.block = block

    @property
    def line_count(self) -> int:
        return len(self.blPara.lines) if hasattr(self, "blPara") else 0

    def natural_width(self) -> float:
        """The width of the text on one line, as drawn: bidi controls take no room
        (they are not drawn in left-to-right paragraphs)."""
        text = plain_text(self.content).translate(_NO_BIDI_CONTROLS)
        return stringWidth(text, self.style.fontName, self.style.fontSize)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.content, part.block, part.node = self.content, self.block, getattr(self, "node", None)
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        with marked(canvas, getattr(self, "node", None)):
            super().drawOn(canvas, x, y, _sW)

    def minWidth(self):
        # Its words' widths do not change: measured once (the layout asks at every wrap).
        if "_min_width" not in self.__dict__:
            self._min_width = super().minWidth()
        return self._min_width

    def wrap(self, availWidth, availHeight):
        # A paragraph's lines depend on the width alone (ReportLab's ``wrap`` ignores the
        # height): wrapped again at the same width, it keeps the lines it has.
        if self.__dict__.get("_wrapped_at") == availWidth and "blPara" in self.__dict__:  # (split may drop it)
            return self.width, self.height
        needed = self.minWidth()
        if needed > availWidth + 0.01:
            raise too_wide(self.content, needed, availWidth)
        size = super().wrap(availWidth, availHeight)
        if "blPara" in self.__dict__ and size == (availWidth, self.height):
            self._wrapped_at = availWidth
        return size

    def draw(self):
        # Only while drawing: layout and splitting see the lines as ReportLab made them.
        laid_out = self.blPara
        self.blPara = _with_line_end_spaces(laid_out)
        try:
            super().draw()
        finally:
            self.blPara = laid_out


def _with_line_end_spaces(para):
    """ReportLab draws no space where it breaks a line, so extracted or spoken text
    runs the last word of a line into the first of the next ("IVIG.Go"). A copy of the
    laid-out lines in which every line but the last ends with its space (drawn after
    the last word, so nothing on the page moves)."""
    lines = list(getattr(para, "lines", []))
    for number, line in enumerate(lines[:-1]):
        if para.kind == 0:
            extra, words = line
            if words and not words[-1].endswith(" "):
                lines[number] = (extra, [*words[:-1], words[-1] + " "])
        else:
            words = list(getattr(line, "words", []))
            for index in range(len(words) - 1, -1, -1):
                if hasattr(words[index], "text"):
                    if not words[index].text.endswith(" "):
                        words[index] = words[index].clone(text=words[index].text + " ")
                        lines[number] = line.clone(words=words)
                    break
    copy = para.clone(lines=lines) if hasattr(para, "clone") else para
    return copy


def make_text(content: Inline, style, block: Block | None, setting: TextSetting, node: Node | None = None) -> Flowable:
    """The flowable that sets this text: ReportLab's paragraph, or the shaped-line setter.

    What it draws is tagged as ``node`` (by default the block's structure node)."""
    if setting.stack.engine == "shaped":
        text = ShapedText(content, style, block, setting.stack, setting.lang, setting.rtl)
    else:
        text = TextBlock(content, style, block, stack=setting.stack)
    text.node = node or setting.node(block)
    if setting.stack.engine == "shaped" and text.node is not None and content:
        # Shaped glyphs come in visual order (right to left) or reordered (Indic vowel
        # signs): the element carries its logical text for assistive technology.
        text.node.logical.setdefault(id(content), plain_text(content).replace("\u2060", ""))  # no word joiners
    return text


INKED = 0.88  # the share of a pictogram's square its drawing covers (scripts/icons: 48-unit box)


class MarkerItem(Flowable):
    """A list item: a marker (bullet or tick box) beside its text, kept in one piece."""

    def __init__(self, item: ListItem, style, kind: str, setting: TextSetting, *, indent: float, box: float = 0,
                 icon: float = 0):
        super().__init__()
        self.block = item
        self.kind = kind
        self.icon = icon  # room for a pictogram between marker and text (0: none in this list)
        self.indent = indent + (icon + style.fontSize * 0.5 if icon else 0)
        self.box = box
        self.rtl = setting.rtl
        structure = setting.structure
        self.label_node = structure.labels.get(id(item)) if structure else None
        body = structure.bodies.get(id(item)) if structure else None
        self.text = make_text(item.content, style, item, setting, node=body)
        self.style = style
        self.continued = False  # the second part of an item split across pages

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        _, h = self.text.wrap(availWidth - self.indent, availHeight)
        # A pictogram's drawing has white around it (a tenth of its square): the item
        # needs only the inked part, so a pictogram may reach into the space below.
        marks = 0.0 if self.continued else max(self.box + 2 if self.kind == "check" else 0, self.icon * INKED)
        self.height = max(h, marks)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """An item longer than the room left splits inside its text (two lines at least
        on each side); its marker stands beside the first part only."""
        self.wrap(availWidth, availHeight)
        parts = self.text.split(availWidth - self.indent, availHeight)
        if len(parts) < 2:
            return []
        first, rest = copy.copy(self), copy.copy(self)
        first.text, rest.text = parts[0], parts[1]
        rest.continued = True
        return [first, rest]

    def getSpaceAfter(self):
        if self.icon and self.height <= self.icon * INKED + 0.01:
            # A pictogram sets the item's height and has white around its drawing: the
            # tick boxes stay a box's fifth apart, room to tick each one.
            return self.box * 0.2 if self.kind == "check" else self.style.spaceAfter * 0.5
        if self.kind == "check":  # tick boxes never touch: room to tick each one
            return max(self.style.spaceAfter, self.box * 0.3)
        return self.style.spaceAfter

    def draw(self):
        canvas = self.canv
        text_x = 0 if self.rtl else self.indent
        first_line_top = self.height
        if self.continued:  # the rest of an item split across pages: no second marker
            self.text.drawOn(canvas, text_x, self.height - self.text.height)
            return
        with marked(canvas, self.label_node):
            self._draw_marker(canvas, first_line_top)
        if self.icon and self.block.icon:
            marker = self.indent - self.icon - self.style.fontSize * 0.5
            icon_x = self.width - marker - self.icon if self.rtl else marker
            with artifact(canvas):  # the item's words say what the picture shows
                icons.draw(canvas, self.block.icon, icon_x, self.height - self.icon, self.icon, mirror=self.rtl)
        self.text.drawOn(canvas, text_x, self.height - self.text.height)

    def _draw_marker(self, canvas, first_line_top: float) -> None:
        if self.kind == "check":
            # A real tick box, drawn as a square, top aligned with the first line.
            box_x = self.width - self.box - 0.5 if self.rtl else 0.5
            canvas.saveState()
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(1.2)
            y = first_line_top - self.box - max(0, (self.style.leading - self.box) / 2)
            canvas.rect(box_x, y, self.box, self.box, stroke=1, fill=0)
            canvas.restoreState()
        else:
            size = self.style.fontSize
            centre_x = self.width - size * 0.35 if self.rtl else size * 0.35
            canvas.saveState()
            canvas.setFillColor(INK)
            cy = first_line_top - _first_baseline(self.text) + size * 0.3
            canvas.circle(centre_x, cy, size * 0.16, stroke=0, fill=1)
            canvas.restoreState()


def _first_baseline(text: Flowable) -> float:
    """Distance from the top of a text flowable to its first baseline."""
    if isinstance(text, ShapedText):
        return text.size
    return text.style.fontSize  # ReportLab puts the first baseline one font size down


class Rule(Flowable):
    """A thin decorative line across the frame (an artifact)."""

    def __init__(self, *, before: float, after: float):
        super().__init__()
        self.before, self.after = before, after

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, 0.5
        return self.width, self.height

    def getSpaceBefore(self):
        return self.before

    def getSpaceAfter(self):
        return self.after

    def draw(self):
        with artifact(self.canv):
            self.canv.saveState()
            self.canv.setStrokeColor(RULE)
            self.canv.setLineWidth(0.5)
            self.canv.line(0, 0.25, self.width, 0.25)
            self.canv.restoreState()


class Stack(Flowable):
    """Flowables drawn one under another as one unbreakable unit."""

    def __init__(self, flowables: list[Flowable], *, head: int = 0):
        super().__init__()
        self.flowables = flowables
        self.head = head  # leading flowables (a heading, a lead-in) that stay with two items
        self.block = getattr(flowables[0], "block", None) if flowables else None

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self._layout = []
        total = 0.0
        for index, flowable in enumerate(self.flowables):
            _, h = flowable.wrap(availWidth, availHeight)
            gap = max(self.flowables[index - 1].getSpaceAfter(), flowable.getSpaceBefore()) if index else 0
            self._layout.append((h, gap))
            total += h + gap
        self.height = total
        return self.width, self.height

    def getSpaceBefore(self):
        return self.flowables[0].getSpaceBefore() if self.flowables else 0

    def getSpaceAfter(self):
        return self.flowables[-1].getSpaceAfter() if self.flowables else 0

    def split(self, availWidth, availHeight):
        """A short list splits only with two items or more on each side (none is left
        alone at the foot or head of a page); otherwise it moves to the next page, where
        ReportLab tries again. Only a stack taller than a whole page (ReportLab has
        marked it ``_postponed``) comes apart anywhere."""
        if getattr(self, "_postponed", False):
            return list(self.flowables)
        self.wrap(availWidth, availHeight)
        used, fit = 0.0, 0
        for index, (h, gap) in enumerate(self._layout):
            if used + gap + h > availHeight + 0.01:
                break
            used += gap + h
            fit = index + 1
        fit = min(fit, len(self.flowables) - 2)
        if fit < self.head + 2:
            return []
        return [Stack(self.flowables[:fit], head=self.head), Stack(self.flowables[fit:])]

    def draw(self):
        y = self.height
        for flowable, (h, gap) in zip(self.flowables, self._layout):
            y -= gap + h
            flowable.drawOn(self.canv, 0, y)


class MarkerColumns(Flowable):
    """A bullet list of short items set in two columns, read column by column.

    Used only when every item fits on one line at half width; otherwise the items
    stand one under another, exactly as a plain list would.
    """

    def __init__(self, items: list[MarkerItem], *, gap: float, rtl: bool = False):
        super().__init__()
        self.items = items
        self.block = items[0].block if items else None
        self.gap = gap
        self.rtl = rtl
        self.columns = 1

    def _fits_two_columns(self, width: float, height: float) -> bool:
        column = (width - self.gap) / 2
        for item in self.items:
            try:
                item.wrap(column, height)
            except LayoutError:  # a word wider than half the width: one column, then
                return False
            if item.text.line_count > 1:
                return False
        return True

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.columns = 2 if len(self.items) > 2 and self._fits_two_columns(availWidth, availHeight) else 1
        column = availWidth if self.columns == 1 else (availWidth - self.gap) / 2
        self.rows = -(-len(self.items) // self.columns)
        self._heights = [item.wrap(column, availHeight)[1] for item in self.items]
        self._after = [item.getSpaceAfter() for item in self.items]
        if self.columns == 1:
            self.height = sum(self._heights) + sum(self._after[:-1])
        else:
            row_height = max(self._heights) + max(self._after)
            self.height = row_height * self.rows - max(self._after)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        if self.columns == 1 and self._heights and self._heights[0] <= availHeight:
            return list(self.items)
        return []

    def getSpaceAfter(self):
        return self._after[-1] if getattr(self, "_after", None) else 0

    def draw(self):
        if self.columns == 1:
            y = self.height
            for item, h, after in zip(self.items, self._heights, self._after):
                y -= h
                item.drawOn(self.canv, 0, y)
                y -= after
            return
        column = (self.width - self.gap) / 2
        row_height = max(self._heights) + max(self._after)
        for index, item in enumerate(self.items):
            col, row = divmod(index, self.rows)
            if self.rtl:
                col = 1 - col
            x = col * (column + self.gap)
            y = self.height - row * row_height - self._heights[index]
            item.drawOn(self.canv, x, y)


class CalloutBox(Flowable):
    """A boxed group. ``warning`` gets a heavy black frame and a warning pictogram
    beside its first line, so it stays a warning on a black-and-white printer.

    A box taller than the room left on a page splits between its blocks (or inside a
    long paragraph or list), never right after a heading; each part keeps the frame,
    and the pictogram stands beside the first."""

    def __init__(self, callout: Callout, flowables: list[Flowable], *, padding: float, rtl: bool = False,
                 symbol: Node | None = None, icon_size: float = 7 * mm, continued: bool = False):
        super().__init__()
        self.block = callout
        self.symbol = None if continued else symbol
        self.flowables = flowables
        self.padding = padding
        self.rtl = rtl
        self.warning_icon = icon_size
        self.continued = continued
        self.icon_size = icon_size if callout.kind == "warning" and not continued else 0

    def _widths(self, availWidth: float) -> tuple[float, float]:
        inner = availWidth - 2 * self.padding
        beside_icon = inner - (self.icon_size + self.padding * 0.6 if self.icon_size else 0)
        return inner, beside_icon

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        inner, beside_icon = self._widths(availWidth)
        total = 0.0
        self._sizes = []
        for index, flowable in enumerate(self.flowables):
            width = beside_icon if index == 0 else inner
            _, h = flowable.wrap(width, availHeight)
            if index == 0:
                h = max(h, self.icon_size)
            before = flowable.getSpaceBefore() if index else 0
            after = flowable.getSpaceAfter() if index < len(self.flowables) - 1 else 0
            self._sizes.append((h, before, after, width))
            total += h + before + after
        self.height = total + 2 * self.padding
        return self.width, self.height

    def _part(self, flowables: list[Flowable], *, continued: bool) -> "CalloutBox":
        part = CalloutBox(self.block, flowables, padding=self.padding, rtl=self.rtl, symbol=self.symbol,
                          icon_size=self.warning_icon, continued=continued)
        part.node = getattr(self, "node", None)
        return part

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight + 0.01:
            return [self]
        inner, beside_icon = self._widths(availWidth)
        room = availHeight - 2 * self.padding
        at_top = getattr(self, "_postponed", False)  # on a fresh page: must split to fit at all
        first: list[Flowable] = []
        rest = list(self.flowables)
        used = 0.0
        while rest:
            flowable = rest[0]
            width = beside_icon if not first else inner
            before = flowable.getSpaceBefore() if first else 0
            _, h = flowable.wrap(width, room)
            if not first:
                h = max(h, self.icon_size)
            if used + before + h <= room + 0.01:
                first.append(rest.pop(0))
                used += before + h + flowable.getSpaceAfter()
                continue
            parts = flowable.split(width, room - used - before)
            if not parts and at_top and isinstance(flowable, Stack):
                rest[0:1] = flowable.flowables  # a short list, but the box must split somewhere
                continue
            if len(parts) > 1 and parts[0].wrap(width, room)[1] <= room - used - before + 0.01:
                first.append(parts[0])
                rest[0:1] = parts[1:]
            break
        while first and isinstance(getattr(first[-1], "block", None), Heading):
            rest.insert(0, first.pop())  # a heading stays with what follows it
        if not first or not rest:
            return []
        return [self._part(first, continued=self.continued), self._part(rest, continued=True)]

    def draw(self):
        canvas = self.canv
        with artifact(canvas):
            canvas.saveState()
            if self.block.kind == "warning":
                canvas.setStrokeColor(WARNING)
                canvas.setLineWidth(2.5)
                canvas.rect(1.25, 1.25, self.width - 2.5, self.height - 2.5, stroke=1, fill=0)
            elif self.block.kind == "plan":  # the family's own page: a plain frame to write in
                canvas.setStrokeColor(ACCENT)
                canvas.setLineWidth(1.5)
                canvas.setDash(6, 3)
                canvas.rect(0.75, 0.75, self.width - 1.5, self.height - 1.5, stroke=1, fill=0)
            else:
                canvas.setFillColor(TINT)
                canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
                canvas.setFillColor(ACCENT)
                bar_x = self.width - 4 if self.rtl else 0
                canvas.rect(bar_x, 0, 4, self.height, stroke=0, fill=1)
            canvas.restoreState()
        if self.icon_size:
            icon_x = self.width - self.padding - self.icon_size if self.rtl else self.padding
            with marked(canvas, self.symbol):
                icons.draw(canvas, "warning", icon_x, self.height - self.padding - self.icon_size, self.icon_size)
        y = self.height - self.padding
        inner = self.width - 2 * self.padding
        for flowable, (h, before, after, width) in zip(self.flowables, self._sizes):
            y -= before
            x = self.padding
            if width < inner and not self.rtl:
                x += inner - width
            drawn_h = flowable.height if hasattr(flowable, "height") else h
            flowable.drawOn(canvas, x, y - drawn_h if width < inner else y - h)
            y -= h + after


class FieldLine(Flowable):
    """Fill-in fields on one row: each label followed by a rule to write on.

    The row is ``line_height`` tall (at least 5 mm of writing room above the rule);
    a pre-filled value from the clinic settings is printed on the rule. With a ``form``
    hook, each named field becomes a form field instead: the hook gets the writing
    area (rule start to end, rule to row top) and the value's flowable to show there.
    """

    form = None  # (canvas, field, rect, value, value_offset) -> None; see handouts.layout.card

    def __init__(self, fields: Sequence[Field], label_style, value_style, setting: TextSetting, *,
                 line_height: float, gap: float):
        super().__init__()
        self.block = fields[0] if len(fields) == 1 else FieldRow(tuple(fields))
        self.fields = list(fields)
        self.labels = [make_text(f.label, label_style, f, setting) for f in self.fields]
        self.values = [make_text(f.value, value_style, f, setting) if f.value else None for f in self.fields]
        self.line_height = line_height
        self.gap = gap
        self.rtl = setting.rtl
        self.min_rule = 12 * mm

    def _needs(self) -> list[float]:
        """Each field's width on one line: its label, a gap, then room to write (or its value)."""
        needs = []
        for label, value in zip(self.labels, self.values):
            value_width = value.natural_width() + 2 if value is not None else 0
            needs.append(label.natural_width() + 1.5 * mm + max(value_width, self.min_rule))
        return needs

    def wrap(self, availWidth, availHeight):
        """Side by side when every field fits on one line; else one field per row, and a
        label too long to leave room for writing goes above its line, wrapped: nothing
        is cut, a long translation only takes more height."""
        self.width = availWidth
        needs = self._needs()
        room = availWidth - self.gap * (len(self.fields) - 1)
        self.stacked = sum(needs) > room + 0.01 and len(self.fields) > 1
        if not self.stacked and sum(needs) <= room + 0.01:
            spare = room - sum(needs)
            self.cells = [need + spare / len(needs) for need in needs]
            self.above = [False] * len(self.fields)
        else:
            self.stacked = len(self.fields) > 1
            self.cells = [availWidth] * len(self.fields)
            self.above = [need > availWidth + 0.01 for need in needs]
        self.label_widths = []
        for label, cell, above in zip(self.labels, self.cells, self.above):
            width = cell if above else label.natural_width() + 0.5
            label.wrap(width, availHeight)
            self.label_widths.append(width)
        for value, cell, label_width, above in zip(self.values, self.cells, self.label_widths, self.above):
            if value is not None:
                value.wrap(cell - 2 if above else cell - label_width - 1.5 * mm, availHeight)
        self.rows = []  # each row's height, top to bottom
        for label, above in zip(self.labels, self.above):
            self.rows.append(label.height + 1 + self.line_height if above
                             else max(self.line_height, label.height + 1))
        self.row_height = max(self.rows) if not self.stacked else self.rows[0]
        self.extra_lines = max(f.lines for f in self.fields) - 1  # more writing lines under the first
        body = sum(self.rows) if self.stacked else self.row_height
        self.height = body + self.extra_lines * self.line_height
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        if self.extra_lines:
            with artifact(canvas):
                canvas.saveState()
                canvas.setStrokeColor(RULE)
                canvas.setLineWidth(0.6)
                for line in range(self.extra_lines):
                    y = line * self.line_height + 0.5
                    canvas.line(0, y, self.width, y)
                canvas.restoreState()
        base = self.extra_lines * self.line_height
        if self.stacked:
            top = self.height
            for index, row in enumerate(self.rows):
                top -= row
                self._draw_field(canvas, index, 0.0, top, row)
            return
        order = range(len(self.fields) - 1, -1, -1) if self.rtl else range(len(self.fields))
        x = 0.0
        for index in order:
            self._draw_field(canvas, index, x, base, self.row_height)
            x += self.cells[index] + self.gap

    def _draw_field(self, canvas, index: int, x: float, y: float, row: float) -> None:
        label, value = self.labels[index], self.values[index]
        label_width, cell = self.label_widths[index], self.cells[index]
        if self.above[index]:  # the label on its own lines, the writing line under it
            label.drawOn(canvas, x, y + self.line_height)
            rule_start, rule_end, top = x, x + cell, y + self.line_height
        else:
            label.drawOn(canvas, x + cell - label_width if self.rtl else x, y + 1)
            rule_start = x if self.rtl else x + label_width + 1.5 * mm
            rule_end = x + cell - label_width - 1.5 * mm if self.rtl else x + cell
            top = y + row
        value_x = rule_end - value.width if self.rtl and value is not None else rule_start + 1
        if self.form is not None and self.fields[index].name:
            self.form(canvas, self.fields[index], (rule_start, y + 0.5, rule_end, top), value,
                      (value_x - rule_start, 0.7))
        elif value is not None:
            value.drawOn(canvas, value_x, y + 1.2)
        with artifact(canvas):
            canvas.saveState()
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(rule_start, y + 0.5, rule_end, y + 0.5)
            canvas.restoreState()


class FigureFlowable(Flowable):
    """A vector pictogram; its alt text lives on the block for tagging and HTML."""

    def __init__(self, figure: Figure, size: float):
        super().__init__()
        self.block = figure
        self.size = size

    def wrap(self, availWidth, availHeight):
        self.width, self.height = self.size, self.size
        return self.width, self.height

    def draw(self):
        with marked(self.canv, getattr(self, "node", None)):
            icons.draw(self.canv, self.block.icon, 0, 0, self.size)


SHORT_LIST = 5


class TermItem(Flowable):
    """A word to know: the word in bold, its meaning under it, indented; kept whole."""

    def __init__(self, term: Term, name_style, definition_style, setting: TextSetting, *, indent: float):
        super().__init__()
        self.block = term
        structure = setting.structure
        self.name = make_text(term.name, name_style, term, setting,
                              node=structure.labels.get(id(term)) if structure else None)
        self.definition = make_text(term.definition, definition_style, term, setting,
                                    node=structure.bodies.get(id(term)) if structure else None)
        self.indent = indent
        self.rtl = setting.rtl
        self.style = definition_style

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        _, name_h = self.name.wrap(availWidth, availHeight)
        _, definition_h = self.definition.wrap(availWidth - self.indent, availHeight)
        self._name_h = name_h
        self.height = name_h + definition_h
        return self.width, self.height

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        self.name.drawOn(self.canv, 0, self.height - self._name_h)
        self.definition.drawOn(self.canv, 0 if self.rtl else self.indent, 0)


@dataclass(frozen=True)
class Marks:
    """Sizes of what is drawn beside the text, in points (the page layout scales them
    with the body size; the card passes its own)."""

    check_box: float = 5 * mm
    field_line: float = 6 * mm
    callout_padding: float = 4 * mm
    icon_size: float = 8 * mm  # a pictogram beside a list item
    warning_icon: float = 7 * mm
    figure_size: float = 10 * mm
    columns: bool = True  # short bullet lists may stand in two columns
    field_after: float = 0.0  # room under the last line to write on, before text (the card has none to spare)


class _FlowableMaker(DocumentVisitor):
    """Each block's flowables (see ``block_flowables`` for how they are put in sequence)."""

    def __init__(self, styles: TextStyles, marks: Marks):
        self.styles = styles
        self.setting = styles.setting
        self.marks = marks

    def nested(self, blocks: Sequence[Block]) -> list[Flowable]:
        return _block_flowables(blocks, self.styles, self.marks, keep_headings=False)

    def visit_heading(self, block: Heading) -> list[Flowable]:
        return [make_text(keep_last_words(block.content), self.styles.heading(block.level), block, self.setting)]

    def visit_paragraph(self, block: Paragraph) -> list[Flowable]:
        return [make_text(block.content, self.styles.paragraph(block.style), block, self.setting)]

    def visit_list(self, block: ListBlock) -> list[Flowable]:
        size = self.styles.item.fontSize
        box = self.marks.check_box if block.kind == "check" else 0
        indent = box + size * 0.6 if block.kind == "check" else size * 1.1
        icons_here = any(item.icon for item in block.items)
        made: list[Flowable] = [
            MarkerItem(item, self.styles.item, block.kind, self.setting, indent=indent, box=box,
                       icon=self.marks.icon_size if icons_here else 0)
            for item in block.items
        ]
        short = max(len(plain_text(i.content)) for i in block.items) <= 48
        if block.kind == "bullet" and self.marks.columns and short and not icons_here:
            return [MarkerColumns(made, gap=size * 1.5, rtl=self.setting.rtl)]
        if len(made) <= SHORT_LIST:
            return [Stack(made)]  # a short list is read at a glance: never one item alone on a page
        return made

    def visit_callout(self, block: Callout) -> list[Flowable]:
        structure = self.setting.structure
        box = CalloutBox(block, self.nested(block.blocks), padding=self.marks.callout_padding, rtl=self.setting.rtl,
                         symbol=structure.figures.get(id(block)) if structure else None,
                         icon_size=self.marks.warning_icon)
        return [box, Spacer(1, self.styles.size * 0.6)]

    def fields(self, fields: Sequence[Field]) -> list[Flowable]:
        return [FieldLine(fields, self.styles.label, self.styles.body, self.setting,
                          line_height=self.marks.field_line, gap=3 * mm)]

    def visit_field(self, block: Field) -> list[Flowable]:
        return self.fields([block])

    def visit_field_row(self, block: FieldRow) -> list[Flowable]:
        return self.fields(block.fields)

    def visit_figure(self, block: Figure) -> list[Flowable]:
        figure = FigureFlowable(block, max(self.marks.figure_size, self.marks.icon_size))
        figure.node = self.setting.node(block)
        return [figure]

    def visit_terms(self, block: Terms) -> list[Flowable]:
        name_style = self.styles.action
        indent = self.styles.size * 1.1
        made: list[Flowable] = [TermItem(term, name_style, self.styles.item, self.setting, indent=indent)
                                for term in block.items]
        return [Stack(made)] if len(made) <= SHORT_LIST else made


_NO_SPACE_SCRIPTS = ("Hani", "Hira", "Kana", "Thai")  # written without spaces between words


@lru_cache(maxsize=1024)  # one object per heading: its tags are keyed by the content's identity
def keep_last_words(content: Inline) -> Inline:
    """A heading never ends with one word alone on its last line: the last two words
    are joined by a no-break space (in a heading of three words or more), or, in a
    script written without spaces, the last two characters by a word joiner."""
    text = plain_text(content)
    if text.count(" ") >= 2:
        at = text.rindex(" ")
        joiner = "\u00a0"
        replace_one = True
    else:
        letters = [i for i, c in enumerate(text) if c.isalnum()]
        if text.count(" ") or len(letters) < 4 or char_script(text[letters[-1]]) not in _NO_SPACE_SCRIPTS:
            return content
        at = letters[-1]
        joiner = "\u2060"
        replace_one = False
    out = []
    offset = 0
    for span in content:
        end = offset + len(span.text)
        if offset <= at < end:
            local = at - offset
            tail = span.text[local + 1:] if replace_one else span.text[local:]
            span = replace(span, text=span.text[:local] + joiner + tail)
        out.append(span)
        offset = end
    return tuple(out)


def block_flowables(
    blocks: Sequence[Block], styles: TextStyles, *, check_box: float = 5 * mm,
    field_line: float = 6 * mm, callout_padding: float = 4 * mm, keep_headings: bool = True,
    columns: bool = True, icon_size: float = 8 * mm, warning_icon: float = 7 * mm, figure_size: float = 10 * mm,
    field_after: float = 0.0,
) -> list[Flowable]:
    """Flowables for a sequence of blocks, in reading order.

    A heading, and a paragraph that leads into a list, never end a page: they are
    kept with the first flowable that follows.
    """
    marks = Marks(check_box, field_line, callout_padding, icon_size, warning_icon, figure_size, columns, field_after)
    return _block_flowables(blocks, styles, marks, keep_headings=keep_headings)


def _block_flowables(blocks: Sequence[Block], styles: TextStyles, marks: Marks, *,
                     keep_headings: bool) -> list[Flowable]:
    maker = _FlowableMaker(styles, marks)
    out: list[Flowable] = []
    pending: list[Flowable] = []
    blocks = list(blocks)
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        leads_in = isinstance(block, Heading) or (
            isinstance(block, Paragraph) and isinstance(following, (ListBlock, Terms)))
        if leads_in:
            pending.extend(maker.visit(block))
            continue
        made = maker.visit(block)
        if isinstance(block, (Field, FieldRow)) and following is not None and \
                not isinstance(following, (Field, FieldRow)):
            made[-1].spaceAfter = marks.field_after  # the text that follows clears the last rule
        if pending:
            if not keep_headings:
                made = pending + made
            elif isinstance(made[0], Stack):  # a short list: the heading stays with two of its items
                made = [Stack(pending + made[0].flowables, head=len(pending)), *made[1:]]
            else:
                made = [KeepTogether(pending + made[:1]), *made[1:]]
            pending = []
        out.extend(made)
    out.extend(pending)
    return out
