"""Form fields a family can type into before printing (AcroForm text fields).

While drawing, the layout records each widget (``handouts.pdf.tags.Widget``): its
field name, label, pre-filled value, rectangle and the drawing operations of that
value. This pass, run with the structure pass, writes them with pikepdf:

- one text field per name, with every widget of that name as a kid: a value typed
  into one copy of the card shows in every copy on the sheet;
- ``/TU`` (the accessible name: the field's printed label) and ``/V`` (the value);
- an appearance stream per widget that draws the pre-filled value with the
  document's own embedded fonts, shaped as the page text is (viewers redraw it with
  ``/DA`` only when someone types);
- a widget turned 180 degrees (the fold-over sheet's inside faces) has its
  appearance turned with it (``/Matrix``, ``/MK /R``) so typed text prints upright
  on the folded card.

No ``/NeedAppearances``: every widget has its appearance, as PDF/UA-1 asks.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from handouts.pdf.tags import Widget

PRINT_FLAG = 4
TYPED_FONT = "/Helv"  # what viewers set typed text in (they substitute for scripts it lacks)
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def plain(text: str) -> str:
    """A value or label as a field holds it: no bidi controls, no no-break spaces."""
    return text.translate(_BIDI_CONTROLS).replace("\u00a0", " ").strip()


def add_fields(pdf: pikepdf.Pdf, widgets: list[Widget], pages: list[pikepdf.Object]) -> list[pikepdf.Object]:
    """Write the fields and widgets; returns the widget annotations, in the order of
    ``widgets`` (for the structure tree's OBJR references). ``pages``: the page
    dictionaries, in order.

    Each call into pikepdf costs a few microseconds; a card sheet has 40 widgets:
    the kids of each field and the annotations of each page are gathered here and set
    once, not appended one by one."""
    if not widgets:
        return []
    fields: dict[str, pikepdf.Object] = {}
    kids: dict[str, list[pikepdf.Object]] = {}
    on_page: dict[int, list[pikepdf.Object]] = {}
    resources: dict[int, pikepdf.Object] = {}
    annotations = []
    for widget in widgets:
        page = pages[widget.page]
        field = fields.get(widget.name)
        if field is None:
            entries = {"/FT": Name.Tx, "/T": String(widget.name), "/TU": String(plain(widget.label)),
                       "/DA": String(f"{TYPED_FONT} {widget.font_size:g} Tf 0 g"), "/Ff": 0}
            if widget.value:
                entries["/V"] = entries["/DV"] = String(plain(widget.value))
            if widget.rtl:
                entries["/Q"] = 2  # typed text starts at the right
            field = fields[widget.name] = pdf.make_indirect(Dictionary(entries))
            kids[widget.name] = []
        x1, y1, x2, y2 = widget.rect
        width, height = x2 - x1, y2 - y1
        if widget.page not in resources:
            resources[widget.page] = page.Resources
        appearance = pdf.make_stream(
            widget.appearance,
            Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, width, height]),
            Resources=resources[widget.page],
            **({"Matrix": Array([-1, 0, 0, -1, width, height])} if widget.rotated else {}),
        )
        annotation = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, Rect=Array([x1, y1, x2, y2]), P=page, F=PRINT_FLAG,
            Parent=field, AP=Dictionary(N=appearance),
            MK=Dictionary(R=180) if widget.rotated else Dictionary(),
        ))
        kids[widget.name].append(annotation)
        on_page.setdefault(widget.page, []).append(annotation)
        annotations.append(annotation)
    for name, field in fields.items():
        field.Kids = Array(kids[name])
    for index, added in on_page.items():
        page = pages[index]
        page.Annots = Array([*page.Annots, *added]) if "/Annots" in page else Array(added)
    helvetica = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                             Encoding=Name.WinAnsiEncoding))
    pdf.Root.AcroForm = Dictionary(
        Fields=Array(list(fields.values())), DA=String(f"{TYPED_FONT} 0 Tf 0 g"),
        DR=Dictionary(Font=Dictionary({TYPED_FONT: helvetica})),
    )
    return annotations
