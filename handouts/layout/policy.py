"""The page layout policy as data (``policy.yaml``): grid, type sizes, marks.

The same rules apply to every language; a script changes only what its typeface
needs (``FontStack.scale`` and ``FontStack.spacing``). A handout of the manifest may
override the body sizes and its text column (``layout:``), the same in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from reportlab.lib.units import mm

from handouts.layout.fonts import FontStack
from handouts.yamlnodes import load_data

POLICY = Path(__file__).with_name("policy.yaml")

# Overrides a handout may give in the manifest (``layout:``), with their allowed range:
# body sizes in points; ``column``, the text column of the standard edition in mm (steps
# that start after a tick box and a pictogram keep a paragraph's measure in a wider
# column). The same in every language.
OVERRIDES = {"body": (12.0, 16.0), "large_print_body": (18.0, 28.0), "column": (120.0, 170.0)}


@dataclass(frozen=True)
class Grid:
    """Margins of one paper size, in points: the same in every language."""

    side: float
    top: float
    bottom: float  # paper edge to the running footer


@dataclass(frozen=True)
class Edition:
    """Nominal type sizes of an edition: ``body`` in points, the rest in ems of it."""

    body: float
    lead: float
    small: float
    footer: float
    h1: float
    h2: float
    h3: float
    columns: bool


@dataclass(frozen=True)
class Marks:
    """Sizes of drawn marks, in ems of the body size."""

    check_box: float
    warning_icon: float
    list_icon: float
    figure: float
    field_line: float
    field_after: float
    callout_padding: float


@dataclass(frozen=True)
class Sizes:
    """Everything a page layout sets, in points, for one edition and one script."""

    body: float
    lead: float
    small: float
    footer: float
    h1: float
    h2: float
    h3: float
    check_box: float
    warning_icon: float
    list_icon: float
    figure: float
    field_line: float
    field_after: float
    callout_padding: float
    columns: bool


@dataclass(frozen=True)
class Policy:
    grids: dict[str, Grid]
    standard: Edition
    large_print: Edition
    marks: Marks
    large_print_grids: dict[str, Grid]

    def grid(self, paper: str, *, large_print: bool = False, overrides: dict[str, float] | None = None) -> Grid:
        grid = (self.large_print_grids if large_print else self.grids)[paper]
        if overrides and "column" in overrides and not large_print:
            from handouts.layout.paper import PAPERS

            grid = replace(grid, side=(PAPERS[paper][0] - float(overrides["column"]) * mm) / 2)
        return grid

    def sizes(self, stack: FontStack, *, large_print: bool = False,
              overrides: dict[str, float] | None = None) -> Sizes:
        """The sizes a script is set at: the edition's nominal sizes times the script's scale."""
        edition = self.large_print if large_print else self.standard
        overrides = overrides or {}
        key = "large_print_body" if large_print else "body"
        if key in overrides:
            edition = replace(edition, body=float(overrides[key]))
        body = edition.body * stack.scale
        marks = self.marks
        return Sizes(
            body=body,
            lead=body * edition.lead,
            small=body * edition.small,
            footer=body * edition.footer,
            h1=body * edition.h1,
            h2=body * edition.h2,
            h3=body * edition.h3,
            check_box=body * marks.check_box,
            warning_icon=body * marks.warning_icon,
            list_icon=body * marks.list_icon,
            figure=body * marks.figure,
            field_line=body * marks.field_line,
            field_after=body * marks.field_after,
            callout_padding=body * marks.callout_padding,
            columns=edition.columns,
        )


def _length(value: object) -> float:
    """``12mm`` or ``34pt`` (or a bare number of points) in points."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(mm|pt)?\s*", str(value))
    if not match:
        raise ValueError(f"{POLICY.name}: not a length: {value!r}")
    number = float(match.group(1))
    return number * mm if match.group(2) == "mm" else number


@lru_cache(maxsize=1)
def policy() -> Policy:
    data = load_data(POLICY.read_text(encoding="utf-8"))
    def grids(key: str) -> dict[str, Grid]:
        return {paper: Grid(_length(g["side"]), _length(g["top"]), _length(g["bottom"]))
                for paper, g in data[key].items()}

    editions = {name: Edition(**{k: (bool(v) if k == "columns" else float(v)) for k, v in values.items()})
                for name, values in data["editions"].items()}
    marks = Marks(**{k: float(v) for k, v in data["marks"].items()})
    return Policy(grids("grid"), editions["standard"], editions["large_print"], marks, grids("grid_large_print"))
