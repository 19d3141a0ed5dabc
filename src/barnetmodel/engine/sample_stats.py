"""What is reported of a sample of draws: mean, Monte Carlo standard error and percentiles, for a whole
sample or one put together from chunks (pooled moments)."""

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
    # The update mixes in numpy scalars: a Python float, so a figure reads and compares as every other one.
    return float(mean), float(squares)


def replicate_error(sizes: np.ndarray, means: np.ndarray) -> float | None:
    """The standard error of the pooled mean of independent replicates (Latin Hypercube samples), from the
    spread of their means: sqrt(sum n_r (m_r - m)^2 / ((R - 1) N)), m the pooled mean and N the draws in
    all; for replicates of one size that is sd(m_r) / sqrt(R). None for one replicate: nothing to see."""
    if len(sizes) < 2:
        return None
    total = float(sizes.sum())
    mean = float((sizes * means).sum() / total)
    return float(np.sqrt((sizes * (means - mean) ** 2).sum() / ((len(sizes) - 1) * total)))


def proportion_error(counts: np.ndarray, sizes: np.ndarray, replicated: bool) -> float | None:
    """The standard error of a share of draws (the counts in each chunk of `sizes`): binomial,
    sqrt(p (1 - p) / n), of independent draws; from the replicates' shares when `replicated`. None with
    one draw."""
    total = int(sizes.sum())
    if total < 2:
        return None
    if replicated:
        return replicate_error(sizes, counts / sizes)
    p = float(counts.sum()) / total
    return float(np.sqrt(p * (1 - p) / total))


def describe(
    values: np.ndarray,
    chunks: tuple[np.ndarray, np.ndarray] | None = None,
    replicated: bool = False,
) -> dict[str, float | None]:
    """Mean, its standard error, and percentiles of a sample, made of chunks of the sizes and moments (see
    `moments`) in `chunks`, when given. The
    standard error is that of independent draws, sd / sqrt(n); or, when the chunks are `replicated`
    (independent Latin Hypercube samples), from the spread of their means. None when undefined (one draw,
    one replicate)."""
    n = len(values)
    mean, squares = moments(values) if chunks is None else pooled(*chunks)
    if replicated:
        assert chunks is not None, "replicates are chunks"
        se = replicate_error(chunks[0], chunks[1][:, 0])
    else:
        se = float(np.sqrt(squares / (n - 1) / n)) if n > 1 else None
    quantiles = percentiles(values, PERCENTILES)
    return {
        "mean": mean,
        "standard_error": se,
        **{f"p{q}": float(v) for q, v in zip(PERCENTILES, quantiles, strict=True)},
    }


def bands(by_year: np.ndarray) -> dict[str, list[float]]:
    """Percentiles of each year (row) of a (years, draws) array: each row by itself, in linear time (see
    percentiles), not the whole array sorted."""
    quantiles = percentiles(by_year, PERCENTILES).T
    return {f"p{q}": [float(x) for x in row] for q, row in zip(PERCENTILES, quantiles, strict=True)}
