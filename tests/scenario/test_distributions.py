"""Each distribution's draws against its closed-form mean and percentiles (tolerances from the standard error)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from scipy import stats

from barnetmodel.scenario.distributions import Distribution

N = 200_000


# Lognormal with p10 = 5, p90 = 20: median 10, sigma = (ln 20 - ln 5) / (2 z_0.9).
SIGMA = math.log(4) / (2 * 1.2815515655446004)


def dist(data: dict) -> Distribution:
    return Distribution.model_validate(data)


def triangular_ppf(q: float, a: float, c: float, b: float) -> float:
    # Worked from the triangular CDF: F(x) = (x-a)^2 / ((b-a)(c-a)) left of the mode.
    if q < (c - a) / (b - a):
        return a + math.sqrt(q * (b - a) * (c - a))
    return b - math.sqrt((1 - q) * (b - a) * (b - c))


CASES = {
    "triangular": (
        {"triangular": {"low": 2, "mode": 3, "high": 7}},
        (2 + 3 + 7) / 3,
        math.sqrt((4 + 9 + 49 - 6 - 14 - 21) / 18),
        lambda q: triangular_ppf(q, 2, 3, 7),
    ),
    "pert": (
        {"pert": {"low": 300, "mode": 320, "high": 450}},
        (300 + 4 * 320 + 450) / 6,
        # PERT variance: (mean - low)(high - mean) / 7.
        math.sqrt(((300 + 4 * 320 + 450) / 6 - 300) * (450 - (300 + 4 * 320 + 450) / 6) / 7),
        lambda q: 300 + 150 * stats.beta.ppf(q, 1 + 4 * 20 / 150, 1 + 4 * 130 / 150),
    ),
    "uniform": ({"uniform": {"low": -1, "high": 3}}, 1.0, 4 / math.sqrt(12), lambda q: -1 + 4 * q),
    "normal": ({"normal": {"mean": 10, "sd": 2}}, 10.0, 2.0, NormalDist(10, 2).inv_cdf),
    "lognormal by p10, p90": (
        {"lognormal": {"p10": 5, "p90": 20}},
        math.exp(math.log(10) + (SIGMA) ** 2 / 2),
        math.sqrt((math.exp((SIGMA) ** 2) - 1) * math.exp(2 * math.log(10) + (SIGMA) ** 2)),
        lambda q: math.exp(NormalDist(math.log(10), SIGMA).inv_cdf(q)),
    ),
    "lognormal by median, sigma": (
        {"lognormal": {"median": 2, "sigma": 0.5}},
        2 * math.exp(0.125),
        math.sqrt((math.exp(0.25) - 1) * 4 * math.exp(0.25)),
        lambda q: math.exp(NormalDist(math.log(2), 0.5).inv_cdf(q)),
    ),
}


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_mean_and_percentiles_match_closed_forms(name: str, sampling: str) -> None:
    data, mean, sd, ppf = CASES[name]
    d = dist(data)
    rng = np.random.default_rng(7)
    draws = d.sample(rng, N) if sampling == "monte_carlo" else d.from_uniform((rng.permutation(N) + rng.random(N)) / N)
    assert d.mean() == pytest.approx(mean, rel=1e-12)
    assert abs(draws.mean() - mean) < 5 * sd / math.sqrt(N)
    assert draws.std() == pytest.approx(sd, rel=0.02)
    for q in (0.05, 0.1, 0.5, 0.9, 0.95):
        # The share of draws below the true quantile is q, within five binomial standard errors.
        share = np.mean(draws < ppf(q))
        assert abs(share - q) < 5 * math.sqrt(q * (1 - q) / N), (q, share)


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_choice_frequencies(sampling: str) -> None:
    d = dist({"choice": {"values": [1, 2, 5], "probabilities": [0.2, 0.5, 0.3]}})
    rng = np.random.default_rng(3)
    draws = d.sample(rng, N) if sampling == "monte_carlo" else d.from_uniform((rng.permutation(N) + rng.random(N)) / N)
    assert d.mean() == pytest.approx(0.2 + 1.0 + 1.5)
    for value, p in ((1, 0.2), (2, 0.5), (5, 0.3)):
        assert abs(np.mean(draws == value) - p) < 5 * math.sqrt(p * (1 - p) / N)


def test_latin_hypercube_puts_one_draw_in_each_stratum() -> None:
    d = dist({"uniform": {"low": 0, "high": 1}})
    rng = np.random.default_rng(1)
    n = 1000
    u = d.from_uniform((rng.permutation(n) + rng.random(n)) / n)
    assert sorted(np.floor(u * n).astype(int)) == list(range(n))


@pytest.mark.parametrize(
    "data",
    [
        {"triangular": {"low": 4, "mode": 4, "high": 4}},
        {"pert": {"low": 4, "mode": 4, "high": 4}},
        {"uniform": {"low": 4, "high": 4}},
        {"normal": {"mean": 4, "sd": 0}},
        {"lognormal": {"median": 4, "sigma": 0}},
        {"choice": {"values": [4], "probabilities": [1]}},
    ],
)
def test_zero_width_is_a_constant(data: dict) -> None:
    d = dist(data)
    rng = np.random.default_rng(0)
    assert d.mean() == pytest.approx(4.0, rel=1e-15)
    assert np.all(d.sample(rng, 100) == pytest.approx(4.0, rel=1e-15))
    assert np.all(d.from_uniform(rng.random(100)) == pytest.approx(4.0, rel=1e-15))


def test_support() -> None:
    assert dist({"normal": {"mean": 1, "sd": 1}}).support() == (-math.inf, math.inf)
    assert dist({"lognormal": {"median": 1, "sigma": 1}}).support() == (0.0, math.inf)
    assert dist({"choice": {"values": [3, -1], "probabilities": [0.5, 0.5]}}).support() == (-1, 3)
