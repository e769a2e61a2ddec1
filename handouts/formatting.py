"""Locale-correct numbers, temperatures, dates and language names (CLDR, through ICU
and Babel), in the digits of the language's default numbering system."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import icu
from babel import Locale
from babel.dates import format_date as babel_format_date

from handouts.typography import FSI, PDI, WORD_JOINER, direction_isolate, to_native_digits, unbreakable

# CLDR unitPreferenceData: regions whose everyday temperature unit is Fahrenheit.
FAHRENHEIT_REGIONS = frozenset({"US", "BS", "BZ", "KY", "PR", "PW"})



@lru_cache(maxsize=None)
def babel_locale(tag: str) -> Locale:
    """A Babel Locale for a BCP 47 tag such as ``es`` or ``zh-Hant``."""
    return Locale.parse(tag.replace("-", "_"))


@lru_cache(maxsize=None)
def script_of(tag: str) -> str | None:
    """The ISO 15924 script a language is usually written in (CLDR likely subtags)."""
    from babel.core import parse_locale

    try:
        language, _, script, *_ = parse_locale(tag.replace("-", "_"))
    except ValueError:
        return None
    return script or _likely(tag).getScript() or None


@lru_cache(maxsize=None)
def region_of(tag: str) -> str | None:
    """The region a language tag implies (``es`` -> ``ES``, ``en`` -> ``US``)."""
    locale = babel_locale(tag)
    return locale.territory or _likely(tag).getCountry() or None


def _likely(tag: str) -> icu.Locale:
    """The tag with CLDR's likely subtags added, by ICU (loaded for formatting already;
    Babel's table of them is in a file it loads whole, 8 ms, in every command): ``zh-Hant``
    is ``zh_Hant_TW``, ``en-Latn`` is ``en_Latn_US`` (Babel's table, looked up by the
    whole tag, has no such entries)."""
    locale = _icu_locale(tag)
    locale.addLikelySubtags()
    return locale


def uses_fahrenheit_first(tag: str) -> bool:
    return region_of(tag) in FAHRENHEIT_REGIONS


def fahrenheit_to_celsius(value: Decimal) -> Decimal:
    return ((value - 32) * 5 / 9).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def celsius_to_fahrenheit(value: Decimal) -> Decimal:
    """To a tenth of a degree: 38.0 °C is 100.4 °F, a threshold families are told."""
    return (value * 9 / 5 + 32).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _icu_locale(tag: str) -> icu.Locale:
    return icu.Locale(tag.replace("-", "_"))


def format_temperature(value: Decimal, unit: str, tag: str) -> str:
    """One temperature with the language's CLDR unit symbol and digits (``39,4 °C`` in
    Russian, ``۳۹٫۴°C`` in Persian, ``103°F`` in Tagalog)."""
    measure = icu.MeasureUnit.createCelsius() if unit == "C" else icu.MeasureUnit.createFahrenheit()
    formatter = icu.MeasureFormat(_icu_locale(tag), icu.UMeasureFormatWidth.SHORT)
    return formatter.formatMeasures([icu.Measure(icu.Formattable(float(value)), measure)])


def uses_fullwidth_brackets(tag: str) -> bool:
    """Chinese and Japanese set brackets full width, with no space around them."""
    return script_of(tag) in ("Hans", "Hant", "Jpan")


def bracketed(text: str, tag: str) -> str:
    """`` (text)`` after a word, or ``（text）`` in Chinese and Japanese."""
    return f"\uff08{text}\uff09" if uses_fullwidth_brackets(tag) else f" ({text})"


def format_temperatures(celsius: Decimal, fahrenheit: Decimal, tag: str) -> str:
    """Both units, the locale's everyday unit first: ``103°F (39.4°C)``."""
    c = format_temperature(celsius, "C", tag)
    f = format_temperature(fahrenheit, "F", tag)
    first, second = (f, c) if uses_fahrenheit_first(tag) else (c, f)
    # No-break spaces: a temperature never splits across lines. First-strong isolates
    # (FSI ... PDI) keep "39.4°C (103°F)" whole and in order inside right-to-left text,
    # and each temperature in one of its own: otherwise the bidi algorithm reads the
    # second number as Arabic (after the letter م) and puts its degree sign on the
    # other side of it.
    # The outer isolate takes the direction of the units' own letters (م in Arabic): a
    # first-strong isolate would look past the inner ones, find only brackets, and set
    # the pair left to right, the second temperature read first.
    both = unbreakable(f"{FSI}{first}{PDI}" + bracketed(f"{FSI}{second}{PDI}", tag))
    return f"{direction_isolate(first)}{both}{PDI}"


def format_date(value: dt.date, tag: str) -> str:
    """A date written out the way the language writes it (``19 de octubre de 2025``), in
    its digits, never split across lines."""
    date = unbreakable(to_native_digits(babel_format_date(value, format="long", locale=babel_locale(tag)), tag))
    if uses_fullwidth_brackets(tag):  # 2025年10月19日: word joiners where a line could break
        return WORD_JOINER.join(re.findall(r"\d+|\D", date))
    return date


def format_number(value: int, tag: str) -> str:
    return icu.NumberFormat.createInstance(_icu_locale(tag)).format(value)


@lru_cache(maxsize=None)  # asked for every language on every page's language list
def language_name(tag: str, in_language: str | None = None) -> str:
    """The language's name, by default in its own language (``español``, ``العربية``)."""
    shown_in = in_language or tag
    name = babel_locale(tag).get_display_name(babel_locale(shown_in)) or tag
    if uses_fullwidth_brackets(shown_in) and name.endswith(")") and " (" in name:
        name = name.replace(" (", "\uff08", 1)[:-1] + "\uff09"  # 中文（繁體）
    return name[:1].upper() + name[1:] if in_language is None else name
