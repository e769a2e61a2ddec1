"""Every built PDF, checked with tools this project did not write (qpdf, poppler)."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from handouts.build import build, handout_editions, split_handout_name
from handouts.document import iter_section_spans
from handouts.settings import Settings
from tests.conftest import MATRIX, PROJECT, compose, pdf_path, run_tool, texts_of

PAPERS = ("letter", "a4")


def expected_pages(condition: str, name: str) -> tuple[int, int]:
    """The page counts a PDF may have: a duplex card sheet has two sides, the fold-over
    sheet one; a page handout takes the pages it is designed for (the manifest's
    ``pages``) or, when its text needs more room, more (never a smaller type): at most
    twice its design and a page; a large-print edition takes as many pages as it needs."""
    handout, edition = split_handout_name(name)
    spec = PROJECT.handout(condition, handout)
    if spec.kind == "wallet-card":
        return (1, 1) if edition == "foldover" else (2, 2)
    if edition == "large-print":
        return (2, 12)
    return (spec.pages or 1, 2 * (spec.pages or 6) + 1)


def footers(locale: str, condition: str = "higm") -> list[str]:
    """Every running footer a handout of ``locale`` may print ("Page 2 of 3"), longest first."""
    from handouts.formatting import format_number

    pattern = texts_of(condition, locale).get("common.page_number").text
    filled = [pattern.replace("{page}", format_number(page, locale)).replace("{pages}", format_number(pages, locale))
              for pages in range(2, 13) for page in range(1, pages + 1)]
    return sorted(filled, key=len, reverse=True)


def without_footers(text: str, locale: str) -> str:
    """Extracted text without the running footers: a paragraph that goes on over a page
    break has the footer of its first page in the middle of it."""
    for footer in footers(locale):
        text = text.replace(normalise(footer), " ")
    return re.sub(r"\s+", " ", text).strip()


def printed_spans(document, edition: str = "duplex"):
    """The spans a PDF of this edition prints: a notice for other sheets is not on it."""
    for section in document.sections:
        if section.editions and edition not in section.editions:
            continue
        yield from iter_section_spans(section)


def normalise(text: str) -> str:
    # NFKC: Arabic glyphs extract as presentation forms (U+FE70...), which fold to letters.
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2060]", "", text)  # bidi marks, word joiners
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text: str) -> str:
    """Text with all white space removed: line breaks in CJK text add spaces."""
    return re.sub(r"\s+", "", normalise(text))


def letters(text: str) -> str:
    """Only letters and digits, in order: what survives any extractor's bidi guesses.

    poppler rebuilds right-to-left lines from glyph positions and places neutral
    characters (brackets, full stops, degree signs) by its own heuristics, so for
    right-to-left text the order of letters and digits is what the test can hold."""
    return "".join(c for c in normalise(text) if c.isalnum() or unicodedata.category(c).startswith("M"))


def rtl_lines_letters(path: Path) -> str:
    """The right-to-left letters of a PDF read line by line from poppler's word boxes:
    in each of its blocks, words on one baseline, right to left, each word's characters
    (which poppler gives in visual order) reversed. poppler's own text output sometimes
    breaks a line at a mark drawn high above its letter (a shadda, a hamza) and puts the
    pieces out of order; the words' positions are right."""
    xml = run_tool("pdftotext", "-bbox-layout", str(path), "-").stdout
    out = []
    for block in re.findall(r"<block.*?</block>", xml, re.S):
        words = [(float(y), float(x), html.unescape(text)) for x, y, text in
                 re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', block)]
        words = [w for w in words if rtl_letters(w[2])]  # a mark alone, or left-to-right text
        lines: list[list[tuple[float, float, str]]] = []
        for word in sorted(words):
            if lines and abs(lines[-1][0][0] - word[0]) <= 1.5:
                lines[-1].append(word)
            else:
                lines.append([word])
        for line in lines:
            out.extend(text[::-1] for _, _, text in sorted(line, key=lambda w: -w[1]))
    return rtl_letters(" ".join(out))


def ligatures_of(*paths: Path) -> frozenset[str]:
    """The two right-to-left letters each ligature glyph of these PDFs stands for, as
    their fonts' ToUnicode maps say (one code to several characters, or to a presentation form of two)."""
    found = set()
    for path in paths:
        if not path.is_file():
            continue
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    if "/ToUnicode" not in font:
                        continue
                    cmap = font.ToUnicode.read_bytes().decode("latin-1")
                    for target in re.findall(r"<[0-9A-F]+> <([0-9A-F]{4,})>", cmap):
                        letters_of = rtl_letters(bytes.fromhex(target).decode("utf-16-be", "replace"))
                        if len(letters_of) == 2:
                            found.add(letters_of)
    return frozenset(found)


def contains_rtl(extracted: str, expected: str, ligatures: frozenset[str] = frozenset()) -> bool:
    """``expected`` occurs in ``extracted``, where any of the PDF's two-letter ligatures
    may come out reversed (poppler lays a ligature glyph's characters out left to right)."""

    @functools.lru_cache(maxsize=None)
    def match(i: int, j: int) -> bool:
        if i == len(expected):
            return True
        if j >= len(extracted):
            return False
        if expected[i] == extracted[j] and match(i + 1, j + 1):
            return True
        pair = expected[i:i + 2]
        return pair in ligatures and extracted[j:j + 2] == pair[::-1] and match(i + 2, j + 2)

    return any(match(0, j) for j in range(len(extracted) - len(expected) + 1))


def rtl_letters(text: str) -> str:
    """The right-to-left letters of a text, in order, without spaces or anything else.

    poppler rebuilds right-to-left lines from glyph positions and is unreliable about
    everything but the order of right-to-left letters: it moves neutral characters,
    splits or joins words at spaces, reorders the pieces of an embedded left-to-right
    run ("39.4°C (103°F)"), and lays the characters of one ligature glyph out left to
    right. So the order of right-to-left letters is checked strictly (each recorded
    ligature's pair in canonical order on both sides), and left-to-right pieces are
    checked to be present (see ltr_tokens)."""
    # Combining marks (tanween, shadda) are left out too: poppler sometimes puts a
    # mark that sits high above its letter on a line of its own.
    return "".join(c for c in normalise(text) if unicodedata.bidirectional(c) in ("R", "AL") and c.isalpha())


def ltr_tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", normalise(text))


def pdf_text(path) -> str:
    result = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert result.returncode == 0, result.stderr
    return normalise(result.stdout)


def test_build_writes_the_full_matrix(built):
    output, written = built
    expected = set()
    for condition, tag, handout in MATRIX:
        spec = PROJECT.handout(condition, handout)
        names = [handout if e == "standard" else f"{handout}-{e}" for e in handout_editions(spec)]
        expected |= {pdf_path(output, condition, tag, name, paper) for name in names for paper in PAPERS}
    assert {path for path, _ in written} == expected
    assert all(path.is_file() and path.stat().st_size > 1000 for path in expected)
    assert not list(output.rglob("*.tmp")), "temporary files were left behind"


def test_every_pdf_passes_qpdf_check(built):
    for path, _ in built[1]:
        result = run_tool("qpdf", "--check", str(path))
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"
        assert "No syntax or stream encoding errors" in result.stdout


def test_every_pdf_has_the_expected_page_count_and_size(built):
    for path, result in built[1]:
        info = run_tool("pdfinfo", str(path)).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        low, high = expected_pages(result.job.condition, result.job.name)
        assert low <= pages <= high, f"{path}: {pages} pages"
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
        width, height = float(size.group(1)), float(size.group(2))
        if result.job.paper == "letter":
            assert (round(width), round(height)) == (612, 792)
        else:
            assert (round(width), round(height)) == (595, 842)


def test_every_font_is_embedded_with_a_unicode_map(built):
    for path, _ in built[1]:
        lines = run_tool("pdffonts", str(path)).stdout.splitlines()[2:]
        assert lines, f"{path}: no fonts"
        for line in lines:
            columns = line.split()
            emb, sub, uni = columns[-5], columns[-4], columns[-3]
            assert (emb, uni) == ("yes", "yes"), f"{path}: {line}"
            assert "TrueType" in line, f"{path}: not a TrueType font: {line}"


@pytest.mark.parametrize("condition, locale, handout", MATRIX)
def test_pdf_text_contains_every_catalog_text_of_the_handout(built, condition, locale, handout):
    """Nothing lost, nothing clipped: each catalog text the handout uses is in the PDF."""
    output, _ = built
    document = compose(condition, handout, locale)
    keyed = [span for span in printed_spans(document) if span.key]
    assert keyed
    rtl = texts_of(condition, locale).direction == "rtl"
    for paper in PAPERS:
        text = without_footers(pdf_text(pdf_path(output, condition, locale, handout, paper)), locale)
        if rtl:
            # poppler may move a footer's numbers: its letters are left out in any case.
            footer_letters = rtl_letters(texts_of(condition, locale).get("common.page_number").text)
            extracted = rtl_letters(text).replace(footer_letters, "")
            by_lines = rtl_lines_letters(pdf_path(output, condition, locale, handout, paper)).replace(footer_letters, "")
            # poppler sometimes splits a right-to-left line that stands beside a left-to-right
            # column (the card's staff side) at a comma; the fold-over sheet prints the same faces.
            card = PROJECT.handout(condition, handout).kind == "wallet-card"
            foldover = pdf_path(output, condition, locale, f"{handout}-foldover", paper)
            other = rtl_letters(pdf_text(foldover)) if card else ""
            ligatures = ligatures_of(pdf_path(output, condition, locale, handout, paper), foldover)
            for span in keyed:
                where = f"{locale} {handout} {paper}: {span.key}: {span.text!r}"
                assert contains_rtl(extracted, rtl_letters(span.text), ligatures) or \
                    contains_rtl(by_lines, rtl_letters(span.text), ligatures) or (
                    span.key.split(".")[0] != "card" and contains_rtl(other, rtl_letters(span.text), ligatures)), where
                for token in ltr_tokens(span.text):
                    assert token in text, where
            continue
        squeezed = squeeze(text)
        for span in keyed:
            assert squeeze(span.text) in squeezed, f"{locale} {handout} {paper}: {span.key} missing: {span.text!r}"
            if not any("\u3000" <= c <= "\u9fff" for c in span.text):  # spaced scripts: words in order
                assert normalise(span.text) in text, f"{locale} {handout} {paper}: {span.key}: {span.text!r}"


def test_running_footer_counts_pages(built):
    output, _ = built
    path = pdf_path(output, "higm", "en", "overview", "letter")
    text = pdf_text(path)
    pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(path)).stdout).group(1))
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_pdf_metadata_names_title_and_language(built):
    output, _ = built
    info = run_tool("pdfinfo", str(pdf_path(output, "higm", "es", "checklist"))).stdout
    assert "Síndrome de hiper-IgM (HIgM): cómo prevenir infecciones" in info  # checklist.title
    import pikepdf

    with pikepdf.open(pdf_path(output, "higm", "es", "checklist")) as pdf:
        assert str(pdf.Root.Lang) == "es"


