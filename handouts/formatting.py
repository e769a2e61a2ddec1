"""Locale-correct numbers, temperatures, dates and language names, all through Babel."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from babel.units import format_unit

# CLDR unitPreferenceData: regions whose everyday temperature unit is Fahrenheit.
FAHRENHEIT_REGIONS = frozenset({"US", "BS", "BZ", "KY", "PR", "PW"})



@lru_cache(maxsize=None)
def babel_locale(tag: str) -> Locale:
    """A Babel Locale for a BCP 47 tag such as ``es`` or ``zh-Hant``."""
    return Locale.parse(tag.replace("-", "_"))


def region_of(tag: str) -> str | None:
    """The region a language tag implies (``es`` -> ``ES``, ``en`` -> ``US``)."""
    locale = babel_locale(tag)
    if locale.territory:
        return locale.territory
    likely = get_global("likely_subtags").get(str(locale))
    if likely:
        return Locale.parse(likely).territory
    return None


def uses_fahrenheit_first(tag: str) -> bool:
    return region_of(tag) in FAHRENHEIT_REGIONS


def fahrenheit_to_celsius(value: Decimal) -> Decimal:
    return ((value - 32) * 5 / 9).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def celsius_to_fahrenheit(value: Decimal) -> Decimal:
    """To a tenth of a degree: 38.0 °C is 100.4 °F, a threshold families are told."""
    return (value * 9 / 5 + 32).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_temperature(value: Decimal, unit: str, tag: str) -> str:
    """One temperature, e.g. ``39,4 °C`` in Spanish; ``unit`` is ``C`` or ``F``."""
    measurement = "temperature-celsius" if unit == "C" else "temperature-fahrenheit"
    pattern = "#,##0.#"
    return format_unit(value, measurement, length="short", format=pattern, locale=babel_locale(tag))


def format_temperatures(celsius: Decimal, fahrenheit: Decimal, tag: str) -> str:
    """Both units, the locale's everyday unit first: ``103°F (39.4°C)``."""
    c = format_temperature(celsius, "C", tag)
    f = format_temperature(fahrenheit, "F", tag)
    first, second = (f, c) if uses_fahrenheit_first(tag) else (c, f)
    # No-break spaces: a temperature never splits across lines. The first-strong isolate
    # (FSI ... PDI) keeps "39.4°C (103°F)" whole and in order inside right-to-left text.
    both = f"{first}\u00a0({second})".replace(" ", "\u00a0").replace("\u202f", "\u00a0")
    return f"\u2068{both}\u2069"


def format_date(value: dt.date, tag: str) -> str:
    """A date written out the way the language writes it (``19 de octubre de 2025``)."""
    return babel_format_date(value, format="long", locale=babel_locale(tag))


def format_number(value: int, tag: str) -> str:
    return format_decimal(value, locale=babel_locale(tag))


def language_name(tag: str, in_language: str | None = None) -> str:
    """The language's name, by default in its own language (``español``, ``العربية``)."""
    name = babel_locale(tag).get_display_name(babel_locale(in_language or tag)) or tag
    return name[:1].upper() + name[1:] if in_language is None else name
