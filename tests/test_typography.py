"""Typography by locale: quotation marks, digits, units, brackets, isolates (CLDR data)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from handouts.document import iter_spans
from handouts.formatting import format_date, format_number, format_temperatures, language_name
from handouts.typography import (
    FSI,
    LRI,
    PDI,
    WORD_JOINER,
    isolate_ltr_runs,
    localise_digits,
    mark_value,
    smarten_quotes,
    typeset,
)
from tests.conftest import compose


def test_straight_quotes_become_the_languages_quotation_marks():
    assert smarten_quotes('Read "Hyper-IgM Syndrome" first.', "en") == "Read \u201cHyper-IgM Syndrome\u201d first."
    assert smarten_quotes('Lire "Hyper-IgM Syndrome".', "fr") == "Lire \u00abHyper-IgM Syndrome\u00bb."
    assert smarten_quotes('參見"Hyper-IgM Syndrome"。', "zh-Hant") == "參見\u300cHyper-IgM Syndrome\u300d。"
    assert smarten_quotes("the children's team", "en") == "the children\u2019s team"
    assert smarten_quotes('an odd " quote', "en") == 'an odd " quote'  # unpaired: left as written


def test_persian_and_bengali_use_their_own_digits_latin_tokens_keep_theirs():
    assert localise_digits("پیش از 4 سالگی، CD40 و NBK1402", "fa") == "پیش از ۴ سالگی، CD40 و NBK1402"
    assert localise_digits("প্রায় 3 জনের মধ্যে 2 জন", "bn") == "প্রায় ৩ জনের মধ্যে ২ জন"
    assert localise_digits("before age 4", "en") == "before age 4"
    assert localise_digits(f"{LRI}+1 555 010 0100{PDI} 4", "fa") == f"{LRI}+1 555 010 0100{PDI} ۴"
    assert format_number(38, "fa") == "۳۸" and format_number(38, "ar") == "38"
    assert "۳۹٫۴°C" in format_temperatures(Decimal("39.4"), Decimal(103), "fa")


def test_units_come_from_cldr_and_brackets_follow_the_script():
    assert format_temperatures(Decimal("39.4"), Decimal(103), "tl") == f"{LRI}{FSI}39.4°C{PDI}\u00a0({FSI}103°F{PDI}){PDI}"  # not "deg. F"
    assert format_temperatures(Decimal("39.4"), Decimal(103), "zh-Hant") == f"{LRI}{FSI}39.4°C{PDI}\uff08{FSI}103°F{PDI}\uff09{PDI}"
    assert language_name("zh-Hant") == "中文\uff08繁體\uff09"


def test_a_date_never_splits_and_a_russian_date_ends_its_sentence_once():
    assert format_date(dt.date(2025, 10, 19), "zh-Hant") == WORD_JOINER.join(["2025", "年", "10", "月", "19", "日"])
    date = format_date(dt.date(2025, 10, 19), "ru")
    assert typeset(f"Дата: {mark_value(date)}.", "ru", rtl=False) == "Дата: 19\u00a0октября\u00a02025\u00a0г."
    assert typeset(f"Дата: {mark_value('1 мая')}.", "ru", rtl=False) == "Дата: 1 мая."


def test_left_to_right_runs_in_right_to_left_text_are_isolated():
    text = "المصدر: Cleveland Clinic Health Library، «Hyper-IgM Syndrome» (NCBI NBK1402)."
    assert isolate_ltr_runs(text) == (
        f"المصدر: {LRI}Cleveland Clinic Health Library{PDI}، «{LRI}Hyper-IgM Syndrome{PDI}» "
        f"({LRI}NCBI NBK1402{PDI}).")
    assert isolate_ltr_runs("قبل سن 4 سنوات") == "قبل سن 4 سنوات"  # digits alone need nothing
    # Values filled into right-to-left text are first-strong isolates; left-to-right text gets none.
    assert typeset(f"أعدها {mark_value('handouts team')}، 25", "ar", rtl=True) == f"أعدها {FSI}handouts team{PDI}، 25"
    assert typeset(f"by {mark_value('handouts team')}, 25", "en", rtl=False) == "by handouts team, 25"


@pytest.mark.parametrize("locale", ["ar", "fa", "ur"])
def test_every_left_to_right_run_of_a_right_to_left_handout_is_isolated(locale):
    """No strong left-to-right character of a catalog text stands outside an isolate."""
    for handout in ("overview", "checklist", "er-card"):
        for span in iter_spans(compose("higm", handout, locale)):
            if not span.key or span.lang:  # a span in another language (the care language) has its own direction
                continue
            depth = 0
            for char in span.text:
                if char in (LRI, FSI, "\u2067"):
                    depth += 1
                elif char == PDI:
                    depth -= 1
                elif unicodedata.bidirectional(char) == "L":
                    assert depth > 0, f"{locale} {handout} {span.key}: {span.text!r}"
