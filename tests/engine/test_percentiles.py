"""The fast exact percentiles give np.percentile's numbers bit for bit, on the fast path and the fallback."""

from __future__ import annotations

import numpy as np
import pytest

from barnetmodel.engine import percentiles as module
from barnetmodel.engine.percentiles import percentiles

Q = (5, 10, 50, 90, 95)


def _sample(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "normal":
        return rng.normal(100.0, 5.0, n)
    if kind == "ties":  # few distinct values: order statistics equal to the bracket edges
        return rng.integers(0, 7, n).astype(float)
    if kind == "rare":  # almost all one value, as a risk's cost that seldom happens
        return np.where(rng.random(n) < 0.995, 0.0, 9.0)
    if kind == "sorted_heavy":
        return np.sort(rng.lognormal(0.0, 2.0, n))
    if kind == "cauchy":
        return rng.standard_cauchy(n)
    if kind == "infinite":
        values = rng.normal(0.0, 1.0, n)
        values[::7] = np.inf
        return values
    raise AssertionError(kind)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf in the interpolation, as numpy
@pytest.mark.parametrize("kind", ["normal", "ties", "rare", "sorted_heavy", "cauchy", "infinite"])
@pytest.mark.parametrize("n", [1, 2, 1_000, 100_000, module.SORTED, module.SORTED + 1, 500_003])
@pytest.mark.parametrize("sorting", [False, True], ids=["brackets", "sorted"])
def test_same_bits_as_numpy(kind: str, n: int, sorting: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Large samples go by brackets, or are sorted where this machine sorts faster (sorting_wins): both ways.
    monkeypatch.setattr(module, "sorting_wins", lambda: sorting)
    values = _sample(kind, n, np.random.default_rng(n))
    before = values.copy()
    assert np.array_equal(percentiles(values, Q), np.percentile(values, Q), equal_nan=True)
    assert np.array_equal(values, before, equal_nan=True)  # the sample is left as it was


def test_a_missed_bracket_falls_back_to_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The thinned copy sees only the draws at multiples of its stride: make those all zero and the
    # rest large, so every bracket is [0, 0] and misses; the answer must still be numpy's.
    n = module.SORTED + 200_000  # large enough to be bracketed, not sorted
    monkeypatch.setattr(module, "sorting_wins", lambda: False)
    values = np.arange(1.0, n + 1.0)
    values[:: max(16, n // module.THINNED)] = 0.0
    called = []
    original = np.percentile
    monkeypatch.setattr(module.np, "percentile", lambda *a, **k: called.append(1) or original(*a, **k))
    result = percentiles(values, Q)
    assert called, "the fallback was not taken"
    assert np.array_equal(result, original(values, Q))


def test_nan_gives_numpy_answer() -> None:
    values = np.random.default_rng(3).normal(size=100_000)
    values[10] = np.nan
    assert np.all(np.isnan(percentiles(values, Q)))


def test_a_large_sample_is_sorted_where_sorting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where this machine sorts faster than it brackets, a large sample is sorted whole; elsewhere bracketed.
    values = _sample("normal", 200_000, np.random.default_rng(2))
    taken: list[str] = []
    for way in ("_sorted", "_bracketed"):
        original = getattr(module, way)
        monkeypatch.setattr(module, way, lambda v, q, way=way, original=original: taken.append(way) or original(v, q))
    for sorting in (True, False):
        monkeypatch.setattr(module, "sorting_wins", lambda sorting=sorting: sorting)
        assert np.array_equal(percentiles(values, Q), np.percentile(values, Q))
    assert taken == ["_sorted", "_bracketed"]


def test_which_way_wins_is_timed_once() -> None:
    module.sorting_wins.cache_clear()
    first = module.sorting_wins()
    assert isinstance(first, bool)
    assert module.sorting_wins() is first and module.sorting_wins.cache_info().misses == 1


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf in the interpolation, as numpy
@pytest.mark.parametrize("n", [1, 1_000, module.SORTED + 1, 100_000])
@pytest.mark.parametrize("sorting", [False, True], ids=["brackets", "sorted"])
def test_rows_are_each_row_s_percentiles(n: int, sorting: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # A 2-D array is a sample a row (a year's draws, for the yearly bands), all found at once: each row's
    # numbers are np.percentile's of that row, whatever the other rows hold.
    monkeypatch.setattr(module, "sorting_wins", lambda: sorting)
    rng = np.random.default_rng(n)
    kinds = ["normal", "ties", "rare", "sorted_heavy", "cauchy", "infinite"]
    rows = np.array([_sample(kind, n, rng) for kind in kinds])
    before = rows.copy()
    got = percentiles(rows, Q)
    assert got.shape == (len(kinds), len(Q))
    assert np.array_equal(got, np.percentile(rows, Q, axis=1).T, equal_nan=True)
    assert np.array_equal(rows, before, equal_nan=True)


def test_a_missed_bracket_in_one_row_falls_back_to_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    # One row whose thinned values are all zero misses its brackets: every row's answer is still numpy's.
    n = module.SORTED + 200_000
    monkeypatch.setattr(module, "sorting_wins", lambda: False)
    missing = np.arange(1.0, n + 1.0)
    missing[:: max(16, n // module.THINNED)] = 0.0
    rows = np.array([np.random.default_rng(5).normal(size=n), missing])
    assert np.array_equal(percentiles(rows, Q), np.percentile(rows, Q, axis=1).T)


def test_a_row_with_nan_gives_nan_there_only() -> None:
    rows = np.random.default_rng(6).normal(size=(2, 100_000))
    rows[1, 10] = np.nan
    got = percentiles(rows, Q)
    assert np.all(np.isnan(got[1])) and np.array_equal(got[0], np.percentile(rows[0], Q))


@pytest.mark.parametrize(("sort_seconds", "wins", "sorts"), [(0.05, False, 1), (0.0, True, 3)])
def test_a_sort_far_slower_than_the_brackets_is_timed_once(
    sort_seconds: float, wins: bool, sorts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where sorting is slow (ten times the brackets on some machines) one sort shows it loses: it is not timed
    # twice more. A close call is timed three times. (Sleeps stand in for the work: 50 ms against 1 ms.)
    import time

    calls: list[str] = []
    monkeypatch.setattr(module, "_sorted", lambda v, q: calls.append("sort") or time.sleep(sort_seconds))
    monkeypatch.setattr(module, "_bracketed", lambda v, q: calls.append("brackets") or time.sleep(0.001))
    module.sorting_wins.cache_clear()
    try:
        assert module.sorting_wins() is wins
    finally:
        module.sorting_wins.cache_clear()
    assert calls.count("sort") == sorts and calls.count("brackets") == 2
