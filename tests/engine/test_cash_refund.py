"""contracts.cash_refund: a guarantee's refund made once for the years in which every draw's is the same, must
be the array contracts.refund makes draw by draw, bit for bit and in the same memory layout (the weighing of
whole flows depends on it), whatever mix of such years and others the lines give."""

from __future__ import annotations

import numpy as np
import pytest

from barnetmodel.engine import contracts
from barnetmodel.engine.flows import powers

DRAWS, YEARS = 2_000, 9


def by_draws(
    written: list[tuple[np.ndarray, bool]], level: np.ndarray, cap: np.ndarray | None, price_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What the engine made before cash_refund: each line's cash flow added up from 0, then refund."""
    cost = sum((amounts * price_index if real else amounts for amounts, real in written), np.zeros((1, YEARS)))
    active = (np.arange(YEARS) != 2).astype(float)[None, :]
    return contracts.refund(False, cost, level, cap, None, active, price_index), active


def same_array(made: np.ndarray | None, expected: np.ndarray) -> None:
    assert made is not None
    assert made.shape == expected.shape
    assert made.flags.f_contiguous == expected.flags.f_contiguous
    assert made.flags.c_contiguous == expected.flags.c_contiguous
    assert made.tobytes() == expected.tobytes()  # bit for bit, signs of zeros and all


def drawn_index(rng: np.random.Generator, layout: str) -> np.ndarray:
    inflation = rng.uniform(-0.01, 0.04, (DRAWS, 1))
    if layout == "powers":  # as projection.py makes it from a drawn rate: (draws, years) in Fortran order
        return powers(1.0 + inflation, np.arange(YEARS))
    published = np.linspace(0.9, 1.3, YEARS)[None, :]  # a published series, the rate on top after it ends
    return published * (1.0 + inflation) ** np.maximum(np.arange(YEARS) - 5, 0).astype(float)


@pytest.mark.parametrize("layout", ["powers", "series"])
@pytest.mark.parametrize("seed", range(40))
def test_the_refund_is_the_one_made_draw_by_draw(layout: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    price_index = drawn_index(rng, layout)
    written = []
    for _ in range(int(rng.integers(1, 4))):
        amounts = rng.choice([-3.38, -1.0, 0.0, 0.5, 2.0, 7.25], YEARS)[None, :] * rng.choice([0.0, 0.5, 1.0], YEARS)
        written.append((amounts, bool(rng.integers(0, 2)) or not written))
    level = np.full((1, 1), rng.choice([-3.38, -1.0, 0.0, 1.0, 4.0]))
    cap = None if rng.integers(0, 2) else np.full((1, 1), rng.choice([0.5, 3.0]))
    expected, active = by_draws(written, level, cap, price_index)
    made = contracts.cash_refund(written, level, cap, active, price_index)
    if made is not None:
        same_array(made, expected)


def test_an_income_in_real_prices_guaranteed_in_cash_is_known_in_every_year() -> None:
    """The benchmark's guarantee of Re's income: in real prices, half in its first year, nothing after its last,
    against a level in cash. Every year's refund is the same in every draw (the income is more than the level
    once prices have risen), and the same array as draw by draw."""
    rng = np.random.default_rng(1)
    price_index = powers(1.0 + rng.uniform(0.01, 0.03, (DRAWS, 1)), np.arange(YEARS))
    income = -3.38 * np.array([[0.5, 1, 1, 1, 1, 1, 1, 1, 0]])
    written, level = [(income, True)], np.full((1, 1), -3.38)
    expected, active = by_draws(written, level, None, price_index)
    made = contracts.cash_refund(written, level, None, active, price_index)
    same_array(made, expected)
    assert (expected == expected[:1]).all()


def test_drawn_or_unknowable_cases_are_left_to_the_draw_by_draw_refund() -> None:
    rng = np.random.default_rng(2)
    price_index = powers(1.0 + rng.uniform(0.01, 0.03, (DRAWS, 1)), np.arange(YEARS))
    line, active, level = np.ones((1, YEARS)), np.ones((1, YEARS)), np.full((1, 1), 0.5)
    assert contracts.cash_refund([(line, False)], level, None, active, price_index) is None  # cash: one row
    drawn = rng.uniform(1, 2, (DRAWS, 1)) * line
    assert contracts.cash_refund([(drawn, True)], level, None, active, price_index) is None
    assert contracts.cash_refund([(line, True)], np.full((DRAWS, 1), 0.5), None, active, price_index) is None
    assert contracts.cash_refund([(line, True)], level, None, active, price_index[:1]) is None  # one row
    # A price index of nan in a year: that year worked out draw by draw, nan where it is.
    broken = price_index.copy()
    broken[7, 3] = np.nan
    expected, active = by_draws([(line, True)], level, None, broken)
    same_array(contracts.cash_refund([(line, True)], level, None, active, broken), expected)


def test_lines_of_both_signs_in_real_prices_are_worked_out_draw_by_draw() -> None:
    """An income and a cost in real prices: their sum need not rise with the index once rounded (here the middle
    draw's cost is above the level by a hair, the others' below it), so the bounds of the index do not bound the
    cost, and each draw is worked out."""
    low, middle, high = 1.9130000000000167, 1.9130000000000174, 1.9130000000000178
    price_index = np.asfortranarray(np.repeat([[low], [middle], [high]], YEARS, axis=1))
    written = [(np.full((1, YEARS), -9.67), True), (np.full((1, YEARS), 6.27), True)]
    for amounts, _ in written:
        amounts[0, 0] = 0.0  # nothing in the first year: known (a refund of the level's) in every draw
    level = np.full((1, 1), -6.504200000000059)
    expected, active = by_draws(written, level, None, price_index)
    assert (expected[1, 1:] > 0).any() and not expected[[0, 2], 1:].any()
    same_array(contracts.cash_refund(written, level, None, active, price_index), expected)
