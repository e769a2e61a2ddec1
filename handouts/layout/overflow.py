"""Errors for text that does not fit, naming the text to shorten."""

from __future__ import annotations

from reportlab.lib.units import mm

from handouts.document import Inline, Span
from handouts.errors import LayoutError


def too_wide(content: Inline, needed: float, available: float) -> LayoutError:
    span = _longest_word_span(content)
    what = "a word" if span is None or span.key else f"the clinic setting {span.text!r}"
    return LayoutError(
        f"{what} is {needed / mm:.1f} mm wide but only {available / mm:.1f} mm fit; "
        "shorten it or add a space",
        span.where if span else None,
        span.key if span else None,
    )


def _longest_word_span(content: Inline) -> Span | None:
    best, length = None, -1
    for span in content:
        for word in span.text.split():
            if len(word) > length:
                best, length = span, len(word)
    return best
