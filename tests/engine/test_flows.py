"""Factored flows: weighted sums over the years against the whole (draws x years) arrays, summed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from flow_cases import BENCHMARKS, DRAWS, SCENARIOS, YEARS, every_flow, made_whole

from barnetmodel.engine.flows import Event, Flow, Switched, weigh
from barnetmodel.engine.projection import project
from barnetmodel.engine.sampling import Sampler
from barnetmodel.scenario.load import load
from conftest import ROOT


@pytest.mark.parametrize("drawn_inflation", [False, True])
def test_weighted_sums_match_the_whole_flows(drawn_inflation: bool) -> None:
    rng = np.random.default_rng(7)
    flows = every_flow(rng)
    inflation = rng.uniform(0.0, 0.05, (DRAWS, 1)) if drawn_inflation else np.full((1, 1), 0.02)
    price_index = np.broadcast_to((1 + inflation) ** np.arange(YEARS), (DRAWS, YEARS))
    weights = np.column_stack([np.ones(YEARS), 1.035 ** -np.arange(YEARS), np.arange(YEARS) < 2])
    groups = [flows[:4] + flows[5:9], flows[4:5] + flows[9:], []]
    for basis in ("nominal", "real"):
        # (cash factor, real-price factor): nominal is cash; real is cash / price index.
        factors = (None, price_index) if basis == "nominal" else (1 / price_index, None)
        sums = weigh(groups, weights, factors)
        for group, got in zip(groups, sums, strict=True):
            nominal = sum((made_whole(f, price_index) for f in group), np.zeros((DRAWS, YEARS)))
            expected = (nominal if basis == "nominal" else nominal / price_index) @ weights
            np.testing.assert_allclose(np.broadcast_to(got, (3, DRAWS)), expected.T, rtol=1e-12, atol=1e-12)


def test_the_nominal_flow_is_amount_times_profile() -> None:
    flows = every_flow(np.random.default_rng(3))
    price_index = 1.02 ** np.arange(YEARS)[None, :]
    for flow in flows:
        np.testing.assert_allclose(
            np.broadcast_to(flow.nominal(price_index), (DRAWS, YEARS)), made_whole(flow, price_index), rtol=1e-15
        )


def test_scaled_multiplies_the_amount() -> None:
    flow = Flow(np.array([[2.0], [-1.0]]), np.array([[1.0, 0.5]]))
    np.testing.assert_array_equal(
        flow.scaled(np.array([[1.5], [0.5]])).nominal(np.ones((1, 2))), [[3, 1.5], [-0.5, -0.25]]
    )


@pytest.mark.parametrize(
    "path", [f"scenarios/{n}.yaml" for n in SCENARIOS] + [f"benchmarks/{n}.yaml" for n in BENCHMARKS]
)
def test_projection_weighted_equals_the_whole_cost_summed(path: str) -> None:
    # Every scenario, with drawn inputs and drawn risk events: the factored sums against the whole flows.
    scenario = load(str(ROOT / path)).scenario
    inputs = Sampler(scenario, 11, "monte_carlo").draw(500)
    projection = project(scenario, inputs)
    weights = np.column_stack([np.ones(scenario.horizon.years), projection.discount_factor])
    for basis in ("nominal", "real"):
        sums = projection.weighted(basis, weights)
        for option in scenario.options:
            expected = projection.cost(option, basis) @ weights
            np.testing.assert_allclose(sums[option], expected.T, rtol=1e-12, atol=1e-9)


def test_lines_grown_at_one_drawn_rate_share_its_powers() -> None:
    # benchmarks/sizes/small.yaml grows its lines at two named drawn rates: two arrays of powers in all,
    # each the rate's own powers, year by year, from the price base.
    scenario = load(str(ROOT / "benchmarks" / "sizes" / "small.yaml")).scenario
    inputs = Sampler(scenario, 5, "monte_carlo").draw(300)
    projection = project(scenario, inputs)
    flows = [f for option in projection.line_flows.values() for f in option.values() if f.grown is not None]
    shared = {id(f.grown): f.grown for f in flows}
    assert len(flows) > 10 and len(shared) == 2
    periods = projection.years - scenario.price_base
    rates = [projection.inputs.named[name][:, 0] for name in ("growth_1", "growth_2")]
    expected = [(1 + rate)[:, None] ** periods for rate in rates]
    for powers in shared.values():
        assert any(np.allclose(powers, e, rtol=1e-13) for e in expected)


def test_a_product_with_one_weight_a_row_is_the_sum_bit_for_bit() -> None:
    # Yearly figures weigh with one weight a year: each row of the product is made as weight x a row, not
    # summed over the years; the same bits as numpy's sum over the years (zeros, -0 and all).
    from barnetmodel.engine.flows import _product

    rng = np.random.default_rng(4)
    b = rng.normal(0.0, 1e3, (YEARS, DRAWS))
    b[2, :5] = -0.0
    a = np.zeros((4 * YEARS, YEARS))
    a[np.arange(4 * YEARS), np.tile(np.arange(YEARS), 4)] = rng.normal(0.0, 3.0, 4 * YEARS)
    a[3] = 0.0  # a row with no weight at all
    a[2, 2] = -0.0
    a[1, 1] = -2.5
    got = _product(a, b)
    expected = np.einsum("ij,jn->in", a, b)
    assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))
    assert np.count_nonzero(got) > DRAWS  # not a product of zeros


def test_a_product_summed_over_each_rows_weighed_years_is_the_whole_sum_bit_for_bit() -> None:
    # Rows that weigh only some years (a line starting or ending within the horizon, a target counted to a year,
    # a one-off): each summed from its first weight to its last, or one weight times a row; the same bits as
    # numpy's sum over every year, -0 and zeros within a row's years included.
    from barnetmodel.engine.flows import _product

    rng = np.random.default_rng(5)
    b = rng.normal(0.0, 1e3, (YEARS, DRAWS))
    b[3, :7] = -0.0
    a = rng.normal(0.0, 3.0, (9, YEARS))
    a[0, :2] = 0.0  # starts in the third year
    a[1, 4:] = 0.0  # ends in the fourth
    a[2, [0, 1, 5]] = 0.0  # a window
    a[3, 2] = 0.0  # a gap within its years
    a[4] = 0.0
    a[4, 3] = -1.5  # one weight
    a[5] = 0.0  # none
    a[6, 0] = -0.0  # a -0 weight in the first year: no weight
    a[7, :] = np.where(np.arange(YEARS) < 3, 0.0, a[7])
    a[7, 3] = 0.0  # its first weight after a zero
    got = _product(a, b)
    expected = np.einsum("ij,jn->in", a, b)
    assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))
    assert np.count_nonzero(got[0]) == DRAWS and not got[5].any()


@pytest.mark.parametrize("drawn_inflation", [False, True])
def test_lines_sharing_a_drawn_growth_weigh_bit_for_bit_as_each_weighed_whole(drawn_inflation: bool) -> None:
    # Sharing a growth's powers is an optimisation only: the same lines with their powers folded into their
    # profiles (so each is weighed whole, a (draws, years) profile) give the same bits, for profiles of 0s and
    # 1s (one product for all), a ramp (weighed whole, once for the lines that have it), several lines of one
    # profile in a group (each scaled by its own amount, added in its turn), and lines of both price bases.
    rng = np.random.default_rng(12)
    grown = (1 + rng.uniform(-0.02, 0.05, (DRAWS, 1))) ** np.arange(YEARS)
    other = (1 + rng.uniform(0.0, 0.03, (DRAWS, 1))) ** np.arange(YEARS)
    drawn = rng.normal(10.0, 3.0, (DRAWS, 1))
    window = (np.arange(YEARS) >= 2)[None, :].astype(float)
    ramp = np.minimum(1.0, (np.arange(YEARS) + 1) / 3.0)[None, :]
    shared: list[list[Flow | Switched | Event]] = [
        [
            Flow(drawn, np.ones((1, YEARS)), grown=grown),
            Flow(np.full((1, 1), 4.0), window, grown=grown),
            Flow(0.3 * drawn, np.ones((1, YEARS)), grown=grown),  # the profile of the first: not added to it
            Flow(drawn, rng.random((1, YEARS))),  # no growth drawn, in between
            Flow(-drawn, window, indexed=True, grown=grown),
            Flow(drawn, ramp, grown=grown),
            Flow(2 * drawn, ramp, grown=other),
        ],
        [Flow(0.7 * drawn, window, grown=grown), Flow(drawn, ramp, indexed=True, grown=grown)],
    ]
    whole: list[list[Flow | Switched | Event]] = [
        [Flow(f.amount, f.shape(), f.indexed) for f in group if isinstance(f, Flow)] for group in shared
    ]
    inflation = rng.uniform(0.0, 0.05, (DRAWS, 1)) if drawn_inflation else np.full((1, 1), 0.02)
    price_index = np.broadcast_to((1 + inflation) ** np.arange(YEARS), (DRAWS, YEARS))
    weights = np.column_stack([np.ones(YEARS), 1.035 ** -np.arange(YEARS), np.arange(YEARS) < 2])
    for factors in [(None, price_index), (1 / price_index, None)]:
        got = weigh(shared, weights, factors)
        expected = weigh(whole, weights, factors)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("drawn_inflation", [False, True])
def test_a_share_of_a_whole_line_keeps_its_profile_and_weighs_bit_for_bit(drawn_inflation: bool) -> None:
    # A line indexed at a drawn rate has a whole (draws, years) profile; a share of it over the same years
    # (times 1 every year) keeps that array, not a copy, and weigh() weighs it once for both: the same bits as
    # each weighed on its own copy. Switched (a failure stops the line in some draws) the same.
    rng = np.random.default_rng(3)
    line = Flow(np.full((1, 1), 15.4), (1 + rng.uniform(0.01, 0.03, (DRAWS, 1))) ** np.arange(YEARS))
    share = line.scaled(0.02).reshaped(np.ones((1, YEARS)))
    assert share.profile is line.profile and line.reshaped(np.ones(YEARS)).profile is line.profile
    assert line.reshaped(np.ones((DRAWS, YEARS))).profile is not line.profile  # made whole: a new array
    rows = np.array([3, 50, 51])
    switched = Switched(line, DRAWS, rows, line.written_rows(rows) * -1.0)
    assert switched.scaled(0.02).reshaped(np.ones((1, YEARS))).profile is line.profile
    copied = Flow(share.amount, share.profile.copy())
    inflation = rng.uniform(0.0, 0.05, (DRAWS, 1)) if drawn_inflation else np.full((1, 1), 0.02)
    price_index = (1 + inflation) ** np.arange(YEARS)
    weights = np.column_stack([np.ones(YEARS), 1.035 ** -np.arange(YEARS)])
    for factors in [(None, price_index), (1 / price_index, None)]:
        for first in (line, switched):
            together = weigh([[first, share]], weights, factors)[0]
            apart = weigh([[first, copied]], weights, factors)[0]
            assert together.tobytes() == apart.tobytes()
