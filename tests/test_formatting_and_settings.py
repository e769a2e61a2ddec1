"""Babel formatting and clinic settings validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from handouts.errors import SettingsError
from handouts.formatting import format_date, format_temperatures, language_name, uses_fahrenheit_first
from handouts.settings import Temperature, read_settings
from tests.conftest import PROJECT

MANIFEST = PROJECT.manifest


def test_fever_units_follow_the_locale():
    assert format_temperatures(Decimal("39.4"), Decimal(103), "en") == "\u2066\u2068103°F\u2069\u00a0(\u206839.4°C\u2069)\u2069"
    assert format_temperatures(Decimal("39.4"), Decimal(103), "es") == "\u2066\u206839,4\u00a0°C\u2069\u00a0(\u2068103\u00a0°F\u2069)\u2069"
    assert uses_fahrenheit_first("en") and not uses_fahrenheit_first("es")
    # A tag with its script still implies its region (CLDR's likely subtags, by ICU).
    assert uses_fahrenheit_first("en-Latn") and not uses_fahrenheit_first("zh-Hant")


def test_a_languages_script_and_region_are_cldrs_likely_ones_for_the_whole_tag():
    from handouts.formatting import region_of, script_of

    assert [script_of(tag) for tag in ("es", "ru", "zh-Hant", "ko", "sr-Latn", "pa", "pa-PK")] == \
        ["Latn", "Cyrl", "Hant", "Kore", "Latn", "Guru", "Arab"]
    assert [region_of(tag) for tag in ("en", "es", "pt-BR", "zh-Hant", "en-Latn")] == ["US", "ES", "BR", "TW", "US"]
    assert script_of("not a tag") is None


def test_dates_and_language_names_come_from_babel():
    # No-break spaces: a date is never split across lines.
    assert format_date(dt.date(2025, 10, 19), "es") == "19\u00a0de\u00a0octubre\u00a0de\u00a02025"
    assert format_date(dt.date(2025, 10, 19), "en") == "October\u00a019,\u00a02025"
    assert language_name("es") == "Español"
    assert language_name("es", "en") == "Spanish"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handouts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_settings_are_valid():
    settings = read_settings(Path(__file__).resolve().parent.parent / "handouts.example.yaml", MANIFEST)
    assert settings.clinic_values(MANIFEST).immunology_phone == "+1 555 010 0142"
    assert settings.papers == ("letter", "a4")
    fever = settings.parameter_values(MANIFEST, "higm")["fever"]
    assert fever.is_set and fever.value == Temperature(Decimal("38.0"), Decimal("100.4"))


def test_fever_threshold_in_celsius_converts(tmp_path):
    settings = read_settings(write(tmp_path, 'parameters:\n  fever: "39.5 C"\npaper: a4\nlocales: [es]\n'), MANIFEST)
    assert settings.parameter_values(MANIFEST, "higm")["fever"].value.fahrenheit == Decimal("103.1")
    assert settings.papers == ("a4",) and settings.locales == ("es",)


def test_a_parameter_can_differ_by_condition(tmp_path):
    text = 'parameters:\n  fever: "39.5 C"\nconditions:\n  higm:\n    parameters:\n      fever: "38.3 C"\n'
    settings = read_settings(write(tmp_path, text), MANIFEST)
    assert settings.parameter_values(MANIFEST, "higm")["fever"].value.celsius == Decimal("38.3")


def test_parentheses_in_a_phone_number_are_accepted(tmp_path):
    settings = read_settings(write(tmp_path, 'clinic:\n  phone: "(617) 555-0123"\n'), MANIFEST)
    assert settings.clinic_values(MANIFEST).phone == "(617) 555-0123"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('clinic:\n  website: "example.org"\n', "clinic.website"),
        ('clinic:\n  phone: "12"\n', "clinic.phone"),
        ('clinic:\n  fax: "+1 555 0100"\n', "clinic.fax"),
        ("paper: legal\n", "unknown paper size"),
        ('parameters:\n  fever: "hot"\n', "parameters.fever"),
        ('parameters:\n  fever: "120 F"\n', "between 99 and 106"),
        ('parameters:\n  colour: "blue"\n', "unknown parameter"),
        ("conditions: [flu]\n", "unknown condition"),
        ("colour: blue\n", "unknown setting"),
        ("clinic: [\n", "invalid YAML"),
    ],
)
def test_bad_settings_name_file_line_and_key(tmp_path, text, fragment):
    with pytest.raises(SettingsError) as caught:
        read_settings(write(tmp_path, text), MANIFEST)
    message = str(caught.value)
    assert "handouts.yaml:" in message and fragment in message
