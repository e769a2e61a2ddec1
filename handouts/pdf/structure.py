"""The pass that makes a drawn ReportLab document a tagged PDF/UA-1 document.

ReportLab has no tagging API. While drawing, ``handouts.pdf.tags`` recorded which
marked content (page, MCID) and which link annotation belongs to which structure node.
This pass adds to the drawn document (``handouts.pdf.writer.DrawnPDF``), before it is
written: the structure tree and its ParentTree, /StructParents and /Tabs /S on every
page, /StructParent, /Contents and the print flag on links, the form fields and their
widgets (``handouts.pdf.forms``, each widget an OBJR in a Form element of its own),
/MarkInfo, the document language, /DisplayDocTitle, and XMP metadata with dc:title and
pdfuaid:part. Then ``handouts.pdf.writer`` writes the file.

The objects are formatted here as bytes, not built as ReportLab objects: a handout's
tree has hundreds of elements, and formatting is all they need.
"""

from __future__ import annotations

from html import escape

from reportlab.pdfbase.pdfdoc import PDFName, PDFPage

from handouts.pdf.forms import PRINT_FLAG, add_fields
from handouts.pdf.tags import AnnotRef, MarkedRef, Node, Tagger, WidgetRef
from handouts.pdf.writer import DrawnPDF, RawObject, name, ref, stream, text_string, write

_PAGE_ENTRIES = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def _link_contents(annotation) -> str:
    action = annotation.dict.get("A")
    uri = action.dict.get("URI") if action is not None else None
    uri = str(uri.s) if uri is not None else ""
    if uri.startswith("tel:"):
        return uri[4:]
    return uri or "link"


_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="handouts">\n'
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    ' <rdf:Description rdf:about="">'
    '<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li>'
    '</rdf:Alt></dc:title>'
    '<dc:language xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>'
    '<pdf:Producer xmlns:pdf="http://ns.adobe.com/pdf/1.3/">{producer}</pdf:Producer>'
    '<pdfuaid:part xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">1</pdfuaid:part>'
    '</rdf:Description></rdf:RDF>\n'
    '</x:xmpmeta>\n\n'
    '<?xpacket end="w"?>\n'
)


def _xmp(title: str, lang: str, producer: str) -> bytes:
    """The XMP packet PDF/UA asks for: dc:title, dc:language, pdf:Producer, pdfuaid:part."""
    return _XMP.format(title=escape(title, quote=False), lang=escape(lang, quote=False),
                       producer=escape(producer, quote=False)).encode("utf-8")


def apply_structure(pdf: DrawnPDF, tagger: Tagger, *, title: str) -> bytes:
    """The PDF's bytes, with the structure tree the tagger recorded."""
    document = pdf.document
    pages = pdf.pages
    page_refs = [ref(pdf.number(page)) for page in pages]
    links_on = [list(page.Annots or ()) for page in pages]  # the links drawn, before the widgets join them
    widgets = add_fields(pdf, tagger.widgets)
    page_parents: list[dict[int, bytes]] = [{} for _ in pages]
    annotation_parents: list[bytes] = []
    objects = document.idToObject

    def element(node: Node, parent: bytes) -> bytes:
        first_page = next((k.page if not isinstance(k, WidgetRef) else tagger.widgets[k.index].page
                           for k in node.kids if isinstance(k, (MarkedRef, AnnotRef, WidgetRef))), None)
        obj = RawObject()
        own = ref(pdf.number(obj))
        entries = [b"/Type /StructElem /S " + name(node.role) + b" /P " + parent]
        if first_page is not None:
            entries.append(b"/Pg " + page_refs[first_page])
        if node.alt:
            entries.append(b"/Alt " + text_string(node.alt))
        actual_text = node.actual_text or " ".join(node.logical.values())
        if actual_text:
            entries.append(b"/ActualText " + text_string(actual_text))
        if node.lang:
            entries.append(b"/Lang " + text_string(node.lang))
        kids: list[bytes] = []
        for kid in node.kids:
            if isinstance(kid, Node):
                if kid.has_content():
                    kids.append(element(kid, own))
            elif isinstance(kid, MarkedRef):
                # On the element's own page (/Pg) a marked-content sequence is its MCID
                # alone; on another page, a marked-content reference naming the page.
                kids.append(b"%d" % kid.mcid if kid.page == first_page else
                            b"<< /Type /MCR /Pg %s /MCID %d >>" % (page_refs[kid.page], kid.mcid))
                page_parents[kid.page][kid.mcid] = own
            elif isinstance(kid, AnnotRef):
                reference = links_on[kid.page][kid.index]
                annotation = objects[reference.name]
                annotation["StructParent"] = len(pages) + len(annotation_parents)
                annotation["Contents"] = text_string(_link_contents(annotation))
                annotation["F"] = PRINT_FLAG
                annotation_parents.append(own)
                kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>" % (ref(pdf.number_of(reference.name)),
                                                                    page_refs[kid.page]))
            elif isinstance(kid, WidgetRef):  # a form field's widget, in a Form element of its own
                annotation = widgets[kid.index]
                annotation.entries.append(b"/StructParent %d" % (len(pages) + len(annotation_parents)))
                annotation_parents.append(own)
                page = tagger.widgets[kid.index].page
                kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>" % (ref(pdf.number(annotation)), page_refs[page]))
        entries.append(b"/K [" + b" ".join(kids) + b"]")
        obj.body = b"<< " + b" ".join(entries) + b" >>"
        return own

    tree_root = RawObject()
    root_ref = ref(pdf.number(tree_root))
    top = element(tagger.root, root_ref)
    nums = []
    for index, parents in enumerate(page_parents):
        kept = pdf.add(b"[" + b" ".join(parents[mcid] for mcid in range(len(parents))) + b"]")
        nums.append(b"%d %s" % (index, ref(kept)))
    for offset, parent in enumerate(annotation_parents):
        nums.append(b"%d %s" % (len(pages) + offset, parent))
    parent_tree = pdf.add(b"<< /Nums [" + b" ".join(nums) + b"] >>")
    tree_root.body = b"<< /Type /StructTreeRoot /K %s /ParentTree %s /ParentTreeNextKey %d >>" % (
        top, ref(parent_tree), len(pages) + len(annotation_parents))

    for index, page in enumerate(pages):
        page.__NoDefault__ = _PAGE_ENTRIES  # ReportLab writes the entries named here
        page.StructParents = index
        page.Tabs = PDFName("S")

    catalog = document.Catalog
    catalog.StructTreeRoot = tree_root
    # Bytes are written as they are: these dictionaries stay in the catalog itself.
    catalog.MarkInfo = b"<< /Marked true >>"
    catalog.Lang = text_string(tagger.lang)
    catalog.ViewerPreferences = b"<< /DisplayDocTitle true >>"
    document.info.title = title
    catalog.Metadata = RawObject(stream(b"/Type /Metadata /Subtype /XML",
                                        _xmp(title, tagger.lang, document.info.producer), compress=False))
    return write(pdf)
