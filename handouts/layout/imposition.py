"""Where the faces of a folding wallet card go on a sheet: geometry only, no drawing.

A card has two faces (front, back) or four (a bi-fold: cover, inside left, inside
right, back), given in reading order. Faces pair into two *spreads* that print back
to back: the outside (back | cover) and the inside (inside left | inside right); in a
right-to-left language the card opens the other way, and both spreads are mirrored.
A two-face card has one face per spread. Two impositions of the same spreads:

- **duplex**: page 1 holds outside spreads, page 2 the inside spreads at mirrored
  positions, so a sheet printed on both sides (flipped on the long edge) lines up.
  Cut and fold marks are on page 1 only: the side the scissors follow.
- **fold-over** (one side of the paper, for printers that cannot register two sides):
  the outside spread upright, the inside spread above it turned 180 degrees. Folded
  back to back along the line between them, the inside reads upright on the back,
  behind the right faces (the quarter fold); a bi-fold then folds in half.

All lengths are points; (x, y) is a face's lower left corner as printed. Cut marks
stand outside the trim; nothing is drawn on the trim line itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm

from handouts.layout.paper import PAPERS

FACE_WIDTH = 85.6 * mm  # ISO/IEC 7810 ID-1, a bank card
FACE_HEIGHT = 54 * mm
CLEARANCE = 4 * mm  # between any text and the trim: survives a 2 mm slip of the scissors or the duplex
MARK_LENGTH, MARK_OFFSET = 4 * mm, 2 * mm  # cut marks: this long, this far from the trim
GAP = 8 * mm  # between pieces on a sheet: room for scissors
SIDE_MARGIN = 12 * mm  # nothing closer to the paper's edge (home printers leave 5-6 mm blank)
DUPLEX_ROWS = 3
FOLDOVER_ROWS = 1


@dataclass(frozen=True)
class Placement:
    """One face, printed once: which face (reading order), which copy of the card,
    where, and whether it is turned 180 degrees."""

    face: int
    copy: int
    page: int
    x: float
    y: float
    rotated: bool = False


@dataclass(frozen=True)
class Line:
    """A mark on a page: a cut mark (solid) or a fold line (dashed)."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Imposition:
    """A sheet: its pages, every face on it, the pieces to cut out, and the marks."""

    edition: str
    pages: int
    placements: tuple[Placement, ...]
    pieces: tuple[tuple[int, float, float, float, float], ...]  # (page, x, y, width, height): cut these out
    cut_marks: tuple[Line, ...]
    fold_lines: tuple[Line, ...]
    marks_top: float  # highest and lowest y any face or mark reaches on the first page
    marks_bottom: float
    copies: int = field(default=1)


def spreads(face_count: int, rtl: bool = False) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The outside and inside spreads, as face indices from left to right."""
    if face_count == 2:
        return (0,), (1,)
    if face_count == 4:
        outside, inside = (3, 0), (1, 2)
        return (outside[::-1], inside[::-1]) if rtl else (outside, inside)
    raise ValueError(f"a card has 2 or 4 faces, not {face_count}")


def _grid(count: int, size: float, available: float, gap: float) -> int:
    """How many pieces of ``size`` fit side by side in ``available`` (at most ``count``)."""
    fits = int((available + gap) // (size + gap))
    return max(1, min(count, fits))


def _marks(page: int, pieces: list[tuple[float, float, float, float]]) -> list[Line]:
    """Short lines outside the pieces' outer edges, in line with every trim edge."""
    xs = sorted({round(x, 3) for x, _, w, _ in pieces} | {round(x + w, 3) for x, _, w, _ in pieces})
    ys = sorted({round(y, 3) for _, y, _, h in pieces} | {round(y + h, 3) for _, y, _, h in pieces})
    top, bottom, left, right = ys[-1], ys[0], xs[0], xs[-1]
    lines = []
    for x in xs:
        lines.append(Line(page, x, top + MARK_OFFSET, x, top + MARK_OFFSET + MARK_LENGTH))
        lines.append(Line(page, x, bottom - MARK_OFFSET, x, bottom - MARK_OFFSET - MARK_LENGTH))
    for y in ys:
        lines.append(Line(page, left - MARK_OFFSET, y, left - MARK_OFFSET - MARK_LENGTH, y))
        lines.append(Line(page, right + MARK_OFFSET, y, right + MARK_OFFSET + MARK_LENGTH, y))
    return lines


def _folds(page: int, folds: list[tuple[float, float, float, float]],
           box: tuple[float, float, float, float]) -> list[Line]:
    """Each fold as a dashed line across its piece, and a dashed mark outside the grid
    (``box``: left, bottom, right, top of the pieces) where the fold meets its edge."""
    left, bottom, right, top = box
    lines = []
    for x1, y1, x2, y2 in folds:
        lines.append(Line(page, x1, y1, x2, y2))
        if x1 == x2:  # vertical
            if y2 >= top - 0.01:
                lines.append(Line(page, x1, top + MARK_OFFSET, x1, top + MARK_OFFSET + MARK_LENGTH))
            if y1 <= bottom + 0.01:
                lines.append(Line(page, x1, bottom - MARK_OFFSET, x1, bottom - MARK_OFFSET - MARK_LENGTH))
        else:
            if x1 <= left + 0.01:
                lines.append(Line(page, left - MARK_OFFSET, y1, left - MARK_OFFSET - MARK_LENGTH, y1))
            if x2 >= right - 0.01:
                lines.append(Line(page, right + MARK_OFFSET, y1, right + MARK_OFFSET + MARK_LENGTH, y1))
    return lines


