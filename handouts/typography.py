"""Typography by locale, applied to every catalog text as it is filled in.

* Quotation marks and apostrophes: straight ``"..."`` become the language's CLDR
  quotation marks (“...” in English, «...» in French and Russian, 「...」 in Chinese),
  an apostrophe between letters becomes ’.
* Digits: ASCII digits become the digits of the language's CLDR default numbering
  system (Persian ۰۱۲…, Bengali ০১২…), except in a left-to-right token such as
  "CD40" or "NBK1402" and inside isolates (phone numbers, web addresses). The
  characters themselves change, so the PDF's text finds "۳۸" as it reads.
* Right-to-left text: every left-to-right run the text contains (a Latin title,
  an acronym, a name) is put in a left-to-right isolate (LRI...PDI), so that its
  quotation marks, the numbers after it and the punctuation around it keep their
  places in the right-to-left sentence. Values the engine fills in (dates, names,
  temperatures) are first-strong isolates (FSI...PDI): their own text decides.

Translators type plain text; nothing here asks them for control characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
NBSP = "\u00a0"
WORD_JOINER = "\u2060"
_OPENERS = (LRI, RLI, FSI)
# A value filled into a text is marked while the text around it is set (private-use
# characters no language's text uses), then isolated or unmarked (``typeset``).
VALUE_START, VALUE_END = "\ue000", "\ue001"
# What the text's own typography leaves alone: filled-in values and isolates.
_ISOLATED = re.compile(f"{VALUE_START}[^{VALUE_END}]*{VALUE_END}|[{LRI}{RLI}{FSI}][^{PDI}]*{PDI}")


def _icu_locale(tag: str) -> icu.Locale:
    return icu.Locale(tag.replace("-", "_"))


@lru_cache(maxsize=None)
def quotation_marks(tag: str) -> tuple[str, str]:
    """The language's quotation marks (CLDR delimiters): ("“", "”") in English."""
    data = icu.LocaleData(tag.replace("-", "_"))
    return (data.getDelimiter(icu.ULocaleDataDelimiterType.QUOTATION_START),
            data.getDelimiter(icu.ULocaleDataDelimiterType.QUOTATION_END))


@lru_cache(maxsize=None)
def native_digits(tag: str) -> str | None:
    """The ten digits of the language's CLDR default numbering system, or None when
    that system is the Latin digits (or not a plain set of ten digits)."""
    system = icu.NumberingSystem.createInstance(_icu_locale(tag))
    digits = system.getDescription()
    if system.isAlgorithmic() or system.getRadix() != 10 or len(digits) != 10 or digits == "0123456789":
        return None
    return digits


def to_native_digits(text: str, tag: str) -> str:
    """ASCII digits in the locale's own digits (a whole value, e.g. a formatted date)."""
    digits = native_digits(tag)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def smarten_quotes(text: str, tag: str) -> str:
    """Straight quotation marks in pairs become the language's; an apostrophe between
    two letters becomes ’. An unpaired straight quote is left as written."""
    if '"' in text and text.count('"') % 2 == 0:
        start, end = quotation_marks(tag)
        parts = text.split('"')
        text = "".join(part + (start if i % 2 == 0 else end) if i < len(parts) - 1 else part
                       for i, part in enumerate(parts))
    return re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)


def _bidi(char: str) -> str:
    return unicodedata.bidirectional(char)


def _is_ltr_token(token: str) -> bool:
    classes = {_bidi(c) for c in token}
    return "L" in classes and not classes & {"R", "AL", "AN"}


def _core(token: str) -> tuple[int, int]:
    """The part of a token from its first to its last left-to-right letter or digit:
    quotation marks, brackets and punctuation around it stay outside the isolate."""
    start, end = 0, len(token)
    while start < end and _bidi(token[start]) not in ("L", "EN"):
        start += 1
    while end > start and _bidi(token[end - 1]) not in ("L", "EN"):
        end -= 1
    return start, end


