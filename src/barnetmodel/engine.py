"""The numpy engine: ten-year cash flows of every option, nominal, real and discounted.

Every array has a leading axis of draws: a deterministic run is one draw, a Monte Carlo
run many, through the same code. Shapes: (draws, years) for flows, (years,) for calendar
data that no input changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from barnetmodel.checks import evaluation_order
from barnetmodel.discount import Schedule, constant, discount_factors, schedules
from barnetmodel.errors import Path
from barnetmodel.scenario import Line, Scenario

BASES = ("nominal", "real", "present_value")


@dataclass(frozen=True)
class Inputs:
    """Values, one per draw, that replace numbers of the scenario, keyed by their path.

    `Inputs()` is the deterministic run: every number as the file writes it.
    """

    draws: int = 1
    values: Mapping[Path, np.ndarray] = field(default_factory=dict)

    def get(self, path: Path, central: float) -> np.ndarray:
        """Shape (draws, 1), ready to broadcast against years."""
        value = self.values.get(path)
        if value is None:
            return np.full((self.draws, 1), float(central))
        return np.broadcast_to(np.asarray(value, dtype=float).reshape(-1, 1), (self.draws, 1))


@dataclass(frozen=True)
class Projection:
    """Cash flows of every option. Costs are positive, incomes negative; money in the file's unit."""

    scenario: Scenario
    years: np.ndarray  # (years,) financial years by their start
    schedule: Schedule
    discount_factor: np.ndarray  # (years,)
    price_index: np.ndarray  # (draws, years): nominal / real, 1 in price_base
    line_nominal: dict[str, dict[str, np.ndarray]]  # option -> line -> (draws, years)

    @property
    def draws(self) -> int:
        return int(self.price_index.shape[0])

    def cost(self, option: str, basis: str = "nominal") -> np.ndarray:
        """(draws, years) cost of an option, nominal, real (price_base prices) or present value."""
        nominal = sum(self.line_nominal[option].values(), np.zeros_like(self.price_index))
        return self.convert(nominal, basis)

    def convert(self, nominal: np.ndarray, basis: str) -> np.ndarray:
        if basis == "nominal":
            return nominal
        real = nominal / self.price_index
        if basis == "real":
            return real
        if basis == "present_value":
            return real * self.discount_factor
        raise ValueError(f"unknown basis {basis!r}")

    def saving(self, option: str, basis: str = "nominal") -> np.ndarray:
        """(draws, years) what the option saves against the baseline: baseline cost minus its cost."""
        return self.cost(self.scenario.baseline, basis) - self.cost(option, basis)


def schedule_of(scenario: Scenario) -> Schedule:
    discount = scenario.money.discount
    return schedules()[discount] if isinstance(discount, str) else constant(discount)


def project(scenario: Scenario, inputs: Inputs | None = None) -> Projection:
    """Project every option's cash flows over the horizon."""
    inputs = inputs or Inputs()
    years = np.arange(scenario.horizon.start, scenario.horizon.end + 1)
    inflation = inputs.get(("money", "inflation"), scenario.money.inflation)
    price_index = (1.0 + inflation) ** (years - scenario.price_base)
    schedule = schedule_of(scenario)
    factors = discount_factors(schedule.rates_for(len(years)))

    line_nominal: dict[str, dict[str, np.ndarray]] = {}
    for name, option in scenario.options.items():
        flows: dict[str, np.ndarray] = {}
        for i in evaluation_order(option.lines):
            line = option.lines[i]
            path: Path = ("options", name, "lines", i)
            flows[line.name] = _line_nominal(scenario, line, path, inputs, years, price_index, flows)
        line_nominal[name] = {line.name: flows[line.name] for line in option.lines}
    return Projection(scenario, years, schedule, factors, price_index, line_nominal)


def _line_nominal(
    scenario: Scenario,
    line: Line,
    path: Path,
    inputs: Inputs,
    years: np.ndarray,
    price_index: np.ndarray,
    done: dict[str, np.ndarray],
) -> np.ndarray:
    """(draws, years) nominal cash flow of one line."""

    def number(key: str, central: float) -> np.ndarray:
        return inputs.get(path + (key,), central)

    active = _between(years, line.from_, line.to)
    if line.share_of is not None:
        assert line.rate is not None
        return number("rate", line.rate) * done[line.share_of] * active * _ramp(line, path, inputs, years)
    if line.annual is not None:
        growth = number("growth", line.growth or 0.0)
        written = number("annual", line.annual) * (1.0 + growth) ** (years - scenario.price_base)
        written = written * active * _ramp(line, path, inputs, years)
    elif line.total is not None:
        assert line.term is not None
        in_term = _between(years, line.term[0], line.term[1])
        weights = (1.0 + number("growth", line.growth or 0.0)) ** (years - line.term[0]) * in_term
        written = number("total", line.total) * weights / weights.sum(axis=1, keepdims=True)
    else:
        assert line.once is not None and line.amount is not None
        written = number("amount", line.amount) * (years == line.once)
    if scenario.line_prices(line) == "real":
        return written * price_index
    return written


def _between(years: np.ndarray, first: int | None, last: int | None) -> np.ndarray:
    """1.0 in the years from `first` to `last` inclusive (open ends allowed), else 0.0."""
    low = years[0] if first is None else first
    high = years[-1] if last is None else last
    return ((years >= low) & (years <= high)).astype(float)


def _ramp(line: Line, path: Path, inputs: Inputs, years: np.ndarray) -> np.ndarray:
    """(draws, years) fraction of the full effect: the ramp's values from the line's first year."""
    if not line.ramp:
        return np.ones((1, len(years)))
    first = int(years[0] if line.from_ is None else line.from_)
    steps = np.hstack([inputs.get(path + ("ramp", j), value) for j, value in enumerate(line.ramp)])
    since_first = years - first
    position = np.clip(since_first, 0, len(line.ramp) - 1)
    ramped = steps[:, position]
    return np.where(since_first < len(line.ramp), ramped, 1.0)
