"""Standard errors that say how sure a result is: of a mean under plain Monte Carlo and under Latin
Hypercube (replicated: the spread of independent replicates' means), of a probability (binomial, or
replicated), undefined with one draw; checked against the true error, simulated over many seeds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from barnetmodel.engine.sample_stats import replicate_error
from barnetmodel.engine.sampling import REPLICATE_DRAWS, REPLICATES, chunk_sizes
from barnetmodel.engine.simulate import simulate, summarise_simulation
from barnetmodel.scenario.models import Scenario


def scenario(lines: list[dict[str, Any]], years: int = 1) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": years},
            "money": {"inflation": 0.0},
            "targets": [{"name": "gap", "amount": 1.5, "by": 2013}],
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "staff", "annual": 10}]},
                "outsource": {"title": "Out", "lines": lines},
            },
        }
    )


TRIANGULAR = scenario([{"name": "fee", "annual": {"triangular": {"low": 4, "mode": 8, "high": 12}}}])
# Not additive: the client side is a share of an uncertain fee at an uncertain rate (fee x rate), so Latin
# Hypercube cannot stratify the error away, and a standard error must show what is left.
PRODUCT = scenario(
    [
        {"name": "fee", "annual": {"uniform": {"low": 4, "high": 12}}},
        {"name": "client", "share_of": "fee", "rate": {"uniform": {"low": 0, "high": 1}}},
    ]
)


def saving(out: dict[str, Any]) -> dict[str, Any]:
    return out["options"][1]["saving_present_value"]


def test_replicate_error_is_the_spread_of_replicate_means_over_root_r() -> None:
    # Equal replicates: sd(means, ddof=1) / sqrt(R). Means 1, 2, 3, 6: mean 3, deviations -2, -1, 0, 3,
    # squares 14, sd = sqrt(14 / 3), SE = sqrt(14 / 3) / 2.
    sizes = np.array([10, 10, 10, 10])
    assert replicate_error(sizes, np.array([1.0, 2.0, 3.0, 6.0])) == pytest.approx(math.sqrt(14 / 3) / 2)
    # Unequal replicates: each mean weighs by its size, sqrt(sum n_r (m_r - m)^2 / ((R - 1) N)). Sizes 1
    # and 3, means 0 and 4: m = 3, sum = 1 x 9 + 3 x 1 = 12, over (1 x 4): sqrt(3).
    assert replicate_error(np.array([1, 3]), np.array([0.0, 4.0])) == pytest.approx(math.sqrt(3))
    assert replicate_error(np.array([7]), np.array([1.0])) is None  # one replicate: no spread to see


def test_latin_hypercube_runs_in_independent_replicates() -> None:
    assert chunk_sizes(10_000, "latin_hypercube") == [10_000 // REPLICATES] * REPLICATES
    assert chunk_sizes(10_000, "monte_carlo") == [10_000]
    # Replicates of at least REPLICATE_DRAWS draws; fewer draws than two of them: one replicate.
    assert chunk_sizes(5 * REPLICATE_DRAWS, "latin_hypercube") == [REPLICATE_DRAWS] * 5
    assert chunk_sizes(REPLICATE_DRAWS, "latin_hypercube") == [REPLICATE_DRAWS]
    many = chunk_sizes(3_000_000, "latin_hypercube")
    assert sum(many) == 3_000_000 and len(many) >= REPLICATES and max(many) - min(many) <= 1


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_one_draw_has_no_standard_error(sampling: str) -> None:
    out = summarise_simulation(simulate(TRIANGULAR, 1, 3, sampling))
    assert saving(out)["standard_error"] is None
    assert out["options"][1]["probability_cheaper_than_baseline_standard_error"] is None
    assert out["targets"][0]["probability_met_standard_error"] is None


def true_error(s: Scenario, draws: int, sampling: str, seeds: int) -> tuple[float, float]:
    """(the spread of the mean saving over `seeds` independent runs, the mean standard error they report)."""
    runs = [saving(summarise_simulation(simulate(s, draws, seed, sampling))) for seed in range(seeds)]
    return float(np.std([r["mean"] for r in runs], ddof=1)), float(np.mean([r["standard_error"] for r in runs]))


def test_latin_hypercube_error_of_a_linear_model_is_tiny_and_reported_so() -> None:
    # saving = 10 - fee, fee triangular: linear in one input, so stratifying leaves almost no error. The
    # plain Monte Carlo formula would say sd / sqrt(n) = sqrt((16 + 64 + 144 - 32 - 48 - 96) / 18) / sqrt(2000)
    # = 1.633 / 44.7 = 0.0365; the real error (20 replicates of 100 draws), and the error reported, are far
    # below it.
    actual, reported = true_error(TRIANGULAR, 2000, "latin_hypercube", 60)
    plain = math.sqrt((16 + 64 + 144 - 32 - 48 - 96) / 18) / math.sqrt(2000)
    assert actual < plain / 20
    assert reported < plain / 20
    assert 0.5 < reported / actual < 2  # 60 runs estimate the true error to about 10%


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_reported_error_matches_the_true_error_of_a_non_additive_model(sampling: str) -> None:
    # saving = 10 - fee x (1 + rate): over 150 seeds the spread of the mean estimates the true error to
    # within about 6% (1 / sqrt(2 x 149)); the average reported error must agree within 20%.
    actual, reported = true_error(PRODUCT, 2000, sampling, 150)
    assert reported == pytest.approx(actual, rel=0.2)


def test_probability_standard_error_is_binomial_under_monte_carlo() -> None:
    # P(cheaper): fee < 10 with fee ~ U(4, 12) x (1 + U(0, 1)); whatever p is, its binomial standard
    # error is sqrt(p (1 - p) / n), and the target's the same with its own p.
    n = 4000
    out = summarise_simulation(simulate(PRODUCT, n, 5, "monte_carlo"))
    option = out["options"][1]
    p = option["probability_cheaper_than_baseline"]
    assert option["probability_cheaper_than_baseline_standard_error"] == pytest.approx(math.sqrt(p * (1 - p) / n))
    for entry in out["options"]:
        q = entry["probability_cheapest"]
        assert entry["probability_cheapest_standard_error"] == pytest.approx(math.sqrt(q * (1 - q) / n))
    (target,) = out["targets"]
    q = target["probability_met"]
    assert target["probability_met_standard_error"] == pytest.approx(math.sqrt(q * (1 - q) / n))


def test_probability_standard_error_matches_the_true_error_under_latin_hypercube() -> None:
    runs = [summarise_simulation(simulate(PRODUCT, 2000, seed, "latin_hypercube")) for seed in range(150)]
    chances = [r["options"][1]["probability_cheaper_than_baseline"] for r in runs]
    errors = [r["options"][1]["probability_cheaper_than_baseline_standard_error"] for r in runs]
    assert float(np.mean(errors)) == pytest.approx(float(np.std(chances, ddof=1)), rel=0.2)
