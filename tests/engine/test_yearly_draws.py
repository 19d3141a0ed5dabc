"""`draw: yearly`: an uncertain annual amount drawn afresh each year, independently or with `persistence`;
checked against per-draw computations done here and against the variance of a sum worked by hand."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from barnetmodel.analysis.analyse import analyse
from barnetmodel.analysis.sensitivity import analyse_sensitivity
from barnetmodel.engine.sampling import Sampler
from barnetmodel.errors import ScenarioError
from barnetmodel.scenario.load import load

YEARS = 5
# Five years, no inflation, no discounting: a total is the plain sum of its years.
SCENARIO = """\
title: Yearly
horizon: {start: 2013, years: 5}
money: {inflation: 0.0, discount: 0.0}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - name: Variations
        annual: {normal: {mean: 2, sd: 1}}
        DRAW
"""
STREAM = "options.outsource.lines.Variations.annual"


def scenario_file(write: Callable[[str], Path], draw: str) -> Path:
    return write(SCENARIO.replace("DRAW", draw))


def stream(seed: int, name: str) -> np.random.Generator:
    """An input's random stream: the seed, and a key from the SHA-256 of its name (README, "Drawing")."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def saving(results: dict) -> dict:
    return results["uncertainty"]["options"][1]["saving_nominal"]


def assert_same_figures(found: dict, per_draw: np.ndarray) -> None:
    assert found["mean"] == pytest.approx(per_draw.mean(), rel=1e-12)
    for q in (5, 10, 50, 90, 95):
        assert found[f"p{q}"] == pytest.approx(np.percentile(per_draw, q), rel=1e-12)


def test_independent_years_against_a_per_draw_computation(write: Callable[[str], Path]) -> None:
    n, seed = 4_000, 3
    results = analyse(load(str(scenario_file(write, "draw: yearly"))), draws=n, seed=seed)
    # A value a year from the line's own stream, year after year within each draw.
    values = stream(seed, STREAM).normal(2, 1, n * YEARS).reshape(n, YEARS)
    per_draw = np.array([5 * 10 - sum(values[i, t] for t in range(YEARS)) for i in range(n)])
    assert_same_figures(saving(results), per_draw)
    entry = results["uncertainty"]["inputs"][0]
    assert (entry["draw"], entry["persistence"]) == ("yearly", 0.0)


def test_persistent_years_against_a_per_draw_computation(write: Callable[[str], Path]) -> None:
    n, seed, rho = 4_000, 3, 0.5
    results = analyse(load(str(scenario_file(write, "draw: yearly\n        persistence: 0.5"))), draws=n, seed=seed)
    # Normal scores z_0 = e_0, z_t = rho z_(t-1) + sqrt(1 - rho^2) e_t; the value is the normal's inverse CDF at
    # the score's probability, here mean + sd x z.
    shocks = stream(seed, STREAM).standard_normal((n, YEARS))
    per_draw = []
    for i in range(n):
        z, total = shocks[i, 0], 0.0
        for t in range(YEARS):
            if t:
                z = rho * z + (1 - rho**2) ** 0.5 * shocks[i, t]
            total += 2 + 1 * special.ndtri(special.ndtr(z))
        per_draw.append(50 - total)
    assert_same_figures(saving(results), np.array(per_draw))


@pytest.mark.parametrize(
    "draw, variance",
    [
        # Var(sum of 5 years) for sd 1: once, the same draw every year: 5^2 = 25; independent years: 5;
        # persistence 0.5 (the values are normal, so their correlation k years apart is 0.5^k):
        # 5 + 2 x (4 x 0.5 + 3 x 0.25 + 2 x 0.125 + 1 x 0.0625) = 5 + 2 x 3.0625 = 11.125.
        ("", 25.0),
        ("draw: once", 25.0),
        ("draw: yearly", 5.0),
        ("draw: yearly\n        persistence: 0.5", 11.125),
        ("draw: yearly\n        persistence: 1", 25.0),
    ],
)
def test_the_spread_of_a_total_follows_how_years_are_drawn(
    draw: str, variance: float, write: Callable[[str], Path]
) -> None:
    n = 200_000
    found = saving(analyse(load(str(scenario_file(write, draw))), draws=n, seed=1))
    sd = found["standard_error"] * n**0.5
    # The sample sd of 200,000 normal draws is within 0.5% of the true one (its own sd is 0.16%).
    assert sd == pytest.approx(variance**0.5, rel=0.005)
    assert found["mean"] == pytest.approx(50 - 5 * 2, abs=5 * found["standard_error"])


