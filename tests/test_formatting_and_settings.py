"""Babel formatting and clinic settings validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from handouts.errors import SettingsError
from handouts.formatting import format_date, format_fever_threshold, language_name, uses_fahrenheit_first
from handouts.settings import read_settings


def test_fever_units_follow_the_locale():
    assert format_fever_threshold(Decimal("39.4"), Decimal(103), "en") == "\u2068103°F\u00a0(39.4°C)\u2069"
    assert format_fever_threshold(Decimal("39.4"), Decimal(103), "es") == "\u206839,4\u00a0°C\u00a0(103\u00a0°F)\u2069"
    assert uses_fahrenheit_first("en") and not uses_fahrenheit_first("es")


def test_dates_and_language_names_come_from_babel():
    assert format_date(dt.date(2025, 10, 19), "es") == "19 de octubre de 2025"
    assert format_date(dt.date(2025, 10, 19), "en") == "October 19, 2025"
    assert language_name("es") == "Español"
    assert language_name("es", "en") == "Spanish"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handouts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_settings_are_valid():
    settings = read_settings(Path(__file__).resolve().parent.parent / "handouts.example.yaml")
    assert settings.clinic.immunology_phone == "+1 555 010 0142"
    assert settings.papers == ("letter", "a4")
    assert settings.fever.fahrenheit == 103 and settings.fever.celsius == Decimal("39.4")


def test_fever_threshold_in_celsius_converts(tmp_path):
    settings = read_settings(write(tmp_path, 'fever_threshold: "39.5 C"\npaper: a4\nlocales: [es]\n'))
    assert settings.fever.fahrenheit == 103 and settings.papers == ("a4",) and settings.locales == ("es",)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('clinic:\n  website: "example.org"\n', "clinic.website"),
        ('clinic:\n  phone: "12"\n', "clinic.phone"),
        ('clinic:\n  fax: "+1 555 0100"\n', "clinic.fax"),
        ("paper: legal\n", "unknown paper size"),
        ('fever_threshold: "hot"\n', "fever_threshold"),
        ('fever_threshold: "120 F"\n', "between 99 and 106"),
        ("colour: blue\n", "unknown setting"),
        ("clinic: [\n", "invalid YAML"),
    ],
)
def test_bad_settings_name_file_line_and_key(tmp_path, text, fragment):
    with pytest.raises(SettingsError) as caught:
        read_settings(write(tmp_path, text))
    message = str(caught.value)
    assert "handouts.yaml:" in message and fragment in message
