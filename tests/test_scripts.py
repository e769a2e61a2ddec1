"""World scripts: shaping, right to left, line breaking, fonts, locale formatting."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from handouts.document import Span
from handouts.formatting import format_temperatures, language_name
from handouts.layout.fonts import all_families, stack_for
from handouts.layout.styles import TextSetting, text_styles
from handouts.layout.text import ShapedText
from tests.conftest import ALL_LOCALES, run_tool
from tests.glyphs import drawn_lines

ROOT = Path(__file__).resolve().parent.parent


def render_paragraph(tmp_path: Path, text: str, lang: str, rtl: bool, width: float = 300) -> tuple[Path, ShapedText]:
    stack = stack_for(lang)
    styles = text_styles(TextSetting(stack, lang, rtl), 14)
    paragraph = ShapedText((Span(text),), styles.body, None, stack, lang, rtl)
    path = tmp_path / f"{lang}.pdf"
    canvas = Canvas(str(path), invariant=1, initialFontName=stack.regular_name)
    paragraph.wrap(width, 800)
    paragraph.drawOn(canvas, 100, 500)
    canvas.save()
    return path, paragraph


def extract(path: Path) -> str:
    text = run_tool("pdftotext", "-enc", "UTF-8", str(path), "-").stdout
    text = unicodedata.normalize("NFKC", text)
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def test_arabic_paragraph_with_number_and_latin_word_extracts_in_logical_order(tmp_path):
    text = "يحتاج المريض إلى IVIG كل 4 أسابيع ويتصل بالرقم 5550100"
    path, paragraph = render_paragraph(tmp_path, text, "ar", rtl=True, width=450)
    assert paragraph.line_count == 1
    extracted = " ".join(extract(path).split())
    # Tokens split at every change of script too: poppler puts the space around an
    # embedded left-to-right word on the wrong side ("IVIGكل").
    words = re.findall(r"[A-Za-z]+|[0-9]+|[^\W\d_A-Za-z]+", extracted)
    # Arabic words, the Latin term and the numbers come out in reading order.
    order = [words.index(w) for w in ("يحتاج", "المريض", "IVIG", "4", "أسابيع", "5550100")]
    assert order == sorted(order), extracted


def test_arabic_lines_break_in_logical_order_and_align_right(tmp_path):
    text = "أولا ثانيا ثالثا رابعا خامسا سادسا سابعا ثامنا تاسعا عاشرا " * 3
    path, paragraph = render_paragraph(tmp_path, text.strip(), "ar", rtl=True, width=200)
    assert paragraph.line_count >= 3
    lines = [line.split() for line in extract(path).splitlines() if line.strip()]
    assert lines[0][:3] == ["أولا", "ثانيا", "ثالثا"]  # the first line holds the first words
    bbox = run_tool("pdftotext", "-bbox", str(path), "-").stdout
    xmax = [float(m) for m in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert max(xmax) == pytest.approx(100 + 200, abs=1.5)  # flush with the right edge


def test_devanagari_conjuncts_extract_as_the_original_characters(tmp_path):
    text = "क्षत्रिय ज्ञान श्री कि की द्वार"
    path, _ = render_paragraph(tmp_path, text, "hi", rtl=False)
    assert " ".join(extract(path).split()) == text


def test_bengali_conjuncts_extract_as_the_original_characters(tmp_path):
    text = "ক্ষমা শ্রী কি কী জ্বর"
    path, _ = render_paragraph(tmp_path, text, "bn", rtl=False)
    assert " ".join(extract(path).split()) == text


def test_chinese_breaks_between_characters_but_not_before_closing_punctuation(tmp_path):
    text = "发烧时请立即去急诊室，并出示这张卡片。医生需要知道您的诊断（高IgM综合征）。" * 2
    _, paragraph = render_paragraph(tmp_path, text, "zh-Hans", rtl=False, width=150)
    assert paragraph.line_count > 2
    for start, end in paragraph._lines:
        line = paragraph.text[start:end].strip()
        assert line[0] not in "，。）：", line  # no line starts with closing punctuation


def test_korean_breaks_only_between_words(tmp_path):
    text = "열이 나거나 숨쉬기 어려우면 바로 응급실에 가세요. " * 3
    _, paragraph = render_paragraph(tmp_path, text.strip(), "ko", rtl=False, width=150)
    words = set(text.split())
    for start, end in paragraph._lines:
        for word in paragraph.text[start:end].split():
            assert word in words, word


def test_vietnamese_stacked_diacritics_are_single_precomposed_glyphs():
    stack = stack_for("vi")
    for char in "ằẳẵặẫệữỡợ":
        assert stack.font_for(char) == stack.primary.regular_name, char


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_every_locale_has_a_font_stack_whose_fonts_load(locale):
    stack = stack_for(locale)
    assert stack.families
    assert stack.font_for("I") and stack.font_for("0")  # IgM, IVIG and numbers print in every locale


def test_every_font_family_names_its_source_and_licence():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for family in all_families():
        assert family.licence and family.source
        assert family.source.split()[-1] in readme, f"{family.name}: licence not listed in README"


def test_fever_unit_order_follows_the_region():
    assert format_temperatures(__import__("decimal").Decimal("39.4"), 103, "en").strip("\u2066\u2068\u2069").startswith("103")
    assert format_temperatures(__import__("decimal").Decimal("39.4"), 103, "fr").strip("\u2066\u2068\u2069").startswith("39,4")


def test_language_names_in_their_own_script():
    assert language_name("ar") == "العربية"
    assert language_name("vi") == "Tiếng Việt"
    assert language_name("zh-Hant").startswith("中文")


def test_phone_numbers_in_arabic_text_stay_in_one_left_to_right_piece(project, example_settings, tmp_path):
    from handouts.build import build

    build(project, tmp_path, settings=example_settings, conditions=["higm"], locales=["ar"], handouts=["overview"],
          papers=["a4"], editions=("standard",))
    lines = [" ".join(w for _, _, w in line) for line in page_lines(tmp_path / "higm" / "ar" / "overview-a4.pdf")]
    for group in ("0100", "0142", "0199"):
        found = [line for line in lines if group in line]
        assert found, group
        for line in found:  # left to right on the page: "+1 555 010 0100", never "0100 010 555 +1"
            assert f"+1 555 010 {group}" in line, line


@pytest.mark.parametrize("locale", ["fa", "ur"])
def test_fever_threshold_stays_in_order_in_right_to_left_text(built, locale):
    """The default limit, 38°C (100.4°F), inside Persian or Urdu on the card's family side
    (the fever field): the number, its unit, then the bracket, in Persian digits in
    Persian (۳۸°C (۱۰۰٫۴°F)). The staff's side, in English, writes °F first."""
    bbox = run_tool("pdftotext", "-bbox", str(built[0] / "higm" / locale / "er-card-a4.pdf"), "-").stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', bbox)
    celsius, fahrenheit = ("۳۸", "۱۰۰٫۴") if locale == "fa" else ("38", "100.4")
    line = next(float(y) for x, y, w in words if fahrenheit in w and not w.lstrip("\u2068").startswith(fahrenheit))
    on_line = [w for _, w in sorted((float(x), w) for x, y, w in words if abs(float(y) - line) < 1)]
    joined = " ".join(on_line).replace("\u2068", "").replace("\u2069", "")
    assert re.search(rf"{celsius}\u200e?°C\s*\({re.escape(fahrenheit)}\u200e?°F\)", joined), joined


