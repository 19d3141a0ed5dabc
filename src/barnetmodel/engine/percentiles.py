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


def percentiles(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """np.percentile(values, q) for a 1-D float sample, bit for bit: sorted where this machine sorts faster
    than it brackets (sorting_wins), else by brackets."""
    n = len(values)
    if n == 0 or bool(np.isnan(values).any()):
        return np.asarray(np.percentile(values, q), dtype=float)
    if n <= SORTED or sorting_wins():
        return _sorted(values, q)
    return _bracketed(values, q)


@cache
def sorting_wins() -> bool:
    """Whether this machine sorts a sample faster than it brackets its percentiles: timed once a process, on
    CALIBRATION normal values, best of three each way. Sorting's speed differs most between machines
    (1,000,000 doubles in 5 ms on one 2-core machine, 53 ms on another; brackets take 7.5 ms on the first):
    where it is fast, sorting wins by a third. Either way the percentiles are np.percentile's, bit for bit:
    only the time differs."""
    sample = np.random.default_rng(0).standard_normal(CALIBRATION)
    engine = (5, 10, 50, 90, 95)  # the percentiles the engine reports (sample_stats.PERCENTILES)
    return _best(lambda: _sorted(sample, engine)) < _best(lambda: _bracketed(sample, engine))


def _best(work: Callable[[], object]) -> float:
    """The fastest of three runs of `work`, in seconds."""
    times = []
    for _ in range(3):
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


def _sorted(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """The percentiles from a sorted copy of the sample."""
    _, gamma, low_rank, high_rank = _ranks(len(values), q)
    ordered = np.sort(values)
    return _lerp(ordered[low_rank], ordered[high_rank], gamma)


def _bracketed(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """The percentiles found in linear time: brackets from a thinned copy, the values inside each partially
    sorted; np.percentile's own answer when a bracket misses."""
    n = len(values)
    fractions, gamma, low_rank, high_rank = _ranks(n, q)
    # Brackets from a thinned copy: only the thinned values at the bracket edges' ranks are needed,
    # so those are selected, not the copy sorted.
    thinned = values[:: max(16, n // THINNED)].copy()
    last = len(thinned) - 1
    spread = MARGIN * np.sqrt(fractions * (1 - fractions) / len(thinned)) + 2 / len(thinned)
    below_at = np.clip(np.floor((fractions - spread) * last), 0, last).astype(np.intp)
    above_at = np.clip(np.ceil((fractions + spread) * last), 0, last).astype(np.intp)
    thinned.partition(sorted({*below_at.tolist(), *above_at.tolist()}))  # np.unique would import numpy.ma (6 ms)
    low = np.empty(len(fractions))
    high = np.empty(len(fractions))
    for i, (lo, hi) in enumerate(zip(thinned[below_at], thinned[above_at], strict=True)):
        within = values >= lo
        below = n - int(np.count_nonzero(within))  # no NaN, so the rest are below the bracket
        np.logical_and(within, values <= hi, out=within)
        inside = values[within]
        first, last_inside = low_rank[i] - below, high_rank[i] - below
        if first < 0 or last_inside >= len(inside):  # the bracket missed: let numpy do it all
            return np.asarray(np.percentile(values, q), dtype=float)
        inside.partition([first, last_inside])
        low[i], high[i] = inside[first], inside[last_inside]
    return _lerp(low, high, gamma)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's interpolation between neighbouring order statistics (numpy.lib._function_base_impl._lerp)."""
    difference = b - a
    result = np.add(a, difference * t)
    np.subtract(b, difference * (1 - t), out=result, where=t >= 0.5)
    return result
