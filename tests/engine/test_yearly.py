"""Each year's cost of a group of flows (engine/yearly.py), for the yearly bands: against each flow made whole by
hand, and the whole costs of every shipped scenario and benchmark case."""

from __future__ import annotations

import numpy as np
import pytest
from flow_cases import BENCHMARKS, DRAWS, SCENARIOS, YEARS, every_flow, made_whole

from barnetmodel.engine import yearly
from barnetmodel.engine.flows import Event, Flow, Switched
from barnetmodel.engine.projection import project
from barnetmodel.engine.sampling import Sampler
from barnetmodel.engine.yearly import totals
from barnetmodel.scenario.load import load
from conftest import ROOT


@pytest.mark.parametrize("drawn_inflation", [False, True])
@pytest.mark.parametrize("slice_draws", [yearly.YEARLY_SLICE, 64], ids=["one slice", "slices"])
def test_costs_by_year_match_the_whole_flows(
    drawn_inflation: bool, slice_draws: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The yearly bands' costs: every shape of flow, and a switch's change in a few draws, against each flow made
    # whole by hand (made_whole) and added up; to rounding, as lines sharing a growth are added up before it.
    # The lines' einsum in one slice of draws, or in slices of 64 (the last one short: 200 draws).
    monkeypatch.setattr(yearly, "YEARLY_SLICE", slice_draws)
    rng = np.random.default_rng(8)
    flows: list[Flow | Switched | Event] = list(every_flow(rng))
    line = flows[0]
    assert isinstance(line, Flow)
    rows = np.array([4, 17, 150])
    delta = -line.written_rows(rows) * (np.arange(YEARS) >= 3)  # the line stops from its fourth year
    flows.append(Switched(line.scaled(0.5).marked(indexed=True, transfer=False), DRAWS, rows, 0.5 * delta))
    inflation = rng.uniform(0.0, 0.05, (DRAWS, 1)) if drawn_inflation else np.full((1, 1), 0.02)
    price_index = np.broadcast_to((1 + inflation) ** np.arange(YEARS), (DRAWS, YEARS))
    groups = [flows[:4] + flows[5:9], flows[4:5] + flows[9:], [flows[5]], []]
    for group, got in zip(groups, totals(groups, (None, price_index), YEARS), strict=True):
        expected = np.zeros((DRAWS, YEARS))
        for flow in group:
            if isinstance(flow, Switched):  # as if nothing happened, then its change where it did, in real prices
                expected += made_whole(flow.base, price_index)
                expected[rows] += 0.5 * delta * price_index[rows]
            else:
                expected += made_whole(flow, price_index)
        np.testing.assert_allclose(np.broadcast_to(got, (YEARS, DRAWS)), expected.T, rtol=1e-13, atol=1e-12)
    assert totals([[flows[5]]], (None, None), YEARS)[0].shape == (YEARS, 1)  # nothing drawn: one column


def test_costs_by_year_worked_by_hand() -> None:
    # Two draws, three years. Lines grown at one drawn rate, g = 10% and 0% (powers 1, 1.1, 1.21 and 1, 1, 1):
    # 2 and 4 a year from year 2 (profile 0, 1, 1), and a fixed 1 a year, all in cash: added up, then grown.
    #   draw 1: (0 + 1, 2 + 1, 2 + 1) x (1, 1.1, 1.21) = 1, 3.3, 3.63;  draw 2: (1, 5, 5) x 1 = 1, 5, 5.
    # A line of 10 in real prices in year 3 only, inflation 5%: 10 x 1.05^2 = 11.025 in both draws.
    # An event of 7 in draw 2, year 1, in cash.
    grown = np.array([[1.0, 1.1, 1.21], [1.0, 1.0, 1.0]])
    flows: list[Flow | Switched | Event] = [
        Flow(np.array([[2.0], [4.0]]), np.array([[0.0, 1.0, 1.0]]), grown=grown),
        Flow(np.full((1, 1), 1.0), np.ones((1, 3)), grown=grown),
        Flow(np.full((1, 1), 10.0), np.array([[0.0, 0.0, 1.0]]), indexed=True),
        Event(2, np.full((1, 1), 7.0), np.array([1]), np.array([0]), 3),
    ]
    price_index = 1.05 ** np.arange(3)[None, :]
    got = totals([flows], (None, price_index), 3)[0]
    np.testing.assert_allclose(got, [[1.0, 1.0 + 7.0], [3.3, 5.0], [3.63 + 11.025, 5.0 + 11.025]], rtol=1e-15)


@pytest.mark.parametrize(
    "path",
    [f"scenarios/{n}.yaml" for n in [*SCENARIOS, "what_happened"]]
    + [f"benchmarks/{n}.yaml" for n in [*BENCHMARKS, "contracts"]],
)
def test_projection_costs_by_year_equal_the_whole_cost(path: str) -> None:
    # The yearly bands' costs, with drawn inputs, risk events, switches and guarantees (the contracts case).
    scenario = load(str(ROOT / path), allow_extends_outside=True).scenario
    projection = project(scenario, Sampler(scenario, 11, "monte_carlo").draw(500))
    by_option = projection.nominal_by_year()
    for option in scenario.options:
        expected = projection.cost(option, "nominal").T
        np.testing.assert_allclose(by_option[option], expected, rtol=1e-12, atol=1e-9)


def test_costs_by_year_of_lines_drawn_each_year_and_biased() -> None:
    # Lines whose draws are in their profiles (drawn afresh each year, with persistence; a price profile of
    # drawn years), a drawn growth shared by two lines, optimism bias on all of them, in real prices with
    # drawn inflation: each year's cost against the whole cost.
    from barnetmodel.scenario.models import Scenario

    scenario = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 6},
            "money": {"inflation": {"uniform": {"low": 0.0, "high": 0.04}}, "prices": "real"},
            "inputs": {"rise": {"uniform": {"low": -0.01, "high": 0.03}}},
            "baseline": "a",
            "options": {
                "a": {"title": "A", "lines": [{"name": "staff", "annual": 10, "growth": "rise"}]},
                "b": {
                    "title": "B",
                    "optimism_bias": {"uplift": {"uniform": {"low": 0.0, "high": 0.2}}},
                    "lines": [
                        {
                            "name": "fee",
                            "annual": {"normal": {"mean": 5, "sd": 2}},
                            "draw": "yearly",
                            "persistence": 0.6,
                        },
                        {"name": "extra", "by_year": {2014: {"uniform": {"low": -1, "high": 3}}, 2016: 4}},
                        {"name": "kept", "annual": 2, "growth": "rise", "to": 2016},
                        {"name": "ramped", "annual": 3, "growth": "rise", "ramp": [0.5]},
                    ],
                },
            },
        }
    )
    projection = project(scenario, Sampler(scenario, 5, "monte_carlo").draw(400))
    by_option = projection.nominal_by_year()
    for option in scenario.options:
        expected = projection.cost(option, "nominal").T
        assert expected.shape == (6, 400) and np.ptp(expected[1:], axis=1).min() > 0  # drawn (from the 2nd year)
        np.testing.assert_allclose(by_option[option], expected, rtol=1e-12, atol=1e-12)
