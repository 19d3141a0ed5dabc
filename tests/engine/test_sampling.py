"""Random streams by name, Latin Hypercube, and rank correlation (Iman-Conover)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from barnetmodel.engine.sampling import CHUNK, Sampler, chunk_sizes, impose_rank_correlation, rank_to_pearson
from barnetmodel.scenario.models import Scenario


def scenario(lines: list[dict], correlations: list[dict] | None = None, sampling: str = "monte_carlo") -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 3},
            "money": {"inflation": 0.02},
            "baseline": "a",
            "options": {"a": {"title": "A", "lines": lines}},
            "uncertainty": {"sampling": sampling, "correlations": correlations or []},
        }
    )


X = {"name": "x", "annual": {"uniform": {"low": 0, "high": 1}}}
Y = {"name": "y", "annual": {"normal": {"mean": 5, "sd": 1}}}
Z = {"name": "z", "annual": {"pert": {"low": 0, "mode": 1, "high": 4}}}
PX, PY, PZ = (("options", "a", "lines", n, "annual") for n in "xyz")


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_reordering_or_adding_inputs_changes_no_other_draws(sampling: str) -> None:
    first = Sampler(scenario([X, Y], sampling=sampling), 42, sampling).draw(500)
    reordered = Sampler(scenario([Z, Y, X], sampling=sampling), 42, sampling).draw(500)
    np.testing.assert_array_equal(first.values[PX], reordered.values[PX])
    np.testing.assert_array_equal(first.values[PY], reordered.values[PY])


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    a = Sampler(scenario([X]), 1, "monte_carlo").draw(100).values[PX]
    b = Sampler(scenario([X]), 1, "monte_carlo").draw(100).values[PX]
    c = Sampler(scenario([X]), 2, "monte_carlo").draw(100).values[PX]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_chunks_continue_each_stream() -> None:
    # Two chunks of plain Monte Carlo give the same draws as one chunk of both sizes.
    sampler = Sampler(scenario([X]), 5, "monte_carlo")
    parts = np.concatenate([sampler.draw(300).values[PX], sampler.draw(700).values[PX]])
    whole = Sampler(scenario([X]), 5, "monte_carlo").draw(1000).values[PX]
    np.testing.assert_array_equal(parts, whole)


def test_chunk_sizes() -> None:
    assert chunk_sizes(0) == []
    assert chunk_sizes(10) == [10]
    sizes = chunk_sizes(3 * CHUNK + 5)
    assert sum(sizes) == 3 * CHUNK + 5
    assert max(sizes) <= CHUNK and max(sizes) - min(sizes) <= 1


def test_rank_to_pearson() -> None:
    # For normal scores, Spearman rho = (6 / pi) asin(r / 2); the inverse is r = 2 sin(pi rho / 6).
    rho = np.array([-0.9, 0.0, 0.3, 0.7, 1.0])
    np.testing.assert_allclose((6 / np.pi) * np.arcsin(rank_to_pearson(rho) / 2), rho, atol=1e-12)


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
@pytest.mark.parametrize("rank", [-0.6, 0.3, 0.8])
def test_rank_correlation_is_imposed_and_marginals_kept(rank: float, sampling: str) -> None:
    names = [f"options.a.lines.{n}.annual" for n in "xz"]
    independent = Sampler(scenario([X, Z], sampling=sampling), 9, sampling).draw(20_000)
    correlated = Sampler(scenario([X, Z], [{"between": names, "rank": rank}], sampling=sampling), 9, sampling).draw(
        20_000
    )
    for path in (PX, PZ):  # the same values, reordered
        np.testing.assert_array_equal(np.sort(independent.values[path]), np.sort(correlated.values[path]))
    spearman = stats.spearmanr(correlated.values[PX], correlated.values[PZ]).statistic
    assert spearman == pytest.approx(rank, abs=0.02)
    # Uncorrelated inputs stay uncorrelated.
    assert abs(stats.spearmanr(independent.values[PX], independent.values[PZ]).statistic) < 0.03


def test_three_way_correlation() -> None:
    rng = np.random.default_rng(0)
    samples = rng.random((50_000, 3))
    target = np.array([[1, 0.5, -0.3], [0.5, 1, 0.2], [-0.3, 0.2, 1]])
    out = impose_rank_correlation(samples, rank_to_pearson(target), rng)
    np.testing.assert_allclose(stats.spearmanr(out).statistic, target, atol=0.02)
