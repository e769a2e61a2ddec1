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
    """Laid out for real, as the build lays it out, on both paper sizes. A text that does
    not fit a fixed format (the wallet card) is an error naming its key and line; a
    handout that takes more pages than it is designed for (the manifest's ``pages``) is
    a warning naming its longest texts: it still prints, on more paper."""
    from handouts.kinds import KINDS
    from handouts.layout.fonts import stack_for
    from handouts.layout.paper import PdfInfo, RenderRequest

    stack = stack_for(texts.locale)
    for spec in condition.handouts.values():
        try:
            # The source stands in for missing texts, so the rest can still be laid out.
            document = composer.compose(spec, texts, source, fallback=True).document
            over = None
            for paper in ("letter", "a4"):
                request = RenderRequest(stack, paper, PdfInfo("", "", "", texts.locale), Location(texts.path),
                                        pages=spec.pages, layout=spec.layout)
                pdf, _ = KINDS[spec.kind].render()(document, request)
                if spec.pages and over is None and (pages := len(pdf.pages)) > spec.pages:
                    over = (paper, pages)
            if over:
                yield _over_target(texts, spec.name, spec.pages, *over, document)
        except HandoutsError as error:
            yield _finding(texts, "layout", error)


def _over_target(texts: Texts, handout: str, target: int, paper: str, pages: int, document) -> Finding:
    from handouts.layout.pages import longest_keys

    longest = longest_keys(document)
    key, where = longest[0] if longest else (None, None)
    named = ", ".join(f"{k} ({w.path.name}:{w.line})" if w else k for k, w in longest)
    paper_name = {"letter": "Letter", "a4": "A4"}.get(paper, paper)
    message = (f"the {handout} takes {pages} {paper_name} pages, {pages - target} more than the {target} it is "
               f"designed for; it still prints, on more paper. To bring it back, shorten the longest texts: {named}")
    return Finding(texts.locale, "warning", "layout", where or Location(texts.path), key, message)


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