def test_latin_hypercube_stratifies_each_year(write: Callable[[str], Path]) -> None:
    text = SCENARIO.replace("{normal: {mean: 2, sd: 1}}", "{uniform: {low: 0, high: 4}}").replace(
        "DRAW", "draw: yearly"
    )
    scenario = load(str(write(text))).scenario
    n = 1_000
    drawn = (
        Sampler(scenario, 9, "latin_hypercube")
        .draw(n)
        .yearly[("options", "outsource", "lines", "Variations", "annual")]
    )
    assert drawn.shape == (n, YEARS)
    for year in range(YEARS):  # one value in each of the n equal slices of 0-4, in every year
        assert sorted(np.floor(drawn[:, year] / 4 * n).astype(int)) == list(range(n))
    assert not np.array_equal(drawn[:, 0], drawn[:, 1])


def test_optimism_bias_on_a_line_whose_sign_changes_from_year_to_year(write: Callable[[str], Path]) -> None:
    """A value a year from -1 to 1: raised by the bias in the years it is a cost, cut in those it is an income."""
    text = SCENARIO.replace("{normal: {mean: 2, sd: 1}}", "{uniform: {low: -1, high: 1}}").replace(
        "DRAW", "draw: yearly\n    optimism_bias: {uplift: 0.2, income_shortfall: true}"
    )
    n, seed = 3_000, 4
    results = analyse(load(str(write(text))), draws=n, seed=seed)
    values = stream(seed, STREAM).uniform(-1, 1, n * YEARS).reshape(n, YEARS)
    per_draw = np.array([50 - sum(v * 1.2 if v > 0 else v * 0.8 for v in values[i]) for i in range(n)])
    assert_same_figures(saving(results), per_draw)


def test_the_central_run_and_sensitivity_take_the_mean_every_year(write: Callable[[str], Path]) -> None:
    scenario = load(str(scenario_file(write, "draw: yearly"))).scenario
    results = analyse(load(str(scenario_file(write, "draw: yearly"))))
    assert results["options"][1]["lines"][0]["nominal"] == [2.0] * YEARS
    tornado = analyse_sensitivity(scenario, "outsource", "nominal")["tornado"]
    # The whole line at its P10 (2 - 1.28155) and P90 every year: saving 50 - 5 x value.
    (bar,) = tornado
    assert bar["saving_at_low"] == pytest.approx(50 - 5 * (2 - 1.2815515655446004), rel=1e-12)


def test_a_line_drawn_yearly_is_not_correlated(write: Callable[[str], Path]) -> None:
    text = SCENARIO.replace("DRAW", "draw: yearly").replace(
        "      - {name: Staff, annual: 10}", "      - {name: Staff, annual: {uniform: {low: 9, high: 11}}}"
    )
    text += f"uncertainty:\n  correlations: [{{between: [{STREAM}, options.in_house.lines.Staff.annual], rank: 0.5}}]\n"
    with pytest.raises(ScenarioError, match="is drawn afresh each year \\(draw: yearly\\), so it cannot be correlated"):
        load(str(write(text)))


def test_draw_yearly_needs_something_to_draw(write: Callable[[str], Path]) -> None:
    with pytest.raises(ScenarioError, match="draw: yearly has nothing to draw"):
        load(
            str(
                write(
                    SCENARIO.replace("{normal: {mean: 2, sd: 1}}", "{normal: {mean: 2, sd: 0}}").replace(
                        "DRAW", "draw: yearly"
                    )
                )
            )
        )
    with pytest.raises(ScenarioError, match="and its `annual` is a number"):
        load(str(write(SCENARIO.replace("{normal: {mean: 2, sd: 1}}", "2").replace("DRAW", "draw: yearly"))))
    with pytest.raises(ScenarioError, match="'draw' has no meaning on a line with `once`"):
        load(
            str(
                write(
                    SCENARIO.replace("annual: {normal: {mean: 2, sd: 1}}", "once: 2013\n        amount: 1").replace(
                        "DRAW", "draw: yearly"
                    )
                )
            )
        )
