"""Exact percentiles of large samples, the same numbers as np.percentile's default (linear) method, faster.

np.percentile partially sorts the whole sample (about 20 ns a value). A sample of up to a few
hundred thousand values is sorted instead (numpy's vectorised sort, about 4 ns a value) and the
order statistics read off. In a larger one, a thinned copy of the sample brackets each wanted
order statistic; one pass of comparisons counts the values below the bracket and picks out the
few inside it, and only those are partially sorted. If a bracket misses its order statistic
(bad luck, or a sample in a telling order) np.percentile does the work instead, so the answer is
always the exact one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Up to this many values a whole sort is the quicker way (0.4 ms for 100,000 values, against
# 1 ms by brackets); above it, brackets are (5 ms for 1,000,000, against 5.5 ms).
SORTED = 300_000
THINNED = 32_768  # about this many values of the sample choose the brackets
# Half-width of a bracket, in standard deviations of a quantile's position in the thinned copy.
MARGIN = 4.0


def percentiles(values: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """np.percentile(values, q) for a 1-D float sample, bit for bit."""
    n = len(values)
    if n == 0 or np.isnan(values).any():
        return np.asarray(np.percentile(values, q), dtype=float)
    fractions = np.true_divide(np.asarray(q, dtype=float), 100)
    virtual = (n - 1) * fractions  # numpy's virtual index for the linear method, computed the same way
    previous = np.floor(virtual)
    gamma = virtual - previous
    low_rank = previous.astype(np.intp)
    high_rank = np.minimum(low_rank + 1, n - 1)
    if n <= SORTED:
        ordered = np.sort(values)
        return _lerp(ordered[low_rank], ordered[high_rank], gamma)
    low = np.empty(len(fractions))
    high = np.empty(len(fractions))
    thinned = np.sort(values[:: max(16, n // THINNED)])
    spread = MARGIN * np.sqrt(fractions * (1 - fractions) / len(thinned)) + 2 / len(thinned)
    last = len(thinned) - 1
    below_edges = thinned[np.clip(np.floor((fractions - spread) * last), 0, last).astype(np.intp)]
    above_edges = thinned[np.clip(np.ceil((fractions + spread) * last), 0, last).astype(np.intp)]
    for i, (below_edge, above_edge) in enumerate(zip(below_edges, above_edges, strict=True)):
        below = int(np.count_nonzero(values < below_edge))
        inside = values[(values >= below_edge) & (values <= above_edge)]
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
