"""Copies drawn once: the card sheet's untagged copies of a face replay the first one.

A duplex sheet prints each face up to six times; only one copy is content, the others
are artifacts, and every artifact copy of a face writes the same operators (all of
them relative to the face's origin, which the caller moves with ``translate`` and
``rotate``). So the first artifact copy is drawn and its operators kept, with the
drawing's side effects that depend on where it is (a link's rectangle, a form field's
widget): each later copy appends the operators and runs those side effects again at its
own place. The page gets the bytes drawing every copy would have written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Action = Callable[[Any], None]  # a side effect, run again on the canvas at the copy's place
Matrix = tuple[float, float, float, float, float, float]


@dataclass
class Recording:
    canvas: Any
    origin: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # the transformation when the copy began
    operators: list[str] = field(default_factory=list)
    actions: list[tuple[Action, Matrix]] = field(default_factory=list)  # each with the transformation it ran in


def note(canvas, action: Action) -> None:
    """Called by drawing code right after a side effect that depends on the current
    transformation (it is run again, with the canvas, for each replayed copy)."""
    actions = getattr(canvas, "_handouts_recording", None)
    if actions is not None:
        actions.append((action, canvas._currentMatrix))


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n``, as ReportLab's ``Canvas.transform`` composes them."""
    a0, b0, c0, d0, e0, f0 = m
    a, b, c, d, e, f = n
    return (a0 * a + c0 * b, b0 * a + d0 * b, a0 * c + c0 * d, b0 * c + d0 * d, a0 * e + c0 * f + e0,
            b0 * e + d0 * f + f0)


def _inverse(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def draw_once(canvas, recording: Recording | None, draw: Callable[[], None]) -> Recording:
    """Run ``draw`` and keep what it wrote, or replay ``recording`` when it was made on
    this canvas (a recording belongs to one document)."""
    if recording is not None and recording.canvas is canvas:
        canvas._code.extend(recording.operators)
        here = canvas._currentMatrix
        back = _inverse(recording.origin)
        for action, matrix in recording.actions:  # where it ran, relative to the copy, moved here
            canvas._currentMatrix = _multiply(here, _multiply(back, matrix))
            try:
                action(canvas)
            finally:
                canvas._currentMatrix = here
        return recording
    if getattr(canvas, "_handouts_recording", None) is not None:  # inside another recording: just draw
        draw()
        return Recording(None)
    made = Recording(canvas, canvas._currentMatrix)
    start = len(canvas._code)
    canvas._handouts_recording = made.actions
    try:
        draw()
    finally:
        canvas._handouts_recording = None
    made.operators = canvas._code[start:]
    return made


__all__ = ["Recording", "draw_once", "note"]
