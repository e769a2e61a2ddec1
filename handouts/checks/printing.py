"""Checks that need the printer's view: does the text fit, can every character print."""

from __future__ import annotations

from collections.abc import Iterator

from handouts.checks import Finding
from handouts.checks.translation import Context
from handouts.compose import Composer
from handouts.errors import HandoutsError, Location
from handouts.layout.card import panel_sizes
from handouts.layout.fonts import check_coverage, stack_for
from handouts.layout.pages import render_pages, PdfInfo


def _documents(ctx: Context, composer: Composer):
    for handout in ("er-card", "checklist", "overview"):
        # English stands in for missing texts, so the rest can still be laid out.
        yield handout, composer.compose(handout, ctx.catalog, ctx.source, fallback=True)


def _finding(ctx: Context, check: str, error: HandoutsError) -> Finding:
    return ctx.finding("error", check, error.where or Location(ctx.catalog.path), error.key, error.message)


def layout(ctx: Context, composer: Composer) -> Iterator[Finding]:
    """Laid out for real, at the smallest allowed size: the card, the one-page checklist,
    the two-page overview. A text that does not fit is named with its line."""
    stack = stack_for(ctx.catalog.locale)
    for handout, document in _documents(ctx, composer):
        try:
            if handout == "er-card":
                panel_sizes(document, stack)
            else:
                for paper in ("letter", "a4"):
                    render_pages(document, stack, paper, PdfInfo("", "", "", ctx.catalog.locale),
                                 Location(ctx.catalog.path))
        except HandoutsError as error:
            yield _finding(ctx, "layout", error)


def coverage(ctx: Context, composer: Composer) -> Iterator[Finding]:
    """Every character must be in a font of the locale's font stack."""
    stack = stack_for(ctx.catalog.locale)
    seen = set()
    for _, document in _documents(ctx, composer):
        try:
            check_coverage(document, stack)
        except HandoutsError as error:
            if (error.key, error.message) not in seen:
                seen.add((error.key, error.message))
                yield _finding(ctx, "coverage", error)
