"""Statistics of a sample: mean, standard error and percentiles, whole or pooled from chunks."""

from __future__ import annotations

import numpy as np
import pytest

from barnetmodel.engine.sample_stats import bands, describe, moments, pooled


def test_describe() -> None:
    values = np.arange(1.0, 101.0)
    d = describe(values)
    assert d["mean"] == 50.5
    assert d["p50"] == 50.5
    assert d["p10"] == pytest.approx(10.9)  # linear interpolation between the 10th and 11th values
    assert d["standard_error"] == pytest.approx(np.std(values, ddof=1) / 10)


def test_moments_pooled_from_chunks_are_the_whole_sample_s() -> None:
    rng = np.random.default_rng(12)
    values = rng.lognormal(5.0, 1.0, 100_003)
    cuts = [0, 10, 65_536, 65_600, 99_999]
    sizes = np.diff([*cuts, len(values)])
    chunks = np.array([moments(part) for part in np.split(values, cuts[1:])])
    mean, squares = pooled(sizes, chunks)
    assert mean == pytest.approx(np.mean(values), rel=1e-13)
    assert squares == pytest.approx(np.var(values) * len(values), rel=1e-11)
    # A sample of one value keeps it exactly, with no spread.
    constant = np.full(1000, 0.1)
    assert pooled(np.array([300, 700]), np.array([moments(constant[:300]), moments(constant[300:])])) == (0.1, 0.0)


def test_pooled_moments_are_python_floats() -> None:
    """Not numpy scalars: a scenario test's failure printed a drawn mean as np.float64(-10.399108002158947)."""
    chunks = np.array([moments(np.array([1.0, 2.0])), moments(np.array([4.0, 8.0]))])
    mean, squares = pooled(np.array([2, 2]), chunks)
    assert (type(mean), type(squares)) == (float, float)
    assert describe(np.array([1.0, 2.0, 4.0, 8.0]), (np.array([2, 2]), chunks))["mean"].__class__ is float


@pytest.mark.parametrize("draws", [1001, 100_000])  # sorted, and found by brackets (more than SORTED draws)
def test_bands_are_each_year_s_percentiles(draws: int) -> None:
    by_year = np.random.default_rng(4).normal(size=(3, draws))
    out = bands(by_year)
    for q in (5, 10, 50, 90, 95):
        assert out[f"p{q}"] == list(np.percentile(by_year, q, axis=1))


def test_describe_of_chunks_is_describe_of_the_whole() -> None:
    rng = np.random.default_rng(21)
    values = rng.normal(130.0, 25.0, 400_000)
    sizes = np.array([100_000, 100_000, 100_000, 100_000])
    starts = np.array([0, 100_000, 200_000, 300_000])
    chunk_moments = np.array([moments(values[a : a + 100_000]) for a in starts])
    whole, pieces = describe(values), describe(values, (sizes, chunk_moments))
    for stat in ("p5", "p10", "p50", "p90", "p95"):
        assert pieces[stat] == whole[stat]  # the same order statistics, bit for bit
    assert pieces["mean"] == pytest.approx(whole["mean"], rel=1e-13)
    assert pieces["standard_error"] == pytest.approx(whole["standard_error"], rel=1e-10)
