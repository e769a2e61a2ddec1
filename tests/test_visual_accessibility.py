"""Colour contrast (WCAG 2 relative luminance) and type rules of the styles."""

from __future__ import annotations

from reportlab.lib.enums import TA_JUSTIFY

from handouts.layout import styles
from handouts.layout.fonts import stack_for
from handouts.layout.styles import TextSetting, text_styles


def luminance(color) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.red, color.green, color.blue
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_pass_wcag_contrast():
    assert contrast(styles.INK, styles.PAPER) >= 7  # body text: the 7:1 aim
    assert contrast(styles.INK, styles.TINT) >= 7  # text in information boxes
    assert contrast(styles.ACCENT, styles.PAPER) >= 7  # headings
    assert contrast(styles.ACCENT, styles.TINT) >= 4.5  # headings in information boxes
    assert contrast(styles.PAPER, styles.WARNING) >= 7  # white on the black warning band


def test_no_style_is_justified_or_italic():
    for locale in ("en", "ar", "hi"):
        setting = TextSetting(stack_for(locale), locale, locale == "ar")
        text = text_styles(setting, 12)
        for style in (text.body, text.lead, text.small, text.action, text.h1, text.h2, text.h3, text.item):
            assert style.alignment != TA_JUSTIFY
            assert "Italic" not in style.fontName and "Oblique" not in style.fontName


def test_english_overview_body_lines_hold_60_to_75_characters(built):
    """Measured with poppler on the printed page: full lines of body paragraphs."""
    import re
    import subprocess

    for paper in ("letter", "a4"):
        path = built[0] / "higm" / "en" / f"overview-{paper}.pdf"
        xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True).stdout
        lengths = []
        for block in re.findall(r"<block.*?</block>", xml, re.S):
            lines = [" ".join(re.findall(r">([^<]+)</word>", line)) for line in re.findall(r"<line.*?</line>", block, re.S)]
            if len(lines) >= 3 and any("B cells and T cells are white blood cells" in line for line in lines):
                lengths += [len(line) for line in lines[:-1]]  # the last line of a paragraph is short
        assert lengths, paper
        assert all(55 <= n <= 77 for n in lengths), (paper, lengths)