# ------------------------------------------------------- isolates in right-to-left text


@pytest.fixture(scope="module")
def rtl_built(tmp_path_factory):
    """The page handouts in the right-to-left languages, with the example clinic settings."""
    from handouts.build import build
    from handouts.settings import read_settings
    from tests.conftest import PROJECT

    output = tmp_path_factory.mktemp("rtl")
    settings = read_settings(ROOT / "handouts.example.yaml", PROJECT.manifest)
    build(PROJECT, output, settings=settings, locales=["ar", "fa", "ur"], handouts=["overview", "checklist"],
          papers=["letter"], site=False)
    return output


def page_lines(path) -> list[list[tuple[float, float, str]]]:
    """Each line of each page as (xMin, xMax, word) left to right on the page (pdftotext -bbox)."""
    bbox = run_tool("pdftotext", "-bbox", str(path), "-").stdout
    lines = []
    for page in re.findall(r"<page.*?</page>", bbox, re.S):
        rows: dict[int, list] = {}
        for x0, y0, x1, word in re.findall(
                r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)</word>', page):
            rows.setdefault(round(float(y0)), []).append((float(x0), float(x1), unicodedata.normalize("NFKC", word)))
        lines.extend(sorted(row) for _, row in sorted(rows.items()))
    return lines


@pytest.mark.parametrize("locale", ["ar", "fa", "ur"])
def test_left_to_right_pieces_keep_their_places_in_right_to_left_lines(rtl_built, locale):
    """The English source names keep their own order inside the right-to-left line, the
    publisher read first; a date's day stays beside its month; a temperature keeps its
    degree sign on one side; small print lines end flush right even when they begin with
    Latin text."""
    from handouts.layout.policy import policy

    overview = rtl_built / "higm" / locale / "overview-letter.pdf"
    lines = page_lines(overview)
    words = lambda line: [w for _, _, w in line]  # noqa: E731
    sources = next(line for line in lines if any("Cleveland" in w for w in words(line)) and
                   any("Hyper-IgM" in w for w in words(line)))
    text = " ".join(words(sources))
    extracted = run_tool("pdftotext", str(overview), "-").stdout
    assert not set(extracted) & set("\u2066\u2067\u2068\u2069\u2060"), "isolates leak into copied text"
    assert "Hyper-IgM Syndrome" in text and "Cleveland Clinic" in text, text  # left to right inside each name
    assert text.index("Syndrome") < text.index("Cleveland"), text  # the page title is read after the publisher
    months = {"ar": "نوفمبر", "fa": "نوامبر", "ur": "نومبر"}
    day, year = ("۲۵", "۲۰۲۶") if locale == "fa" else ("25", "2026")
    status = next(line for line in lines if any("handouts" in w for w in words(line)))
    names = words(status)
    # poppler writes a right-to-left word's letters in visual order: compare letter sets.
    month = next(i for i, w in enumerate(names) if set(months[locale]) <= set(w))
    assert names[month + 1].strip("،,") == day, names  # right of the month: read before it
    assert year in names[month - 1], names
    with pikepdf.open(overview) as pdf:  # the glyphs as drawn, left to right on the page
        for drawn in drawn_lines(pdf):
            glyphs = "".join(g.text for g in drawn.glyphs())
            sides = {"left" if re.match(r"[0-9۰-۹]", glyphs[i + 1:i + 2]) else "right"
                     for i, c in enumerate(glyphs) if c == "°"}
            assert len(sides) <= 1, glyphs  # "39.4°C (103°F)": the degree sign on one side of each number
            first, second = ("۳۹", "۱۰۳") if locale == "fa" else ("39", "103")
            if first in glyphs and second in glyphs:  # read first: rightmost in Arabic units, leftmost in Latin
                arabic_units = locale == "ar"
                assert (glyphs.index(first) > glyphs.index(second)) == arabic_units, glyphs
    right_edge = 612 - policy().grid("letter", large_print=True).side
    large = page_lines(rtl_built / "higm" / locale / "overview-large-print-letter.pdf")
    for line in large:
        if any("Cleveland" in w or "handouts" in w for w in words(line)):
            assert line[-1][1] == pytest.approx(right_edge, abs=1.5), words(line)
