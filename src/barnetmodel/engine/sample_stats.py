"""What is reported of a sample of draws: mean, Monte Carlo standard error and percentiles, for a whole
sample or one put together from chunks (pooled moments, sorted runs)."""

from __future__ import annotations

import numpy as np

from barnetmodel.engine.percentiles import percentiles

PERCENTILES = (5, 10, 50, 90, 95)


def moments(values: np.ndarray) -> tuple[float, float]:
    """The mean of a sample and its sum of squared deviations from the mean, in three passes. Taken about
    the first value, a value of the sample: accurate when the spread is small beside the mean (no large
    squares to cancel), and exact for a sample of one value."""
    shifted = values - values[0]
    total = shifted.sum()
    squares = np.einsum("i,i", shifted, shifted) - total * total / len(values)
    return float(values[0] + total / len(values)), float(max(squares, 0.0))


def pooled(sizes: np.ndarray, chunks: np.ndarray) -> tuple[float, float]:
    """The mean and sum of squared deviations of a whole sample from those of its chunks (rows of
    `chunks`, in order; Chan, Golub and LeVeque's update)."""
    count, mean, squares = int(sizes[0]), float(chunks[0, 0]), float(chunks[0, 1])
    for size, (chunk_mean, chunk_squares) in zip(sizes[1:], chunks[1:], strict=True):
        total = count + int(size)
        delta = chunk_mean - mean  # 0 when the chunks agree: a sample of one value keeps it exactly
        mean += delta * (size / total)
        squares += chunk_squares + delta * delta * (count * size / total)
        count = total
    return mean, squares


def describe(
    values: np.ndarray, runs: np.ndarray | None = None, chunks: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, float]:
    """Mean, its Monte Carlo standard error, and percentiles of a sample: made of sorted runs starting
    at `runs` (see percentiles), and of chunks of the sizes and moments (see `moments`) in `chunks`,
    when given."""
    n = len(values)
    mean, squares = moments(values) if chunks is None else pooled(*chunks)
    se = float(np.sqrt(squares / (n - 1) / n)) if n > 1 else float("nan")
    quantiles = percentiles(values, PERCENTILES, runs)
    return {
        "mean": mean,
        "standard_error": se if np.isfinite(se) else 0.0,
        **{f"p{q}": float(v) for q, v in zip(PERCENTILES, quantiles, strict=True)},
    }


def bands(by_year: np.ndarray) -> dict[str, list[float]]:
    """Percentiles of each year (row) of a (years, draws) array."""
    ordered = np.sort(by_year, axis=1)
    whole = np.zeros(1, dtype=np.intp)  # each row is one sorted run
    quantiles = np.column_stack([percentiles(year, PERCENTILES, whole) for year in ordered])
    return {f"p{q}": [float(x) for x in row] for q, row in zip(PERCENTILES, quantiles, strict=True)}
