"""Published reference data shipped in this folder, each with its source and date: the Green Book's
discount schedules and optimism-bias categories."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from barnetmodel.data import read_shipped

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
    for name, entry in read_shipped(text).items():
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


def optimism_bias_upper(category: str) -> float:
    """The Green Book upper bound of optimism bias for a category (outsourcing: 0.41)."""
    return _optimism_bias_table()[category]


@cache
def _optimism_bias_table() -> dict[str, float]:
    text = resources.files("barnetmodel").joinpath("data/optimism_bias.yaml").read_text("utf-8")
    return {name: float(entry["upper"]) for name, entry in read_shipped(text)["categories"].items()}
