"""Discount schedules (data with their source) and the discount factors they give."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Schedule:
    """A real discount rate by year of the appraisal, from a named and dated source."""

    name: str
    title: str
    source: str
    as_of: str
    from_years: tuple[int, ...]
    rates: tuple[float, ...]

    def rates_for(self, years: int) -> np.ndarray:
        """The rate in force in each year 0..years-1 of the appraisal."""
        import numpy as np  # here, not at the top: validating a file reads schedules without numpy

        t = np.arange(years)
        band = np.searchsorted(np.asarray(self.from_years), t, side="right") - 1
        return np.asarray(self.rates)[band]


@cache
def schedules() -> dict[str, Schedule]:
    """The named schedules shipped in `data/discount_schedules.yaml`."""
    text = resources.files("barnetmodel").joinpath("data/discount_schedules.yaml").read_text("utf-8")
    found = {}
    for name, entry in yaml.safe_load(text).items():
        bands = entry["bands"]
        found[name] = Schedule(
            name=name,
            title=entry["title"],
            source=entry["source"],
            as_of=str(entry["as_of"]),
            from_years=tuple(int(b["from_year"]) for b in bands),
            rates=tuple(float(b["rate"]) for b in bands),
        )
    return found


def constant(rate: float) -> Schedule:
    """A single rate for every year, as a user may give instead of a named schedule."""
    return Schedule(
        name=f"constant {rate:g}",
        title=f"Constant real rate of {rate:.4%} a year",
        source="the scenario file",
        as_of="",
        from_years=(0,),
        rates=(rate,),
    )


def discount_factors(rates: np.ndarray) -> np.ndarray:
    """Green Book discount factors for years 0..n-1 given the rate in force in each year.

    Year 0 is not discounted; the factor for year t is the running product of 1/(1+r_k) for
    k = 1..t, so a declining schedule discounts each year at the rate of its own band
    (not 1/(1+r)^t with one rate). Works on the last axis, so rates may carry leading axes
    (draws) as well.
    """
    import numpy as np

    per_year = 1.0 / (1.0 + np.asarray(rates, dtype=float))
    per_year = np.concatenate([np.ones_like(per_year[..., :1]), per_year[..., 1:]], axis=-1)
    return np.cumprod(per_year, axis=-1)