def test_building_twice_gives_identical_bytes(project, tmp_path):
    first = build(project, tmp_path / "a", settings=Settings(), locales=["es", "ar"]).rendered
    second = build(project, tmp_path / "b", settings=Settings(), locales=["es", "ar"]).rendered
    assert len(first) >= 20
    for (path_a, _), (path_b, _) in zip(first, second):
        assert path_a.read_bytes() == path_b.read_bytes(), path_a.name


def test_clinic_settings_print_on_the_handouts(project, example_settings, tmp_path):
    written = build(project, tmp_path, settings=example_settings, conditions=["higm"], locales=["en"],
                    papers=["letter"], editions=("standard",)).rendered
    assert len(written) == len(PROJECT.manifest.conditions["higm"].handouts)
    card = pdf_text(pdf_path(tmp_path, "higm", "en", "er-card", "letter"))
    assert "Pediatric Immunology" in card and "+1 555 010 0142" in card
    overview = pdf_text(pdf_path(tmp_path, "higm", "en", "overview", "letter"))
    assert "Riverside Children's Hospital" in overview
    assert "+1 555 010 0199" in overview and "https://example.org/immunology" in overview


def test_every_handout_names_source_disclaimer_and_status(built):
    output, _ = built
    for locale, status in (("en", "This is the English source text."), ("es", "Aún no revisada")):
        for handout in PROJECT.manifest.conditions["higm"].handouts:
            text = pdf_text(pdf_path(output, "higm", locale, handout, "letter"))
            assert "Cleveland Clinic" in text
            assert status in text, f"{locale} {handout}"
    assert "October 19, 2025" in pdf_text(pdf_path(output, "higm", "en", "overview", "letter"))
    assert "19 de octubre de 2025" in pdf_text(pdf_path(output, "higm", "es", "overview", "letter"))
