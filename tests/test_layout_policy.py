"""The page layout policy: the same grid and type in every language, more pages rather
than smaller type, and the rules that keep a page readable (policy.yaml)."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from reportlab.lib.units import mm

from handouts.build import build
from handouts.document import Inline, Span, iter_section_spans
from handouts.layout import pages as pages_module
from handouts.layout.flowables import keep_last_words
from handouts.layout.fonts import stack_for
from handouts.layout.pages import layout_pages
from handouts.layout.paper import PdfInfo, RenderRequest
from handouts.layout.policy import policy
from handouts.layout.styles import TextSetting, text_styles
from handouts.layout.text import ShapedText
from handouts.settings import Settings
from tests.conftest import ALL_LOCALES, PROJECT, catalog_file, compose, pdf_path, replace_on_line, run_tool

PAGE_HANDOUTS = [name for name, spec in PROJECT.manifest.conditions["higm"].handouts.items() if spec.kind == "page"]


def lay_out(document, locale: str, paper: str = "letter", *, large_print: bool = False, pages: int | None = None,
            layout: dict | None = None):
    request = RenderRequest(stack_for(locale), paper, PdfInfo("", "", "", locale), None, pages=pages,
                            large_print=large_print, layout=layout or {})
    return layout_pages(document, request)


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_every_locale_has_the_same_grid_and_at_least_the_policys_body_size(locale):
    """Body 12 pt x the script's scale (18 pt in large print), the same margins on each
    paper in every language: never a smaller size to save a page."""
    rules = policy()
    stack = stack_for(locale)
    assert stack.scale >= 1
    for handout in PAGE_HANDOUTS:
        document = compose("higm", handout, locale)
        layout = dict(PROJECT.handout("higm", handout).layout)
        for paper in ("letter", "a4"):
            for large in (False, True):
                _, _, used = lay_out(document, locale, paper, large_print=large, layout=layout)
                nominal = rules.large_print.body if large else rules.standard.body
                assert used.body == pytest.approx(nominal * stack.scale), (handout, paper, large)
                assert used.body >= (18 if large else 12)
                grid = rules.grid(paper, large_print=large, overrides=layout)
                assert used.side_margin == pytest.approx(grid.side), (handout, paper)


def test_arabic_script_and_indic_text_is_set_larger_than_latin():
    for locale in ("ar", "fa", "ur", "hi", "bn"):
        assert 1.10 <= stack_for(locale).scale <= 1.15, locale
    for locale in ("en", "ru", "vi", "zh-Hans", "ko"):
        assert stack_for(locale).scale == 1, locale
    assert stack_for("vi").spacing > stack_for("en").spacing  # stacked diacritics
    assert stack_for("zh-Hant").spacing >= 1.5


def test_a_handout_may_set_its_body_size_in_the_manifest():
    document = compose("higm", "checklist", "ar")
    _, _, used = lay_out(document, "ar", layout={"body": 13})
    assert used.body == pytest.approx(13 * stack_for("ar").scale)


def test_large_print_marks_scale_with_the_text():
    stack = stack_for("en")
    standard, large = policy().sizes(stack), policy().sizes(stack, large_print=True)
    for mark in ("check_box", "warning_icon", "list_icon"):
        assert getattr(large, mark) / getattr(standard, mark) == pytest.approx(18 / 12), mark
    assert large.footer == large.body  # page numbers as large as the text
    assert standard.check_box == pytest.approx(5 * mm, abs=0.2 * mm)


def test_layout_is_one_pass(monkeypatch):
    """The page total of "Page 1 of 2" comes from a canvas that draws footers last: the
    document is laid out once, whatever its length."""
    calls = []
    original = pages_module.BaseDocTemplate.build

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pages_module.BaseDocTemplate, "build", counting)
    _, _, used = lay_out(compose("higm", "overview", "ar"), "ar", pages=2)
    assert used.pages >= 2 and len(calls) == 1


def test_a_text_too_long_for_its_pages_takes_another_page_and_the_check_warns(project_copy):
    es = catalog_file(project_copy, "es")
    line = replace_on_line(es, "    clothes:", '"', '"' + "Lave la ropa con agua caliente y séquela bien. " * 25)
    result = run_tool(sys.executable, "-m", "handouts", "build", "--locale", "es", "--handout", "checklist",
                      "--paper", "a4", "--no-large-print", cwd=project_copy)
    assert result.returncode == 0, result.stderr
    info = run_tool("pdfinfo", str(pdf_path(project_copy / "output", "higm", "es", "checklist"))).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
    check = run_tool(sys.executable, "-m", "handouts", "check", "--locale", "es", cwd=project_copy)
    assert check.returncode == 0, check.stdout  # a warning: it still prints
    strict = run_tool(sys.executable, "-m", "handouts", "check", "--strict", "--locale", "es", cwd=project_copy)
    assert strict.returncode == 1, strict.stdout
    assert re.search(rf"locales/es/higm.yaml:{line}: checklist.clothes: the checklist takes \d (Letter|A4) pages, "
                     r"\d+ more than the 2 it is designed for", check.stdout), check.stdout
    assert "error" not in check.stdout.split("\n")[0]


def test_a_long_warning_box_splits_across_pages_in_large_print(project_copy, tmp_path):
    """Boxes may split across pages: a warning box longer than a page no longer stops
    the build ("does not fit on None pages")."""
    es = catalog_file(project_copy, "es")
    replace_on_line(es, "er_breathing:", '"', '"' + "Le cuesta mucho respirar, incluso en reposo o al hablar. " * 30)
    result = run_tool(sys.executable, "-m", "handouts", "build", "--locale", "es", "--handout",
                      "overview-large-print", "--paper", "letter", cwd=project_copy)
    assert result.returncode == 0, result.stderr


def test_a_one_page_sheet_has_no_page_number_and_a_longer_one_counts_its_pages(tmp_path):
    written = build(PROJECT, tmp_path, settings=Settings(), locales=["en"], handouts=["checklist"],
                    papers=["letter"], editions=("standard", "large-print"), site=False).rendered
    for path, result in written:
        text = run_tool("pdftotext", str(path), "-").stdout
        pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(path)).stdout).group(1))
        if pages == 1:
            assert "Page 1 of 1" not in text and "Page" not in text, path.name
        else:
            assert f"Page {pages} of {pages}" in text, path.name
    assert {int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(p)).stdout).group(1)) for p, _ in written} \
        != {1}  # both cases were seen


def test_a_heading_never_ends_with_one_word_alone():
    content: Inline = (Span("What is Hyper-IgM syndrome?"),)
    assert keep_last_words(content)[0].text == "What is Hyper-IgM\u00a0syndrome?"
    assert keep_last_words((Span("Two words"),))[0].text == "Two words"  # a pair may break
    assert keep_last_words((Span("什麼是高IgM症候群？"),))[0].text == "什麼是高IgM症候\u2060群？"


def test_a_paragraph_splits_only_with_two_lines_on_each_side():
    setting = TextSetting(stack_for("ar"), "ar", True)
    style = text_styles(setting, 13.5).body
    text = ShapedText((Span("كلمة " * 60),), style, None, setting.stack, "ar", True)
    _, height = text.wrap(150, 1000)
    lines = round(height / style.leading)
    assert lines >= 5
    assert text.split(150, style.leading * 1.5) == []  # one line at the foot: an orphan
    first, second = text.split(150, style.leading * (lines - 1) + 1)
    assert first.line_count == lines - 2 and second.line_count == 2  # never one line alone at the head


@pytest.mark.parametrize("locale", ["en", "ar", "bn", "hi", "zh-Hant"])
def test_no_last_page_holds_only_the_small_print(locale, tmp_path):
    """The small print (sources and status) stays with content before it: the last page
    holds some of the handout's content (the last section, or the clinic's contacts)."""
    from handouts.settings import read_settings
    from tests.conftest import ROOT

    for settings in (Settings(), read_settings(ROOT / "handouts.example.yaml", PROJECT.manifest)):
        output = tmp_path / ("example" if settings.clinic else "none")
        written = build(PROJECT, output, settings=settings, locales=[locale], handouts=PAGE_HANDOUTS,
                        papers=["letter"], site=False).rendered
        _check_last_pages(written, locale, settings)


def _check_last_pages(written, locale: str, settings: Settings) -> None:
    for path, result in written:
        document = compose("higm", result.job.handout, locale, settings)
        # The content before the small print: the last headed section and the contacts.
        before = [s for s in document.flow if s.name != pages_module.SMALL_PRINT]
        texts = [span.text for span in iter_section_spans(before[-1])]
        words = [w.strip(".,:;!?()«»“”\"'।") for text in texts for w in unicodedata.normalize("NFKC", text).split()]
        words = [piece for w in words if len(w) >= 4 for piece in (
            [w] if len(w) < 12 else [w[i:i + 4] for i in range(0, len(w) - 3, 4)])]  # unspaced CJK: 4 characters
        pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(path)).stdout).group(1))
        final = unicodedata.normalize(
            "NFKC", run_tool("pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-").stdout)
        assert any(word in final for word in words) or len(words) == 0, (path.name, words[:5])


def test_every_locale_builds_on_letter_and_a4_with_the_example_settings(tmp_path, example_settings):
    """A clinic's own settings never fail the build: text that needs more room takes
    more pages."""
    written = build(PROJECT, tmp_path, settings=example_settings, papers=["letter", "a4"], site=False).rendered
    locales = {result.job.locale for _, result in written}
    assert locales == set(ALL_LOCALES)
    for path, result in written:
        spec = PROJECT.handout(result.job.condition, result.job.handout)
        if spec.kind == "page":
            pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", str(path)).stdout).group(1))
            assert pages >= (spec.pages or 1), path
