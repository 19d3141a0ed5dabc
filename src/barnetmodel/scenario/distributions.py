"""Uncertain numbers: the distributions a scenario may write, their means, supports and samplers.

Each distribution is written as a one-key mapping with named parameters, e.g.
`{pert: {low: 300, mode: 320, high: 450}}`. Sampling turns uniforms u in (0, 1) into
values through the inverse CDF (`from_uniform`), so plain Monte Carlo and Latin Hypercube
differ only in how the uniforms are drawn; the fast path for plain Monte Carlo uses numpy's
own samplers (`sample`), which give the same distribution.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from barnetmodel.scenario.strict import StrictModel

if TYPE_CHECKING:  # numpy is imported where it is used, so that validating a file does not load it
    import numpy as np

Finite = Annotated[float, Field(allow_inf_nan=False)]
# The standard normal's 90th percentile: lognormal p10/p90 are this many sigmas either side of the median.
Z90 = 1.2815515655446004
# Its 99.9th: an unbounded distribution is searched and checked over its P0.1 to P99.9.
Z999 = 3.090232306167813
TOO_LARGE = "choose figures far below 1e308"


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


class _LowModeHigh(StrictModel):
    """A range with its most likely value: low <= mode <= high."""

    low: Finite
    mode: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> _LowModeHigh:
        _check_ordered(self.low, self.mode, self.high)
        return self


class Triangular(_LowModeHigh):
    """Straight lines from low up to mode and down to high."""


class Pert(_LowModeHigh):
    """Beta-PERT: a smooth distribution on [low, high] with its mode at `mode` (shape 4)."""


class Uniform(StrictModel):
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g})")
        return self


class Normal(StrictModel):
    mean: Finite
    sd: Finite = Field(ge=0)


class Lognormal(StrictModel):
    """Positive and right-skewed: by its 10th and 90th percentiles, or by its median and sigma."""

    p10: Finite | None = Field(None, gt=0)
    p90: Finite | None = Field(None, gt=0)
    median: Finite | None = Field(None, gt=0)
    sigma: Finite | None = Field(None, ge=0, description="Standard deviation of the value's logarithm.")

    @model_validator(mode="after")
    def _one_form(self) -> Lognormal:
        by_percentiles = self.p10 is not None and self.p90 is not None
        by_median = self.median is not None and self.sigma is not None
        given = [k for k in ("p10", "p90", "median", "sigma") if getattr(self, k) is not None]
        if by_percentiles == by_median or len(given) != 2:
            raise ValueError(f"give either p10 and p90, or median and sigma; it has {', '.join(given) or 'none'}")
        if by_percentiles and self.p10 > self.p90:  # type: ignore[operator]
            raise ValueError(f"p10 ({self.p10:g}) is above p90 ({self.p90:g})")
        return self

    @property
    def mu_sigma(self) -> tuple[float, float]:
        if self.median is not None and self.sigma is not None:
            return math.log(self.median), self.sigma
        assert self.p10 is not None and self.p90 is not None
        low, high = math.log(self.p10), math.log(self.p90)
        return (low + high) / 2, (high - low) / (2 * Z90)


class Choice(StrictModel):
    """One of a few values, each with its probability."""

    values: list[Finite] = Field(min_length=1)
    probabilities: list[Annotated[float, Field(ge=0, le=1)]] = Field(min_length=1)

    @model_validator(mode="after")
    def _matching(self) -> Choice:
        if len(self.values) != len(self.probabilities):
            raise ValueError(f"{len(self.values)} values but {len(self.probabilities)} probabilities")
        if abs(sum(self.probabilities) - 1.0) > 1e-9:
            raise ValueError(f"probabilities add up to {sum(self.probabilities):g}, not 1")
        return self


def _check_ordered(low: float, mode: float, high: float) -> None:
    if low > high:
        raise ValueError(f"low ({low:g}) is above high ({high:g})")
    if not low <= mode <= high:
        raise ValueError(f"mode ({mode:g}) is outside low-high ({low:g} to {high:g})")


Kind = Literal["triangular", "pert", "uniform", "normal", "lognormal", "choice"]
KINDS: tuple[Kind, ...] = ("triangular", "pert", "uniform", "normal", "lognormal", "choice")


class Distribution(StrictModel):
    """An uncertain number: exactly one of the keys, with its named parameters."""

    triangular: Triangular | None = None
    pert: Pert | None = None
    uniform: Uniform | None = None
    normal: Normal | None = None
    lognormal: Lognormal | None = None
    choice: Choice | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Distribution:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "write exactly one distribution (triangular, pert, uniform, normal, lognormal, choice); "
                f"it has {', '.join(given) or 'none'}"
            )
        self._representable()
        return self

    def _representable(self) -> None:
        """Refuse a distribution whose mean, or whose spread (its P0.1 to P99.9, and the width between them),
        is beyond a 64-bit float: the central run, the draws and the sensitivity search would overflow."""
        try:
            mean = self.mean()
        except OverflowError:
            mean = math.inf
        if not math.isfinite(mean):
            raise ValueError(f"the mean of this {self.kind} distribution overflows a 64-bit number: {TOO_LARGE}")
        low, high = self.extremes()
        if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(high - low)):
            raise ValueError(f"the spread of this {self.kind} distribution overflows a 64-bit number: {TOO_LARGE}")

    def extremes(self) -> tuple[float, float]:
        """Its support where bounded, else its P0.1 and P99.9 (what sensitivity searches); inf where they overflow."""
        p = self.params
        if isinstance(p, Normal):
            return p.mean - Z999 * p.sd, p.mean + Z999 * p.sd
        if isinstance(p, Lognormal):
            mu, sigma = p.mu_sigma
            return _exp(mu - Z999 * sigma), _exp(mu + Z999 * sigma)
        return self.support()

    @property
    def kind(self) -> Kind:
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def params(self) -> Any:
        return getattr(self, self.kind)

    def describe(self) -> dict[str, Any]:
        return {self.kind: self.params.model_dump(exclude_none=True)}

    def mean(self) -> float:
        """The expected value: what a deterministic run uses."""
        p = self.params
        if isinstance(p, Triangular):
            return (p.low + p.mode + p.high) / 3
        if isinstance(p, Pert):
            return (p.low + 4 * p.mode + p.high) / 6
        if isinstance(p, Uniform):
            return (p.low + p.high) / 2
        if isinstance(p, Normal):
            return p.mean
        if isinstance(p, Lognormal):
            mu, sigma = p.mu_sigma
            return math.exp(mu + sigma**2 / 2)
        return float(sum(v * q for v, q in zip(p.values, p.probabilities, strict=True)))

    def support(self) -> tuple[float, float]:
        """Smallest and largest values it can take."""
        p = self.params
        if isinstance(p, (Triangular, Pert, Uniform)):
            return p.low, p.high
        if isinstance(p, Normal):
            return (p.mean, p.mean) if p.sd == 0 else (-math.inf, math.inf)
        if isinstance(p, Lognormal):
            mu, sigma = p.mu_sigma
            return (math.exp(mu), math.exp(mu)) if sigma == 0 else (0.0, math.inf)
        return min(p.values), max(p.values)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n plain Monte Carlo draws with numpy's own sampler."""
        import numpy as np

        p = self.params
        low, high = self.support()
        if low == high:
            return np.full(n, low)
        if isinstance(p, Triangular):
            return rng.triangular(p.low, p.mode, p.high, n)
        if isinstance(p, Pert):
            alpha, beta = _pert_shape(p)
            return p.low + (p.high - p.low) * rng.beta(alpha, beta, n)
        if isinstance(p, Uniform):
            return rng.uniform(p.low, p.high, n)
        if isinstance(p, Normal):
            return rng.normal(p.mean, p.sd, n)
        if isinstance(p, Lognormal):
            mu, sigma = p.mu_sigma
            return rng.lognormal(mu, sigma, n)
        return rng.choice(np.asarray(p.values, dtype=float), size=n, p=p.probabilities)

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF: values at cumulative probabilities u (used by Latin Hypercube sampling)."""
        import numpy as np

        p = self.params
        low, high = self.support()
        if low == high:
            return np.full(u.shape, low)
        if isinstance(p, Triangular):
            split = (p.mode - p.low) / (p.high - p.low)
            left = p.low + np.sqrt(u * (p.high - p.low) * (p.mode - p.low))
            right = p.high - np.sqrt((1 - u) * (p.high - p.low) * (p.high - p.mode))
            return np.where(u < split, left, right)
        if isinstance(p, Uniform):
            return p.low + u * (p.high - p.low)
        if isinstance(p, Choice):
            cumulative = np.cumsum(p.probabilities)
            index = np.minimum(np.searchsorted(cumulative, u, side="right"), len(p.values) - 1)
            return np.asarray(p.values, dtype=float)[index]
        from scipy import special  # only Latin Hypercube needs these inverse CDFs

        if isinstance(p, Pert):
            alpha, beta = _pert_shape(p)
            return p.low + (p.high - p.low) * special.betaincinv(alpha, beta, u)
        if isinstance(p, Normal):
            return p.mean + p.sd * special.ndtri(u)
        assert isinstance(p, Lognormal)
        mu, sigma = p.mu_sigma
        return np.exp(mu + sigma * special.ndtri(u))


def _pert_shape(p: Pert) -> tuple[float, float]:
    width = p.high - p.low
    return 1 + 4 * (p.mode - p.low) / width, 1 + 4 * (p.high - p.mode) / width