@dataclass(frozen=True)
class _Grid:
    """Copies of one piece (a spread, or a fold-over piece) in rows and columns, centred
    across the page, and vertically centred or hanging from ``top``."""

    columns: int
    rows: int
    left: float
    bottom: float
    width: float
    height: float
    piece: tuple[float, float]

    @classmethod
    def on(cls, paper: str, piece_width: float, piece_height: float, rows: int, top: float | None) -> _Grid:
        page_width, page_height = PAPERS[paper]
        columns = _grid(6, piece_width, page_width - 2 * (SIDE_MARGIN + MARK_OFFSET + MARK_LENGTH), GAP)
        width = columns * piece_width + (columns - 1) * GAP
        height = rows * piece_height + (rows - 1) * GAP
        bottom = (page_height - height) / 2 if top is None else top - MARK_OFFSET - MARK_LENGTH - height
        return cls(columns, rows, (page_width - width) / 2, bottom, width, height, (piece_width, piece_height))

    def origins(self) -> list[tuple[int, float, float]]:
        """(copy, x, y) of each piece's lower left corner, top row first."""
        piece_width, piece_height = self.piece
        out = []
        for copy in range(self.rows * self.columns):
            row, column = divmod(copy, self.columns)
            out.append((copy, self.left + column * (piece_width + GAP),
                        self.bottom + (self.rows - 1 - row) * (piece_height + GAP)))
        return out

    def imposition(self, name: str, pages: int, placements: list[Placement], folds: list) -> Imposition:
        pieces = [(x, y, *self.piece) for _, x, y in self.origins()]
        box = (self.left, self.bottom, self.left + self.width, self.bottom + self.height)
        return Imposition(
            name, pages, tuple(placements), tuple((0, *p) for p in pieces), tuple(_marks(0, pieces)),
            tuple(_folds(0, folds, box)), self.bottom + self.height + MARK_OFFSET + MARK_LENGTH,
            self.bottom - MARK_OFFSET - MARK_LENGTH, copies=self.rows * self.columns,
        )


def duplex(paper: str, face_count: int, *, rtl: bool = False, top: float | None = None,
           rows: int = DUPLEX_ROWS) -> Imposition:
    """Outside spreads on page 1, inside spreads on page 2 at mirrored positions.

    ``top``: the y of the highest cut mark (default: the grid centred on the page)."""
    outside, inside = spreads(face_count, rtl)
    spread_width = len(outside) * FACE_WIDTH
    grid = _Grid.on(paper, spread_width, FACE_HEIGHT, rows, top)
    placements, folds = [], []
    for copy, x, y in grid.origins():
        mirrored = PAPERS[paper][0] - x - spread_width  # a long-edge flip swaps left and right
        for slot, face in enumerate(outside):
            placements.append(Placement(face, copy, 0, x + slot * FACE_WIDTH, y))
        for slot, face in enumerate(inside):
            placements.append(Placement(face, copy, 1, mirrored + slot * FACE_WIDTH, y))
        for slot in range(1, len(outside)):
            fold_x = x + slot * FACE_WIDTH
            folds.append((fold_x, y, fold_x, y + FACE_HEIGHT))
    return grid.imposition("duplex", 2, placements, folds)


def foldover(paper: str, face_count: int, *, rtl: bool = False, top: float | None = None,
             rows: int = FOLDOVER_ROWS) -> Imposition:
    """One side of the paper: each piece is the outside spread with the inside spread
    above it, turned 180 degrees; fold lines between them (and down the middle of a
    bi-fold)."""
    outside, inside = spreads(face_count, rtl)
    piece_width = len(outside) * FACE_WIDTH
    piece_height = 2 * FACE_HEIGHT
    grid = _Grid.on(paper, piece_width, piece_height, rows, top)
    placements, folds = [], []
    for copy, x, y in grid.origins():
        for slot, face in enumerate(outside):
            placements.append(Placement(face, copy, 0, x + slot * FACE_WIDTH, y))
        for slot, face in enumerate(inside):
            # Turned 180 degrees about the piece's centre: the leftmost face lands rightmost.
            placements.append(Placement(face, copy, 0, x + piece_width - (slot + 1) * FACE_WIDTH,
                                        y + FACE_HEIGHT, rotated=True))
        folds.append((x, y + FACE_HEIGHT, x + piece_width, y + FACE_HEIGHT))
        for slot in range(1, len(outside)):
            fold_x = x + slot * FACE_WIDTH
            folds.append((fold_x, y, fold_x, y + piece_height))
    return grid.imposition("foldover", 1, placements, folds)


IMPOSITIONS = {"duplex": duplex, "foldover": foldover}
