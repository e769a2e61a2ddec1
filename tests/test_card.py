"""The ER card: wallet size, fits in every locale, fronts and backs line up for duplex."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from handouts.layout.card import CARD_HEIGHT, CARD_WIDTH, card_positions, panel_sizes
from handouts.layout.fonts import stack_for
from handouts.layout.paper import PAPERS
from handouts.settings import Settings
from tests.conftest import MATRIX, PROJECT, compose

CARDS = [(c, tag, h) for c, tag, h in MATRIX if PROJECT.handout(c, h).kind == "wallet-card"]


def test_card_is_id1_size():
    assert round(CARD_WIDTH / mm, 1) == 85.6 and round(CARD_HEIGHT / mm, 1) == 54.0


@pytest.mark.parametrize("condition, locale, handout", CARDS)
def test_every_locale_card_fits_at_7_pt_or_more(example_settings, condition, locale, handout):
    for settings in (Settings(), example_settings):
        document = compose(condition, handout, locale, settings)
        sizes = panel_sizes(document, stack_for(locale))
        assert all(size >= 7 for size in sizes.values()), sizes


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_backs_mirror_fronts_for_long_edge_duplex(paper):
    width, height = PAPERS[paper]
    fronts = card_positions(paper, back=False)
    backs = card_positions(paper, back=True)
    assert len(fronts) == len(backs) == 6
    for (fx, fy), (bx, by) in zip(fronts, backs):
        assert by == fy
        assert abs((bx + CARD_WIDTH / 2) - (width - (fx + CARD_WIDTH / 2))) < 0.01
    for x, y in fronts:  # every card on the sheet, with room for the cut marks
        assert 10 * mm <= x and x + CARD_WIDTH <= width - 10 * mm
        assert 10 * mm <= y and y + CARD_HEIGHT <= height - 10 * mm
    for i, (x1, y1) in enumerate(fronts):  # cards never overlap
        for x2, y2 in fronts[i + 1:]:
            assert abs(x1 - x2) >= CARD_WIDTH or abs(y1 - y2) >= CARD_HEIGHT
