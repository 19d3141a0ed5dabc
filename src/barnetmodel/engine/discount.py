"""Green Book discount factors: a running product of 1/(1+r) over the years of the appraisal."""

from __future__ import annotations

from functools import cache

import numpy as np

from barnetmodel.data.reference import Schedule


def discount_factors(rates: np.ndarray) -> np.ndarray:
    """Green Book discount factors for years 0..n-1 given the rate in force in each year.

    Year 0 is not discounted; the factor for year t is the running product of 1/(1+r_k) for
    k = 1..t, so a declining schedule discounts each year at the rate of its own band
    (not 1/(1+r)^t with one rate). Works on the last axis, so rates may carry leading axes
    (draws) as well.
    """
    per_year = 1.0 / (1.0 + np.asarray(rates, dtype=float))
    per_year = np.concatenate([np.ones_like(per_year[..., :1]), per_year[..., 1:]], axis=-1)
    return np.cumprod(per_year, axis=-1)


@cache
def factors_over(schedule: Schedule, years: int) -> np.ndarray:
    """The schedule's discount factors over the horizon: the same for every chunk of a run, made once."""
    factors = discount_factors(schedule.rates_for(years))
    factors.flags.writeable = False  # shared between projections
    return factors
