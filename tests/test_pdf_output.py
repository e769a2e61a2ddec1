"""Every built PDF, checked with tools this project did not write (qpdf, poppler)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from handouts.build import Project, build
from handouts.compose import HANDOUTS, Composer
from handouts.document import iter_spans
from handouts.settings import Settings
from tests.conftest import run_tool

LOCALES = ("en", "es")
PAPERS = ("letter", "a4")
PAGE_LIMITS = {"overview": (1, 2), "checklist": (1, 1), "er-card": (2, 2)}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path) -> str:
    result = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert result.returncode == 0, result.stderr
    return normalise(result.stdout)


def test_build_writes_the_full_matrix(built):
    output, written = built
    expected = {output / loc / f"{h}-{p}.pdf" for loc in LOCALES for h in HANDOUTS for p in PAPERS}
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
        low, high = PAGE_LIMITS[result.job.handout]
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


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("handout", HANDOUTS)
def test_pdf_text_contains_every_catalog_text_of_the_handout(built, project, catalogs, locale, handout):
    """Nothing lost, nothing clipped: each catalog text the handout uses is in the PDF."""
    output, _ = built
    document = Composer(project.templates_dir, Settings()).compose(handout, catalogs[locale], catalogs["en"])
    for paper in PAPERS:
        text = pdf_text(output / locale / f"{handout}-{paper}.pdf")
        keyed = [span for span in iter_spans(document) if span.key]
        assert keyed
        for span in keyed:
            assert normalise(span.text) in text, f"{locale} {handout} {paper}: {span.key} missing: {span.text!r}"


def test_running_footer_counts_pages(built):
    output, _ = built
    text = pdf_text(output / "en" / "overview-letter.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(output / "en" / "overview-letter.pdf")).stdout).group(1))
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_pdf_metadata_names_title_and_language(built):
    output, _ = built
    info = run_tool("pdfinfo", str(output / "es" / "checklist-a4.pdf")).stdout
    assert "Prevenga infecciones" in info
    import pikepdf

    with pikepdf.open(output / "es" / "checklist-a4.pdf") as pdf:
        assert str(pdf.Root.Lang) == "es"


def test_building_twice_gives_identical_bytes(project, tmp_path):
    first = build(project, tmp_path / "a", settings=Settings(), locales=["es"])
    second = build(project, tmp_path / "b", settings=Settings(), locales=["es"])
    assert len(first) == 6
    for (path_a, _), (path_b, _) in zip(first, second):
        assert path_a.read_bytes() == path_b.read_bytes(), path_a.name


def test_clinic_settings_print_on_the_handouts(project, example_settings, tmp_path):
    written = build(project, tmp_path, settings=example_settings, locales=["en"], papers=["letter"])
    assert len(written) == 3
    card = pdf_text(tmp_path / "en" / "er-card-letter.pdf")
    assert "Pediatric Immunology" in card and "+1 555 010 0142" in card
    overview = pdf_text(tmp_path / "en" / "overview-letter.pdf")
    assert "Riverside Children's Hospital" in overview
    assert "+1 555 010 0199" in overview and "https://example.org/immunology" in overview


def test_every_handout_names_source_disclaimer_and_status(built):
    output, _ = built
    for locale, status in (("en", "This is the English source text."), ("es", "Aún no ha sido revisada")):
        for handout in HANDOUTS:
            text = pdf_text(output / locale / f"{handout}-letter.pdf")
            assert "Cleveland Clinic Health Library" in text
            assert status in text, f"{locale} {handout}"
    assert "October 19, 2025" in pdf_text(output / "en" / "overview-letter.pdf")
    assert "19 de octubre de 2025" in pdf_text(output / "es" / "overview-letter.pdf")
