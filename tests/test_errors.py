"""Broken input gets one clear line (file, line, key), exit 1, no traceback, no output."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from handouts.catalog import read_catalog

from tests.conftest import catalog_file, replace_on_line, run_tool


def handouts_cli(project_dir: Path, *args: str):
    return run_tool(sys.executable, "-m", "handouts", *args, cwd=project_dir)


def assert_clean_failure(result, output: Path, *expected: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("[")]  # progress
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handouts: error: ")
    for fragment in expected:
        assert fragment in lines[0], lines[0]
    assert not output.exists() or not any(output.rglob("*")), "a failed build left files behind"
    return lines[0]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


def test_broken_yaml_names_file_and_line(project_copy):
    es = catalog_file(project_copy, "es")
    replace_in(es, '    er_breathing: "Respiración rápida o difícil, o labios azules"', '    er_breathing: "x"\n  oops: [')
    output = project_copy / "output"
    line = assert_clean_failure(handouts_cli(project_copy, "build"), output, "locales/es/higm.yaml:", "invalid YAML")
    assert re.search(r"locales/es/higm\.yaml:\d+", line)


def test_missing_key_names_file_and_key(project_copy):
    es = catalog_file(project_copy, "es")
    text = es.read_text(encoding="utf-8")
    es.write_text(re.sub(r"\n    er_chest: .*\n", "\n", text, count=1), encoding="utf-8")
    assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output",
        "locales/es/higm.yaml", "signs.er_chest", "missing key", "locales/en/higm.yaml:",
    )


def test_unknown_placeholder_names_file_line_and_key(project_copy):
    es = catalog_file(project_copy, "es")
    line = line_of(es, "fever_means: ")
    replace_on_line(es, "fever_means: ", "{fever}", "{temp}")
    assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output",
        f"locales/es/higm.yaml:{line}", "signs.fever_means", "unknown placeholder {temp}",
    )


def test_broken_placeholder_is_reported(project_copy):
    es = catalog_file(project_copy, "es")
    line = line_of(es, "fever_means: ")
    replace_on_line(es, "fever_means: ", "{fever}", "{fever")
    assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output",
        f"locales/es/higm.yaml:{line}", "signs.fever_means", "broken placeholder",
    )


def test_unknown_placeholder_in_the_source_is_reported(project_copy):
    en = catalog_file(project_copy, "en")
    replace_on_line(en, "fever_means: ", "{fever}", "{fever_c}")
    assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output", "locales/en/higm.yaml", "signs.fever_means",
        "{fever_c}"
    )


def test_key_used_by_a_template_but_missing_everywhere(project_copy):
    template = project_copy / "templates" / "higm" / "checklist.xml.j2"
    replace_in(template, 't("checklist.intro")', 't("checklist.introduction")')
    line = assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output",
        "checklist.introduction", "missing key", "templates/higm/checklist.xml.j2:",
    )
    assert "locales/en/higm.yaml" in line


def test_too_long_card_text_fails_with_key_and_line(project_copy):
    english = catalog_file(project_copy, "en")
    line = line_of(english, "staff_serology:")
    replace_in(english, '    staff_serology: "', '    staff_serology: "' + "Antibody tests mislead on immunoglobulin. " * 6)
    assert_clean_failure(
        handouts_cli(project_copy, "build", "--locale", "en", "--handout", "er-card"), project_copy / "output",
        "locales/en/higm.yaml", "staff face does not fit", f"er_card.staff_serology (line {line})", "mm over",
    )


def test_failed_build_keeps_existing_output_untouched(project_copy):
    output = project_copy / "output"
    ok = handouts_cli(project_copy, "build", "--locale", "en", "--handout", "checklist", "--paper", "a4",
                      "--no-large-print", "-q")
    assert ok.returncode == 0, ok.stderr
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert len([p for p in before if p.suffix == ".pdf"]) == 2  # the checklist of each condition
    es = catalog_file(project_copy, "es")
    replace_on_line(es, "fever_means: ", "{fever}", "{temp}")
    failed = handouts_cli(project_copy, "build")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_translation_text_is_data_not_markup(project_copy, tmp_path):
    """{{ }}, <, & and ReportLab tags in a translation print literally."""
    es = catalog_file(project_copy, "es")
    replace_in(es, '    clothes: "', "    clothes: \"{{ 7*7 }} <b>x</b> & <font size=40>y</font> ")
    result = handouts_cli(project_copy, "build", "--locale", "es", "--condition", "higm", "--handout", "checklist",
                          "--paper", "a4")
    assert result.returncode == 0, result.stderr
    text = run_tool("pdftotext", str(project_copy / "output" / "higm" / "es" / "checklist-a4.pdf"), "-").stdout
    assert "{{ 7*7 }} <b>x</b> & <font size=40>y</font>" in text
    assert "49" not in text


def test_character_missing_from_the_font_names_key_and_line(project_copy):
    es = catalog_file(project_copy, "es")
    line = line_of(es, "er_diarrhea: ")
    replace_in(es, '    er_diarrhea: "', '    er_diarrhea: "\u0F00 ')  # Tibetan: no font of the Latin stack has it
    assert_clean_failure(
        handouts_cli(project_copy, "build", "--locale", "es"), project_copy / "output",
        f"locales/es/higm.yaml:{line}", "signs.er_diarrhea", "U+0F00", "not in any font",
    )


def test_bad_settings_value_names_file_line_and_key(project_copy):
    settings = project_copy / "handouts.yaml"
    settings.write_text('clinic:\n  name: "Clinic"\n  phone: "call us"\n', encoding="utf-8")
    assert_clean_failure(
        handouts_cli(project_copy, "build"), project_copy / "output",
        "handouts.yaml:3", "clinic.phone", "not a phone number",
    )


def test_unknown_locale_is_a_usage_error(project_copy):
    result = handouts_cli(project_copy, "build", "--locale", "xx")
    assert result.returncode == 2
    assert "unknown locale 'xx'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "catalog, meta_line, replacement, message",
    [
        ("shared", "  direction: ltr", "  direction: sideways", "meta.direction"),
        ("higm", "  locale: es\n", "  locale: fr\n", "does not match the folder name"),
        ("higm", '  translated_on: "2026-11-25"', "  translated_on: yesterday", "YYYY-MM-DD"),
    ],
)
def test_bad_metadata_is_reported(project_copy, catalog, meta_line, replacement, message):
    path = catalog_file(project_copy, "es", catalog)
    replace_in(path, meta_line, replacement)
    assert_clean_failure(handouts_cli(project_copy, "build"), project_copy / "output",
                         f"locales/es/{catalog}.yaml", message)


def test_duplicate_key_is_reported(project_copy):
    es = catalog_file(project_copy, "es")
    replace_in(es, '    er_breathing: "', '    er_breathing: "x"\n    er_breathing: "')
    assert_clean_failure(handouts_cli(project_copy, "build"), project_copy / "output", "key appears twice",
                         "er_breathing")


def test_list_shows_languages_by_their_own_names(project_copy):
    result = handouts_cli(project_copy, "list")
    assert result.returncode == 0, result.stderr
    assert "Español" in result.stdout and "Spanish" in result.stdout and "er-card" in result.stdout
