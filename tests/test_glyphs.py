"""Every line of every built PDF draws the glyphs HarfBuzz gives its text, run by run.

This is the test that would have caught Bengali and Hindi lines beginning with Latin
text ("HIgM", "39.4°C") being shaped as Latin: their /ActualText was right, so text
extraction passed, but the glyphs were not. ``tests/glyphs.py`` reads the glyphs back
from each PDF's content streams and embedded font subsets and compares them with an
independent shaping of the line's logical text (see its docstring):

* Indic, Chinese and Korean lines: the logical text is the line's /ActualText;
* right-to-left lines (Arabic, Persian, Urdu) carry no /ActualText (poppler would lay
  it out left to right): their text is found in the document's own texts (the
  structure tree's /ActualText, the running footer from the catalog) as the
  word-aligned piece with the same letters as the drawn glyphs' ToUnicode text, and
  ordered with the bidi levels of its whole paragraph;
* Latin, Cyrillic and Vietnamese lines set by ReportLab's paragraphs: the text is the
  ToUnicode text of the glyphs (these lines are left to right and drawn character by
  character through the font's cmap), and HarfBuzz with optional ligatures off must
  give exactly the same glyphs, which holds as no feature of these fonts but kerning
  applies to them.
"""

from __future__ import annotations

import pytest

from handouts.formatting import format_number
from tests.conftest import texts_of
from tests.glyphs import check_pdf

MAX_PAGES = 12  # the most pages a handout has (test_pdf_output.expected_pages)


@pytest.mark.full
def test_every_line_draws_the_glyphs_harfbuzz_gives_its_text_run_by_run(built):
    checked = 0
    failures: list[str] = []
    for path, result in built[1]:
        locale = result.job.locale
        texts = texts_of(result.job.condition, locale)
        footer = texts.get("common.page_number").text
        footers = tuple(
            footer.replace("{page}", format_number(page, locale)).replace("{pages}", format_number(pages, locale))
            for pages in range(1, MAX_PAGES + 1) for page in range(1, pages + 1)
        )
        outcome = check_pdf(path, locale, texts.direction == "rtl", footers)
        checked += outcome.checked
        failures.extend(f"{locale}/{message}" for message in outcome.failures)
    assert checked > 10000, checked  # every line of 160 PDFs
    assert not failures, f"{len(failures)} of {checked} lines drawn with other glyphs:\n" + "\n".join(failures[:10])
