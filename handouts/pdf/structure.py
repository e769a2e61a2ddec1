"""The post-pass that makes a ReportLab PDF a tagged PDF/UA-1 document.

ReportLab has no tagging API. While drawing, ``handouts.pdf.tags`` recorded which
marked content (page, MCID) and which link annotation belongs to which structure node.
This pass writes, with pikepdf: the structure tree and its ParentTree, /StructParents
and /Tabs /S on every page, /StructParent and /Contents on links, the form fields and
their widgets (``handouts.pdf.forms``, each widget an OBJR in a Form element of its own),
/MarkInfo, the document language, /DisplayDocTitle, and XMP metadata with dc:title and
pdfuaid:part.
"""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from handouts.pdf.forms import add_fields
from handouts.pdf.tags import AnnotRef, MarkedRef, Node, Tagger, WidgetRef

PRINT_FLAG = 4


def _link_contents(annotation: pikepdf.Dictionary) -> str:
    uri = str(annotation.get("/A", {}).get("/URI", "")) if "/A" in annotation else ""
    if uri.startswith("tel:"):
        return uri[4:]
    return uri or "link"


_XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="pikepdf">\n'
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
    """The XMP packet PDF/UA asks for (dc:title, dc:language, pdf:Producer, pdfuaid:part),
    as pikepdf's metadata editor writes it, without its XML round trip (a millisecond a PDF)."""
    return _XMP.format(title=escape(title), lang=escape(lang), producer=escape(producer)).encode("utf-8")


@lru_cache(maxsize=None)
def _role(role: str) -> Name:
    return Name("/" + role)


def apply_structure(pdf_bytes: bytes, tagger: Tagger, *, title: str) -> bytes:
    """Return ``pdf_bytes`` with the structure tree the tagger recorded."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    pages = [page.obj for page in pdf.pages]
    widgets = add_fields(pdf, tagger.widgets, pages)
    page_parents: dict[int, dict[int, pikepdf.Object]] = {i: {} for i in range(len(pages))}
    annotation_parents: list[pikepdf.Object] = []
    struct_elem = Name.StructElem

    def element(node: Node, parent: pikepdf.Object) -> pikepdf.Object:
        # Each element is made in one call to pikepdf, its kids set in a second: the
        # calls, not the objects, are what the pass spends its time on.
        first_page = next((k.page if not isinstance(k, WidgetRef) else tagger.widgets[k.index].page
                           for k in node.kids if isinstance(k, (MarkedRef, AnnotRef, WidgetRef))), None)
        entries = {"/Type": struct_elem, "/S": _role(node.role), "/P": parent}
        if first_page is not None:
            entries["/Pg"] = pages[first_page]
        if node.alt:
            entries["/Alt"] = String(node.alt)
        actual_text = node.actual_text or " ".join(node.logical.values())
        if actual_text:
            entries["/ActualText"] = String(actual_text)
        if node.lang:
            entries["/Lang"] = String(node.lang)
        elem = pdf.make_indirect(Dictionary(entries))
        kids: list = []
        for kid in node.kids:
            if isinstance(kid, Node):
                if kid.has_content():
                    kids.append(element(kid, elem))
            elif isinstance(kid, MarkedRef):
                # On the element's own page (/Pg) a marked-content sequence is its MCID
                # alone; on another page, a marked-content reference naming the page.
                kids.append(kid.mcid if kid.page == first_page else
                            Dictionary(Type=Name.MCR, Pg=pages[kid.page], MCID=kid.mcid))
                page_parents[kid.page][kid.mcid] = elem
            elif isinstance(kid, AnnotRef):
                annotation = pages[kid.page].Annots[kid.index]
                annotation.StructParent = len(pages) + len(annotation_parents)
                annotation.Contents = String(_link_contents(annotation))
                annotation.F = PRINT_FLAG
                annotation_parents.append(elem)
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=pages[kid.page]))
            elif isinstance(kid, WidgetRef):  # a form field's widget, in a Form element of its own
                annotation = widgets[kid.index]
                annotation.StructParent = len(pages) + len(annotation_parents)
                annotation_parents.append(elem)
                page = tagger.widgets[kid.index].page
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=pages[page]))
        elem.K = Array(kids)
        return elem

    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = element(tagger.root, tree_root)
    nums = Array()
    for index in range(len(pages)):
        parents = page_parents[index]
        nums.append(index)
        nums.append(pdf.make_indirect(Array([parents[mcid] for mcid in range(len(parents))])))
    for offset, elem in enumerate(annotation_parents):
        nums.append(len(pages) + offset)
        nums.append(elem)
    tree_root.K = document
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = len(pages) + len(annotation_parents)

    for index, page in enumerate(pdf.pages):
        page.obj.StructParents = index
        page.obj.Tabs = Name.S

    catalog = pdf.Root
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.Lang = String(tagger.lang)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    pdf.docinfo[Name.Title] = String(title)
    pdf.Root.Metadata = pdf.make_stream(_xmp(title, tagger.lang, str(pdf.docinfo.get("/Producer", "handouts"))),
                                        Type=Name.Metadata, Subtype=Name.XML)
    out = io.BytesIO()
    # The layout writes its page streams uncompressed (``pageCompression=0``): they are
    # compressed here, once. Font files come compressed (``rl_patches``: a subset used
    # again is not compressed again) and are kept as they are, not inflated and deflated
    # again. Object streams (PDF 1.5) hold the structure tree's thousands of small
    # dictionaries compressed: files a quarter smaller. The /ID is a hash of the
    # content, so the same input gives the same bytes.
    # The XMP above has no pdf:PDFVersion to correct: pikepdf would parse it to look.
    pdf.save(out, deterministic_id=True, compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
    return out.getvalue()
