"""Script runs and shaping by script run: fast checks, no full build."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import uharfbuzz as hb

from handouts.layout.fonts import stack_for
from handouts.layout.scripts import script_runs
from handouts.layout.text import visual_order
from tests import glyphs
from tests.test_scripts import render_paragraph


def runs(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], script) for start, end, script in script_runs(text)]


def test_a_latin_word_before_bengali_is_a_run_of_its_own():
    assert runs("HIgM বেশি") == [("HIgM ", "Latn"), ("বেশি", "Beng")]


def test_a_number_with_a_latin_unit_goes_with_the_unit_a_bare_number_with_what_follows():
    # "39.4°C": the C makes the measurement Latin; the space joins the run before it.
    assert runs("39.4°C কোনো") == [("39.4°C ", "Latn"), ("কোনো", "Beng")]
    # A number at the very start, before any letter, joins the first script after it.
    assert runs("39.4 কোনো") == [("39.4 কোনো", "Beng")]
    # In the middle of a text, a number stays with the script before it.
    assert runs("জ্বর 39.4 IgM") == [("জ্বর 39.4 ", "Beng"), ("IgM", "Latn")]


def test_bidi_controls_and_punctuation_join_their_neighbours():
    text = "\u206839.4°C (103°F)\u2069 বা তার বেশি জ্বর"
    assert runs(text) == [("\u206839.4°C (103°F)\u2069 ", "Latn"), ("বা তার বেশি জ্বর", "Beng")]
    assert runs("HIgM-এ।") == [("HIgM-", "Latn"), ("এ।", "Beng")]


def test_combining_marks_zwj_and_zwnj_keep_the_script_of_their_base():
    assert runs("IgM র\u200dয") == [("IgM ", "Latn"), ("র\u200dয", "Beng")]
    assert runs("IVIG مُهِمّ") == [("IVIG ", "Latn"), ("مُهِمّ", "Arab")]


def test_a_closing_bracket_goes_with_its_opening_bracket():
    assert runs("বেশি (IgM) বা") == [("বেশি (", "Beng"), ("IgM", "Latn"), (") বা", "Beng")]
    assert runs("发烧（高IgM）。") == [("发烧（高", "Hani"), ("IgM", "Latn"), ("）。", "Hani")]


def test_text_without_letters_is_one_common_run():
    assert runs("39.4 (103)") == [("39.4 (103)", "Zyyy")]
    assert runs("") == []


def test_visual_order_reverses_right_to_left_levels():
    assert visual_order([0, 0, 0]) == [0, 1, 2]
    assert visual_order([1, 1, 1]) == [2, 1, 0]
    assert visual_order([1, 2, 2, 1]) == [3, 1, 2, 0]  # a number inside Arabic text
    assert visual_order([0, 1, 1, 0]) == [0, 2, 1, 3]


def harfbuzz(text: str, font: glyphs.FontFile, **properties) -> list[glyphs.GlyphKey]:
    buffer = hb.Buffer()
    buffer.add_str(text)
    if properties:
        buffer.script, buffer.direction, buffer.language = properties["script"], "ltr", properties["lang"]
    else:
        buffer.guess_segment_properties()  # what ReportLab's shapeFragWord does
    hb.shape(glyphs.hb_font(font), buffer, glyphs.FEATURES)
    return [glyphs.original_key(font, info.codepoint) for info in buffer.glyph_infos]


@pytest.mark.parametrize("lang, latin, indic, script", [
    ("bn", "HIgM ", "বেশি কোনো প্রকার", "Beng"),
    ("hi", "HIgM ", "के लिए प्रकार", "Deva"),
])
def test_a_line_beginning_with_latin_draws_the_indic_part_shaped_as_indic(tmp_path: Path, lang, latin, indic, script):
    path, _ = render_paragraph(tmp_path, latin + indic, lang, rtl=False)
    with pikepdf.open(path) as pdf:
        (line,) = glyphs.drawn_lines(pdf)
    drawn = [glyph.key for glyph in line.glyphs()]
    font = glyphs.FontFile.of(stack_for(lang).primary.regular)
    latin_part = harfbuzz(latin, font, script="Latn", lang=lang)
    indic_part = harfbuzz(indic, font, script=script, lang=lang)
    assert drawn[:len(latin_part)] == latin_part
    assert drawn[len(latin_part):] == indic_part
    # What the old setter drew, shaping the line with a guessed script: Latin rules.
    assert harfbuzz(latin + indic, font) != drawn


def test_every_face_shapes_the_same_at_any_size():
    """Text is shaped once at one size and its advances scaled (``text.shape``): right
    only while HarfBuzz gives the same glyphs and positions in font units at any size
    (``ptem``; Apple's tracking table would change them). Each face of fonts.yaml, with
    text of its own characters and kerning on."""
    import uharfbuzz

    from handouts.layout.fonts import all_families
    from handouts.layout.text import FEATURES

    def shaped(face, text: str, ptem: float):
        font = uharfbuzz.Font(face)
        font.ptem = ptem
        buffer = uharfbuzz.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        uharfbuzz.shape(font, buffer, FEATURES)
        return [(i.codepoint, i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset)
                for i, p in zip(buffer.glyph_infos, buffer.glyph_positions)]

    files = {(f.locate(), f.index) for family in all_families() for f in (family.regular, family.bold)}
    for path, index in sorted(files):
        face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)), index)
        assert b"trak" not in [tag.encode() if isinstance(tag, str) else tag for tag in face.table_tags], path
        codes = sorted(code for code in face.unicodes if code > 0x20 and not 0xE000 <= code <= 0xF8FF)
        text = "".join(chr(code) for code in codes[:: max(1, len(codes) // 200)])
        assert len(text) >= 50
        assert shaped(face, text, 9.0) == shaped(face, text, 20.25) == shaped(face, text, 1000.0), path.name
