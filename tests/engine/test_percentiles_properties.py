"""Property tests: the fast exact percentiles equal np.percentile bit for bit on any sample hypothesis finds
(ties, extremes, one or two draws), by every path: the whole sort, brackets from a thinned copy, sorted runs."""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from barnetmodel.engine import percentiles as module
from barnetmodel.engine.percentiles import percentiles
from barnetmodel.engine.sample_stats import PERCENTILES, bands

# Finite values only (a NaN goes to numpy itself), out to the extremes of float64, and a few values
# that recur, so that ties are common.
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
few = st.sampled_from([0.0, -0.0, 1.0, -3.5, 1e308, -1e308, 5e-324, 2.0**53])
samples = st.lists(st.one_of(finite, few), min_size=1, max_size=400).map(lambda v: np.asarray(v, dtype=float))
# The ranks the engine asks for, and any others.
ranks = st.one_of(st.just(PERCENTILES), st.lists(st.floats(0, 100), min_size=1, max_size=7).map(tuple))


def _numpy(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf between extremes, as numpy meets it
        return np.asarray(np.percentile(values, q), dtype=float)


def _ours(values: np.ndarray, q: tuple[float, ...], runs: np.ndarray | None = None) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return percentiles(values, q, runs)


@settings(max_examples=300, deadline=None)
@given(samples, ranks)
def test_whole_sort_equals_numpy(values: np.ndarray, q: tuple[float, ...]) -> None:
    assert np.array_equal(_ours(values, q), _numpy(values, q), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(samples, ranks)
def test_brackets_from_a_thinned_copy_equal_numpy(values: np.ndarray, q: tuple[float, ...]) -> None:
    # Brackets however small the sample (no whole sort), from a thinned copy of a few values: the fast
    # path when the brackets hold, numpy's own answer when they miss; the same numbers either way.
    with mock.patch.object(module, "SORTED", 0), mock.patch.object(module, "THINNED", 8):
        assert np.array_equal(_ours(values, q), _numpy(values, q), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(samples, ranks, st.lists(st.integers(1, 399), max_size=12), st.integers(1, 64))
def test_sorted_runs_equal_numpy(values: np.ndarray, q: tuple[float, ...], cuts: list[int], thinned: int) -> None:
    # The sample cut into runs anywhere (runs of one value, a single run), each sorted, as a Monte Carlo run
    # leaves its chunks; brackets from every step-th value of each run, however coarse.
    starts = np.unique(np.asarray([0, *(c for c in cuts if c < len(values))], dtype=np.intp))
    runs = np.concatenate([np.sort(part) for part in np.split(values, starts[1:])])
    with mock.patch.object(module, "THINNED", thinned):
        assert np.array_equal(_ours(runs, q, starts), _numpy(values, q), equal_nan=True)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(1, 60), st.integers(0, 2**32 - 1), st.booleans())
def test_yearly_bands_equal_numpy(years: int, draws: int, seed: int, tied: bool) -> None:
    rng = np.random.default_rng(seed)
    by_year = rng.integers(0, 3, (years, draws)).astype(float) if tied else rng.normal(50.0, 10.0, (years, draws))
    expected = np.percentile(by_year, PERCENTILES, axis=1)
    got = bands(by_year)
    for k, q in enumerate(PERCENTILES):
        assert np.array_equal(np.asarray(got[f"p{q}"]), expected[k])
