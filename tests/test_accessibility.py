"""Tagged PDF/UA-1: checked with page-validation, poppler and pikepdf on every built PDF."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from page import ValidationProfile, validate_pdf
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from handouts.build import build
from handouts.document import Callout, Field, FieldRow, Heading, ListBlock, Paragraph, Terms, plain_text
from handouts.pdfcheck import check_pdf, untagged_text
from tests.conftest import CONDITIONS, MATRIX, PROJECT, catalog_file, compose, handouts_of, pdf_path, run_tool


def built_pdfs(built):
    return [path for path, _ in built[1]]


def elements(pdf: pikepdf.Pdf):
    """The structure elements of a PDF, depth first, in reading order."""

    def walk(elem):
        yield elem
        kids = elem.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    yield from walk(kid)

    yield from walk(pdf.Root.StructTreeRoot.K)


def test_every_built_pdf_is_pdf_ua_1_compliant(built):
    failures = {}
    for path in built_pdfs(built):
        result = validate_pdf(str(path), profile=ValidationProfile.PDF_UA_1)
        if not result.is_compliant or result.rules.failed:
            failures[str(path)] = [f"{f.rule_id}: {f.message}" for f in result.failures]
        else:
            assert result.rules.passed == 104
    assert not failures, failures


def test_every_built_pdf_passes_the_projects_own_check(built):
    for path in built_pdfs(built):
        report = check_pdf(path)
        assert report.ok, (path, report.problems)


def test_an_untagged_pdf_fails(tmp_path):
    path = tmp_path / "untagged.pdf"
    canvas = Canvas(str(path), pagesize=LETTER)
    canvas.drawString(72, 700, "Go to the emergency room now.")
    canvas.save()
    report = check_pdf(path)
    assert not report.ok
    assert any("neither tagged nor artifacts" in p for p in report.problems)
    assert report.rules_failed > 0


def test_a_pdf_with_one_untagged_paragraph_fails(built, tmp_path):
    source = built[0] / "higm" / "en" / "checklist-letter.pdf"
    path = tmp_path / "one-untagged.pdf"
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        font = next(iter(page.Resources.Font.keys()))
        page.contents_add(pdf.make_stream(f"BT {font} 12 Tf 72 40 Td (Untagged words) Tj ET".encode()), prepend=False)
        pdf.save(path)
    assert untagged_text(path) == ["page 1: 1 text operations are neither tagged nor artifacts"]
    assert not check_pdf(path).ok
    assert check_pdf(source).ok


def test_check_pdf_command_reports_pass_and_fail(built, tmp_path):
    good = pdf_path(built[0], "higm", "es", "er-card")
    bad = tmp_path / "plain.pdf"
    canvas = Canvas(str(bad))
    canvas.drawString(72, 700, "hello")
    canvas.save()
    ok = run_tool(sys.executable, "-m", "handouts", "check-pdf", str(good))
    assert ok.returncode == 0 and "PASS" in ok.stdout
    failed = run_tool(sys.executable, "-m", "handouts", "check-pdf", str(good), str(bad))
    assert failed.returncode == 1 and "FAIL" in failed.stdout and "Traceback" not in failed.stderr


# ----------------------------------------------------------------- the structure tree


def expected_texts(document, card: bool = False) -> list[str]:
    """The texts a structure tree should hold, in reading order (as plan_structure).

    On a card sheet (duplex edition): only the notices of that sheet, the reference
    line's length after its label, and a named field's value in its form field (read
    from the field, not from the page)."""
    from handouts.layout.card import Languages, _length_text

    texts: list[str] = []

    def field_text(f) -> str:
        return plain_text(f.label) + ("" if card and f.name else plain_text(f.value))

    def walk(blocks):
        for block in blocks:
            if isinstance(block, (Heading, Paragraph)):
                texts.append(plain_text(block.content))
            elif isinstance(block, ListBlock):
                texts.extend(plain_text(item.content) for item in block.items)
            elif isinstance(block, Callout):
                walk(block.blocks)
            elif isinstance(block, FieldRow):
                texts.extend(field_text(f) for f in block.fields)
            elif isinstance(block, Field):
                texts.append(field_text(block))
            elif isinstance(block, Terms):
                texts.extend(plain_text(term.name) + plain_text(term.definition) for term in block.items)

    for section in document.sections:
        if card and section.editions and "duplex" not in section.editions:
            continue
        walk(section.blocks)
        if card and section.name == "ruler":
            lang = Languages(document, None, None).of_block(section.blocks[0]) or document.lang
            texts.append(_length_text(lang))
    return texts


def squash(text: str) -> str:
    """No white space, no invisible bidi isolates or word joiners: what is printed, in order."""
    return re.sub(r"[\s\u2060\u2066-\u2069]+", "", unicodedata.normalize("NFKC", text))


def struct_text(path: Path) -> str:
    result = run_tool("pdfinfo", "-struct-text", str(path))
    assert result.returncode == 0, result.stderr
    return "".join(re.findall(r'^\s*"(.*)"\s*$', result.stdout, re.M))


def actual_texts(path: Path) -> str:
    """The element /ActualText of a shaped-script PDF, in tree order (what a screen reader reads)."""
    out: list[str] = []

    def walk(elem):
        if "/ActualText" in elem:
            text = str(elem.ActualText)
            # A list's marker (a bullet, a number) is not document text; a term's label is.
            if str(elem.S) != "/Lbl" or any(c.isalpha() for c in text):
                out.append(text)
            return
        kids = elem.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    walk(kid)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot.K)
    return "".join(out)


@pytest.mark.parametrize("condition, handout", [(c, h) for c in CONDITIONS for h in handouts_of(c)])
def test_structure_tree_text_is_the_handout_text_in_source_order(built, condition, handout):
    """pdfinfo -struct-text, in tree order, equals the document's text in source order.

    Shaped scripts (Arabic, Persian, Urdu, Hindi, Bengali, Chinese, Korean) draw glyphs in
    visual or reordered order; their elements carry /ActualText with the logical text,
    which poppler does not print, so for them the ActualText is compared."""
    from handouts.layout.fonts import stack_for

    output = built[0]
    for locale in {tag for c, tag, h in MATRIX if (c, h) == (condition, handout)}:
        document = compose(condition, handout, locale)
        expected = squash("".join(expected_texts(document, card=PROJECT.handout(condition, handout).kind
                                                 == "wallet-card")))
        for paper in ("letter", "a4"):
            path = pdf_path(output, condition, locale, handout, paper)
            tree = struct_text(path)
            assert tree, f"{path}: no structure text"
            if stack_for(locale).engine == "shaped":
                got = squash(actual_texts(path))
            else:
                got = squash(tree)
            assert got == expected, f"{locale} {handout} {paper}"


def test_reading_aloud_through_the_structure_makes_sense(built, store):
    english = {**store.source("shared").messages, **store.source("higm").messages}
    text = run_tool("pdfinfo", "-struct-text", str(pdf_path(built[0], "higm", "en", "er-card", "letter"))).stdout
    quoted = re.findall(r'"(.*)"', text)
    assert quoted[0] == english["card.sheet_title"].text  # the sheet's title first
    cover = quoted.index(english["card.alert"].text)
    staff = quoted.index(english["card.staff_heading"].text)
    details = quoted.index(english["card.field_name"].text)
    assert cover < staff < details  # the card reads cover, inside, back
    assert quoted.count(english["card.alert"].text) == 1  # three printed copies, read once
    assert english["signs.er_breathing"].text in quoted and not any("Page" in q for q in quoted)
    assert english["er_card.staff_pjp"].text in quoted


def test_heading_levels_never_skip_and_lists_have_labels(built):
    for path in built_pdfs(built):
        with pikepdf.open(path) as pdf:
            roles = [str(elem.S) for elem in elements(pdf)]
            levels = [int(r[2:]) for r in roles if re.fullmatch(r"/H[1-6]", r)]
            assert levels[0] == 1, path
            for before, after in zip(levels, levels[1:]):
                assert after <= before + 1, (path, levels)
            assert roles.count("/LI") == roles.count("/Lbl") == roles.count("/LBody"), path
            for page in pdf.pages:
                assert page.obj.Tabs == "/S"
            assert str(pdf.Root.Lang) == path.parent.name
            assert pdf.Root.MarkInfo.Marked is True
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            meta = pdf.open_metadata()
            assert meta.get("pdfuaid:part") == "1" and meta.get("dc:title")


def test_check_boxes_are_labelled_in_the_handout_language(built):
    with pikepdf.open(pdf_path(built[0], "higm", "es", "checklist")) as pdf:
        alts = [str(e.Alt) for e in elements(pdf) if str(e.S) == "/Lbl" and "/Alt" in e]
    assert alts and set(alts) == {"casilla para marcar"}


def test_links_are_tagged_with_contents(project, example_settings, tmp_path):
    build(project, tmp_path, settings=example_settings, conditions=["higm"], locales=["en"], handouts=["overview"],
          papers=["letter"], editions=("standard",))
    path = pdf_path(tmp_path, "higm", "en", "overview", "letter")
    with pikepdf.open(path) as pdf:
        annots = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert annots
        for annot in annots:
            assert "/StructParent" in annot and str(annot.Contents)
    assert check_pdf(path).ok


def test_large_print_sets_body_text_at_18_pt_or_more(built):
    for path in built_pdfs(built):
        if "large-print" not in path.name:
            continue
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                depth_artifact = []
                for operands, operator in pikepdf.parse_content_stream(page):
                    op = str(operator)
                    if op in ("BDC", "BMC"):
                        depth_artifact.append(str(operands[0]) == "/Artifact")
                    elif op == "EMC" and depth_artifact:
                        depth_artifact.pop()
                    elif op == "Tf" and not any(depth_artifact):
                        assert float(operands[1]) >= 18, (path, float(operands[1]))


def test_words_at_line_breaks_stay_apart_in_the_structure_text(built):
    """ReportLab draws no space at a line break; a screen reader would hear "thestep"."""
    text = run_tool("pdfinfo", "-struct-text", str(pdf_path(built[0], "higm", "en", "checklist", "letter"))).stdout
    intro = next(q for q in re.findall(r'"(.*)"', text) if q.startswith("HIgM makes it"))
    assert intro == "HIgM makes it hard for your body to fight germs. These steps help keep germs away."  # checklist.intro


def test_an_english_passage_in_a_spanish_handout_carries_its_own_lang(project_copy):
    from tests.conftest import replace_on_line

    replace_on_line(catalog_file(project_copy, "es"), "    clothes:", '"Use ropa limpia y seca."', '""')
    result = run_tool(sys.executable, "-m", "handouts", "build", "--locale", "es", "--handout", "checklist",
                      "--paper", "a4", "--no-large-print", "--fallback-english", "--site", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    path = pdf_path(project_copy / "output", "higm", "es", "checklist")
    with pikepdf.open(path) as pdf:
        langs = {str(e.Lang) for e in elements(pdf) if "/Lang" in e}
        assert str(pdf.Root.Lang) == "es"
    assert langs == {"en"}
    assert check_pdf(path).ok
    html = (project_copy / "output" / "higm" / "es" / "checklist.html").read_text(encoding="utf-8")
    assert '<span lang="en">[EN] Wear clean, dry clothes.</span>' in html
