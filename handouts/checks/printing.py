"""Checks that need the printer's view: does the text fit, can every character print."""

from __future__ import annotations

from collections.abc import Iterator

from handouts.checks import Finding
from handouts.compose import Composer
from handouts.errors import HandoutsError, Location
from handouts.project import Condition
from handouts.texts import Texts


def _finding(texts: Texts, check: str, error: HandoutsError) -> Finding:
    return Finding(texts.locale, "error", check, error.where or Location(texts.path), error.key, error.message)


def layout(texts: Texts, source: Texts, condition: Condition, composer: Composer) -> Iterator[Finding]:
    """Laid out for real, as the build lays it out, on both paper sizes: a text that does
    not fit its place is named with its line."""
    from handouts.kinds import KINDS
    from handouts.layout.fonts import stack_for
    from handouts.layout.paper import PdfInfo, RenderRequest

    stack = stack_for(texts.locale)
    for spec in condition.handouts.values():
        try:
            # The source stands in for missing texts, so the rest can still be laid out.
            document = composer.compose(spec, texts, source, fallback=True).document
            for paper in ("letter", "a4"):
                request = RenderRequest(stack, paper, PdfInfo("", "", "", texts.locale), Location(texts.path),
                                        pages=spec.pages)
                KINDS[spec.kind].render()(document, request)
        except HandoutsError as error:
            yield _finding(texts, "layout", error)


def coverage(texts: Texts, source: Texts, condition: Condition, composer: Composer) -> Iterator[Finding]:
    """Every character must be in a font of the locale's font stack."""
    from handouts.layout.fonts import check_coverage, stack_for

    stack = stack_for(texts.locale)
    seen = set()
    for spec in condition.handouts.values():
        try:
            check_coverage(composer.compose(spec, texts, source, fallback=True).document, stack)
        except HandoutsError as error:
            if (error.key, error.message) not in seen:
                seen.add((error.key, error.message))
                yield _finding(texts, "coverage", error)


PRINTING_CHECKS = {"layout": layout, "coverage": coverage}
