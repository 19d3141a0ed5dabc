"""Flows of every shape the engine makes, and each made whole by hand: for the tests of weighing them
(test_flows.py) and of adding them up year by year (test_yearly.py)."""

from __future__ import annotations

import numpy as np

from barnetmodel.engine.flows import Event, Flow

DRAWS, YEARS = 200, 6


def every_flow(rng: np.random.Generator) -> list[Flow | Event]:
    """One flow of every shape the engine makes, in cash and in real prices."""
    drawn = rng.normal(10.0, 3.0, (DRAWS, 1))  # amounts of both signs
    profile = rng.random((1, YEARS))
    rows = np.sort(rng.choice(DRAWS, 30, replace=False))
    grown = (1 + rng.uniform(-0.02, 0.05, (DRAWS, 1))) ** np.arange(YEARS)  # a drawn growth's powers, shared
    return [
        Flow(drawn, np.ones((1, YEARS)), grown=grown),  # lines grown at one drawn rate
        Flow(3 * drawn, np.ones((1, YEARS)), grown=grown),  # the same profile: one row with the line above
        Flow(np.full((1, 1), 2.0), (np.arange(YEARS) >= 2)[None, :] * 0.5, grown=grown),  # in a window, ramped
        Flow(-drawn, np.ones((1, YEARS)), indexed=True, grown=grown),  # in real prices
        Flow(drawn, rng.random((DRAWS, YEARS)), grown=grown),  # a drawn ramp as well: weighed whole
        Flow(np.full((1, 1), 4.0), profile),  # nothing drawn
        Flow(np.full((1, 1), -2.5), rng.random((1, YEARS)), indexed=True),
        Flow(drawn, profile),  # a drawn amount
        Flow(-drawn, rng.random((1, YEARS)), indexed=True),
        Flow(drawn, rng.random((DRAWS, YEARS))),  # a drawn profile (drawn growth, a recurring risk)
        Flow(np.full((1, 1), 3.0), rng.random((DRAWS, YEARS)), indexed=True),
        Event(DRAWS, drawn, rows, rng.integers(0, YEARS, len(rows)), YEARS),  # a one-off risk
        Event(DRAWS, np.full((1, 1), 9.0), rows[:5], rng.integers(0, YEARS, 5), YEARS, indexed=True),
    ]


def made_whole(flow: Flow | Event, price_index: np.ndarray) -> np.ndarray:
    """The (draws, years) nominal flow, by hand: each draw's amount times its profile, year by year."""
    out = np.zeros((DRAWS, YEARS))
    if isinstance(flow, Event):
        for row, column in zip(flow.rows, flow.columns, strict=True):
            out[row, column] = flow.amount[row if flow.amount.shape[0] > 1 else 0, 0]
    else:
        for d in range(DRAWS):
            amount = flow.amount[d if flow.amount.shape[0] > 1 else 0, 0]
            out[d] = amount * flow.profile[d if flow.profile.shape[0] > 1 else 0]
            if flow.grown is not None:
                out[d] *= flow.grown[d]
    return out * price_index if flow.indexed else out


SCENARIOS = ["one_barnet_council_case", "critics_stress", "actually_paid", "in_house_improvement"]
# And the benchmark cases: many lines grown at a few drawn rates (shared powers), windows, ramps, shares.
BENCHMARKS = ["named_inputs", "sizes/small", "sizes/medium"]
