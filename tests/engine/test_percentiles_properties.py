"""Property tests: the fast exact percentiles equal np.percentile bit for bit on any sample hypothesis finds
(ties, extremes, one or two draws), by every path: the whole sort, brackets from a thinned copy (and numpy's own when they miss)."""

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


def _ours(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return percentiles(values, q)


@settings(max_examples=300, deadline=None)
@given(samples, ranks)
def test_whole_sort_equals_numpy(values: np.ndarray, q: tuple[float, ...]) -> None:
    assert np.array_equal(_ours(values, q), _numpy(values, q), equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(samples, ranks)
def test_brackets_from_a_thinned_copy_equal_numpy(values: np.ndarray, q: tuple[float, ...]) -> None:
    # Brackets however small the sample (no whole sort), from a thinned copy of a few values: the fast
    # path when the brackets hold, numpy's own answer when they miss; the same numbers either way.
    with (
        mock.patch.object(module, "SORTED", 0),
        mock.patch.object(module, "THINNED", 8),
        mock.patch.object(module, "sorting_wins", lambda: False),
    ):
        assert np.array_equal(_ours(values, q), _numpy(values, q), equal_nan=True)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(1, 60), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_yearly_bands_equal_numpy(years: int, draws: int, seed: int, tied: bool, bracketed: bool) -> None:
    # Each year sorted, or (as in a Monte Carlo run's bands of many draws) found by brackets.
    rng = np.random.default_rng(seed)
    by_year = rng.integers(0, 3, (years, draws)).astype(float) if tied else rng.normal(50.0, 10.0, (years, draws))
    expected = np.percentile(by_year, PERCENTILES, axis=1)
    with (
        mock.patch.object(module, "SORTED", 0 if bracketed else module.SORTED),
        mock.patch.object(module, "sorting_wins", lambda: not bracketed),
    ):
        got = bands(by_year)
    for k, q in enumerate(PERCENTILES):
        assert np.array_equal(np.asarray(got[f"p{q}"]), expected[k])
