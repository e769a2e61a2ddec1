"""Form fields a family can type into before printing (AcroForm text fields).

While drawing, the layout records each widget (``handouts.pdf.tags.Widget``): its
field name, label, pre-filled value, rectangle and the drawing operations of that
value. This pass, run with the structure pass, adds them to the drawn document:

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

from reportlab.pdfbase import pdfdoc

from handouts.pdf.tags import Widget
from handouts.pdf.writer import DictObject, DrawnPDF, RawObject, name, number_text, ref, stream, text_string

PRINT_FLAG = 4
TYPED_FONT = "Helv"  # what viewers set typed text in (they substitute for scripts it lacks)
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def plain(text: str) -> str:
    """A value or label as a field holds it: no bidi controls, no no-break spaces."""
    return text.translate(_BIDI_CONTROLS).replace("\u00a0", " ").strip()


def add_fields(pdf: DrawnPDF, widgets: list[Widget]) -> list[DictObject]:
    """Write the fields and widgets; returns the widget annotations, in the order of
    ``widgets`` (the structure pass adds each one's /StructParent and refers to it)."""
    if not widgets:
        return []
    document = pdf.document
    pages = pdf.pages
    fields: dict[str, DictObject] = {}
    kids: dict[str, list[bytes]] = {}
    annotations = []
    for widget in widgets:
        field = fields.get(widget.name)
        if field is None:
            entries = [b"/FT /Tx", b"/T " + text_string(widget.name), b"/TU " + text_string(plain(widget.label)),
                       b"/DA " + text_string(f"/{TYPED_FONT} {widget.font_size:g} Tf 0 g"), b"/Ff 0"]
            if widget.value:
                value = text_string(plain(widget.value))
                entries += [b"/V " + value, b"/DV " + value]
            if widget.rtl:
                entries.append(b"/Q 2")  # typed text starts at the right
            field = fields[widget.name] = DictObject(entries)
            kids[widget.name] = []
        page = pages[widget.page]
        x1, y1, x2, y2 = widget.rect
        annotation = DictObject([
            b"/Type /Annot /Subtype /Widget",
            b"/Rect [%s]" % b" ".join(number_text(v) for v in (x1, y1, x2, y2)),
            b"/P " + ref(pdf.number(page)), b"/F %d" % PRINT_FLAG, b"/Parent " + ref(pdf.number(field)),
            b"/MK << /R 180 >>" if widget.rotated else b"/MK << >>",
        ])
        kids[widget.name].append(ref(pdf.number(annotation)))
        if page.Annots is None:
            page.Annots = []
        page.Annots.append(document.Reference(annotation))
        annotations.append(annotation)
    # The appearances use the page's resources, which ReportLab makes with the page's
    # other entries (its annotations among them, all added above).
    for widget, annotation in zip(widgets, annotations):
        x1, y1, x2, y2 = widget.rect
        width, height = number_text(x2 - x1), number_text(y2 - y1)
        appearance = pdf.add(stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %s%s" % (
                width, height, _resources(pdf, pdf.pages[widget.page]),
                b" /Matrix [-1 0 0 -1 %s %s]" % (width, height) if widget.rotated else b""),
            widget.appearance))
        annotation.entries.append(b"/AP << /N %s >>" % ref(appearance))
    for field_name, field in fields.items():
        field.entries.append(b"/Kids [" + b" ".join(kids[field_name]) + b"]")
    helvetica = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    document.Catalog.AcroForm = RawObject(
        b"<< /Fields [%s] /DA %s /DR << /Font << %s %s >> >> >>" % (
            b" ".join(ref(pdf.number(f)) for f in fields.values()), text_string(f"/{TYPED_FONT} 0 Tf 0 g"),
            name(TYPED_FONT), ref(helvetica)))
    return annotations


def _resources(pdf: DrawnPDF, page) -> bytes:
    """The page's resources (its fonts and colours), for an appearance drawn with them."""
    kept = getattr(page, "_handouts_resources", None)
    if kept is None:
        pdfdoc.PDFPage.check_format(page, pdf.document)  # what ReportLab does as it writes the page
        kept = page._handouts_resources = pdfdoc.format(page.Resources, pdf.document)
    return kept