def isolate_ltr_runs(text: str) -> str:
    """Left-to-right runs of a right-to-left text, each in an LRI...PDI isolate.

    A run is a sequence of left-to-right words (with the digits and inner punctuation
    they hold, "X-Linked", "NBK1402") separated only by spaces; right-to-left script
    punctuation such as the Arabic comma ends it. Text already in an isolate is left
    as it is."""
    out: list[str] = []
    position = 0
    for match in _ISOLATED.finditer(text):
        out.append(_isolate_plain(text[position:match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_isolate_plain(text[position:]))
    return "".join(out)


def _isolate_plain(text: str) -> str:
    tokens = re.split(r"(\s+)", text)  # words and the spaces between them, alternating
    runs: list[tuple[int, int]] = []  # (start, end) character offsets of each run
    offset = 0
    open_run: tuple[int, int] | None = None
    for index, token in enumerate(tokens):
        start = offset
        offset += len(token)
        if index % 2:  # white space: a run may go on past it
            continue
        core_start, core_end = _core(token)
        if token and _is_ltr_token(token[core_start:core_end]):
            inner = (start + core_start, start + core_end)
            whole = core_start == 0
            if open_run is not None and whole:
                open_run = (open_run[0], inner[1])
            else:
                if open_run is not None:
                    runs.append(open_run)
                open_run = inner
            if core_end < len(token):  # punctuation after it ends the run
                runs.append(open_run)
                open_run = None
        elif token:
            if open_run is not None:
                runs.append(open_run)
            open_run = None
    if open_run is not None:
        runs.append(open_run)
    for start, end in reversed(runs):
        text = text[:start] + LRI + text[start:end] + PDI + text[end:]
    return text


def localise_digits(text: str, tag: str) -> str:
    """The locale's digits for ASCII digits that stand on their own: not in a
    left-to-right token ("CD40", "NBK1402") and not in an isolate."""
    digits = native_digits(tag)
    if not digits:
        return text
    table = str.maketrans("0123456789", digits)

    def convert(plain: str) -> str:
        return re.sub(r"\S+", lambda m: m.group() if re.search(r"[^\W\d_]", m.group()) and any(
            _bidi(c) == "L" for c in m.group()) else m.group().translate(table), plain)

    out, position = [], 0
    for match in _ISOLATED.finditer(text):
        out.append(convert(text[position:match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(convert(text[position:]))
    return "".join(out)


def mark_value(value: str) -> str:
    """A value to fill into a text, marked for ``typeset``."""
    return f"{VALUE_START}{value}{VALUE_END}"


def typeset(text: str, tag: str, rtl: bool) -> str:
    """A filled catalog text with the language's typography: its quotation marks,
    apostrophes and digits; in right-to-left text its left-to-right runs and the
    values filled into it isolated. A value's full stop ends the sentence too
    ("19 октября 2025 г." never gets a second one)."""
    text = text.replace(f".{VALUE_END}.", f".{VALUE_END}")
    text = localise_digits(smarten_quotes(text, tag), tag)
    if rtl:
        text = isolate_ltr_runs(text)
        text = re.sub(f"{VALUE_START}([^{VALUE_END}]*){VALUE_END}", lambda m: isolate(m.group(1)), text)
    return text.replace(VALUE_START, "").replace(VALUE_END, "")


def isolate(value: str) -> str:
    """A value in a first-strong isolate (FSI...PDI): its own first letter decides its
    direction, and it is one piece in the sentence around it."""
    if value.startswith(_OPENERS) and value.endswith(PDI):
        return value
    return f"{FSI}{value}{PDI}"


def direction_isolate(text: str) -> str:
    """The isolate initiator for ``text``'s own direction, by its first strong letter:
    RLI for Arabic script, LRI for Latin, FSI when it has no letter."""
    for char in text:
        kind = _bidi(char)
        if kind in ("R", "AL"):
            return RLI
        if kind == "L":
            return LRI
    return FSI


def unbreakable(value: str) -> str:
    """A value that must never be split across lines: no-break spaces."""
    return value.replace(" ", NBSP).replace("\u202f", NBSP)
