"""Handout kinds: a small registry of the layouts the engine knows.

A *kind* is code (how a document becomes pages); a *handout* or a *condition* is content
(a manifest entry, a template, catalog texts). The manifest names a kind for each handout;
the build asks the registry for its renderer. Renderers are imported only when used, so a
command that renders nothing (``handouts list``) never loads the layout engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Options every kind accepts in the manifest.
COMMON_OPTIONS = frozenset({"template", "safety_gate"})


@dataclass(frozen=True)
class Kind:
    """A layout: the options it reads from the manifest and the function that renders it."""

    name: str
    renderer: str  # "module:function", called as function(document, request) -> (pdf bytes, tagger)
    options: frozenset[str]
    sections: tuple[str, ...] = ()  # sections its template must produce
    large_print: bool = False  # whether a large-print edition can be asked for
    editions: tuple[str, ...] = ()  # editions built besides the standard one, always
    summary: str = ""

    def render(self) -> Callable[..., Any]:
        module, _, function = self.renderer.partition(":")
        return getattr(importlib.import_module(module), function)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS:
        raise ValueError(f"handout kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


register(Kind(
    "page", "handouts.layout.pages:render_pages", frozenset({"pages", "large_print", "layout"}), large_print=True,
    summary="pages on Letter or A4",
))
register(Kind(
    # The standard edition is the duplex sheet; the fold-over sheet prints on one side.
    "wallet-card", "handouts.layout.card:render_card_sheet", frozenset(), editions=("foldover",),
    summary="wallet card (ID-1 faces, 85.6 x 54 mm, 2 or 4 of them): keep every text as short as the source",
))
