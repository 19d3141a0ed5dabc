"""Exact percentiles of large samples, the same numbers as np.percentile's default (linear) method, faster.

np.percentile partially sorts the whole sample for each pair of order statistics it needs. Sorting it
all once is quicker, but its speed differs from machine to machine more than anything else numpy does
(1,000,000 doubles in 5 ms on one 2-core machine, 53 ms on another), so a run whose summary only sorts is
fast only where sorting is. The other way is linear in the sample: a thinned copy of the sample brackets
each wanted order statistic; passes of comparisons count the values below the bracket and pick out the
few inside it, and only those are partially sorted. If a bracket misses its order statistic (bad luck, or
a sample in a telling order) np.percentile does the work instead, so the answer is always the exact one.
Which way a large sample goes is measured once on the machine at hand (sorting_wins); a small sample is
simply sorted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

# Up to this many values a whole sort is as quick as brackets (their passes carry a fixed cost of a
# few dozen numpy calls).
SORTED = 16_384
THINNED = 32_768  # about this many values of the sample choose the brackets
# Half-width of a bracket, in standard deviations of a quantile's position in the thinned copy.
MARGIN = 4.0
# Values of the sample on which sorting and brackets are timed against each other, once a process.
CALIBRATION = 65_536
# A first sort this many times slower than the brackets loses: timing it again cannot change the answer.
SLOW_SORT = 2.0


def percentiles(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """np.percentile(values, q) for a 1-D float sample, bit for bit: sorted where this machine sorts faster
    than it brackets (sorting_wins), else by brackets. For a 2-D array, each row a sample (a year's draws), one
    row of percentiles each: np.percentile(values, q, axis=1).T, found for all the rows at once (a few numpy
    calls over the whole array, not a few dozen a row)."""
    rows = np.atleast_2d(values)
    found = _percentiles(rows, q)
    return found if values.ndim == 2 else found[0]


def _percentiles(rows: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """(rows, len(q)): each row's percentiles."""
    n = rows.shape[1]
    if n == 0 or bool(np.isnan(rows).any()):
        return np.asarray(np.percentile(rows, q, axis=1), dtype=float).T
    if n <= SORTED or sorting_wins():
        return _sorted(rows, q)
    return _bracketed(rows, q)


@cache
def sorting_wins() -> bool:
    """Whether this machine sorts a sample faster than it brackets its percentiles: timed once a process, on
    CALIBRATION normal values, best of two brackets against best of three sorts. Sorting's speed differs most
    between machines (1,000,000 doubles in 5 ms on one 2-core machine, 53 ms on another; brackets take 7.5 ms
    on the first): where it is fast, sorting wins by a third. Where it is slow one sort is enough to see it
    lose by far (here SLOW_SORT times the brackets' time), so it is not timed again: on the slow machine
    the timing took 16 ms of every Monte Carlo run, now 7. Either way the percentiles are np.percentile's,
    bit for bit: only the time differs."""
    sample = np.random.default_rng(0).standard_normal((1, CALIBRATION))
    engine = (5, 10, 50, 90, 95)  # the percentiles the engine reports (sample_stats.PERCENTILES)
    brackets = _best(lambda: _bracketed(sample, engine), 2)
    first = _best(lambda: _sorted(sample, engine), 1)
    if first > SLOW_SORT * brackets:
        return False
    return min(first, _best(lambda: _sorted(sample, engine), 2)) < brackets


def _best(work: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` runs of `work`, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _ranks(n: int, q: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """numpy's linear method: each percentile's fraction, the order statistics either side of it (low and high
    ranks) and the weight between them, computed as numpy computes them."""
    fractions = np.true_divide(np.asarray(q, dtype=float), 100)
    virtual = (n - 1) * fractions  # numpy's virtual index for the linear method, computed the same way
    previous = np.floor(virtual)
    gamma = virtual - previous
    low_rank = previous.astype(np.intp)
    high_rank = np.minimum(low_rank + 1, n - 1)
    return fractions, gamma, low_rank, high_rank


def _sorted(rows: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Each row's percentiles from a sorted copy of it."""
    _, gamma, low_rank, high_rank = _ranks(rows.shape[1], q)
    ordered = np.sort(rows, axis=1)
    return _lerp(ordered[:, low_rank], ordered[:, high_rank], gamma)


def _bracketed(rows: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Each row's percentiles found in linear time: brackets from a thinned copy, the values inside each partially
    sorted; np.percentile's own answer when a bracket misses."""
    n = rows.shape[1]
    fractions, gamma, low_rank, high_rank = _ranks(n, q)
    # Brackets from a thinned copy: only the thinned values at the bracket edges' ranks are needed,
    # so those are selected, not the copy sorted.
    thinned = rows[:, :: max(16, n // THINNED)].copy()
    last = thinned.shape[1] - 1
    spread = MARGIN * np.sqrt(fractions * (1 - fractions) / thinned.shape[1]) + 2 / thinned.shape[1]
    below_at = np.clip(np.floor((fractions - spread) * last), 0, last).astype(np.intp)
    above_at = np.clip(np.ceil((fractions + spread) * last), 0, last).astype(np.intp)
    # np.unique would import numpy.ma (6 ms)
    thinned.partition(sorted({*below_at.tolist(), *above_at.tolist()}), axis=1)
    low = np.empty((len(rows), len(fractions)))
    high = np.empty((len(rows), len(fractions)))
    for i in range(len(fractions)):
        within = rows >= thinned[:, below_at[i], None]
        # count_nonzero row by row: with an axis it sums the booleans as integers, many times slower.
        below = n - np.array([np.count_nonzero(row) for row in within])  # no NaN: the rest are below the bracket
        np.logical_and(within, rows <= thinned[:, above_at[i], None], out=within)
        sizes = np.array([np.count_nonzero(row) for row in within])
        inside = rows[within]  # each row's values inside its bracket, one row after another
        first, last_inside = low_rank[i] - below, high_rank[i] - below
        if bool((first < 0).any() or (last_inside >= sizes).any()):  # a bracket missed: let numpy do it all
            return np.asarray(np.percentile(rows, q, axis=1), dtype=float).T
        ends = np.cumsum(sizes).tolist()
        for r, (start, end) in enumerate(zip([0, *ends[:-1]], ends, strict=True)):
            row = inside[start:end]
            row.partition([first[r], last_inside[r]])
            low[r, i], high[r, i] = row[first[r]], row[last_inside[r]]
    return _lerp(low, high, gamma)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's interpolation between neighbouring order statistics (numpy.lib._function_base_impl._lerp)."""
    difference = b - a
    result = np.add(a, difference * t)
    np.subtract(b, difference * (1 - t), out=result, where=t >= 0.5)
    return result
