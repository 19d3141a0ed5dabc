"""The numpy engine: cash flows of every option, nominal, real and discounted.

Every flow has a leading axis of draws: the central (deterministic) run is one draw, a Monte
Carlo run a chunk of many, through the same code. Shapes: (draws, years) for flows,
(years,) for calendar data that no input changes. Flows are kept factored (`flows.py`):
an amount per draw times a yearly profile, made whole only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from barnetmodel.data.reference import Schedule, constant, optimism_bias_upper, schedules
from barnetmodel.engine.discount import factors_over
from barnetmodel.engine.flows import Event, Flow, weigh
from barnetmodel.errors import Path
from barnetmodel.scenario.checks import evaluation_order
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import Line, OptimismBias, Risk, Scenario
from barnetmodel.scenario.named import values as named_values
from barnetmodel.scenario.named import worked_out
from barnetmodel.scenario.numbers import central
from barnetmodel.scenario.paths import INFLATION, bias_path, bounds_at, line_path, risk_path, target_path

BASES = ("nominal", "real", "present_value")


@dataclass(frozen=True)
class Inputs:
    """Values, one per draw, that replace numbers of the scenario, keyed by their path.

    `Inputs()` is the central run: every number as written, each distribution at its mean,
    each formula worked out from those, each risk at its expected cost. `events` holds, per
    risk, a uniform draw in [0, 1) that decides whether and when the risk happens; without one
    the risk is carried at its expected value. `yearly` holds the annual amounts of lines drawn
    afresh each year (draw: yearly), (draws, years). `named` holds every named input's value,
    worked out by `with_named` once per run.
    """

    draws: int = 1
    values: Mapping[Path, np.ndarray] = field(default_factory=dict)
    events: Mapping[Path, np.ndarray] = field(default_factory=dict)
    yearly: Mapping[Path, np.ndarray] = field(default_factory=dict)
    named: Mapping[str, np.ndarray] = field(default_factory=dict)
    lenient: bool = False  # a formula that cannot be worked out in a row is nan there, not an error

    def with_named(self, scenario: Scenario) -> Inputs:
        """These inputs with every named input worked out: drawn or moved ones as given, formulas in order."""
        if not scenario.inputs:
            return self
        return replace(self, named=named_values(scenario, self.values, self.lenient))

    def get(self, path: Path, written: float | Distribution | Formula | None) -> np.ndarray:
        """Shape (draws, 1) for a drawn value, (1, 1) for a fixed one: either broadcasts against years,
        and fixed values keep their flows one row deep, which is what makes a million draws cheap. A
        formula is worked out over the named inputs, and checked against the bounds of its place."""
        value = self.values.get(path)
        if value is None:
            assert written is not None, path  # checks.py makes sure every number the engine reads is given
            if isinstance(written, Formula):
                return worked_out(written, self.named, path, bounds_at(path), self.lenient)
            return np.full((1, 1), central(written))
        return np.asarray(value, dtype=float).reshape(-1, 1)


@dataclass(frozen=True)
class Projection:
    """Cash flows of every option. Costs are positive, incomes negative; money in the file's unit."""

    scenario: Scenario
    draws: int
    years: np.ndarray  # (years,) financial years by their start
    schedule: Schedule
    discount_factor: np.ndarray  # (years,)
    inflation: np.ndarray  # (draws or 1, 1)
    line_flows: dict[str, dict[str, Flow]]  # option -> line -> flow, after optimism bias
    line_flows_before_bias: dict[str, dict[str, Flow]]
    risk_flows: dict[str, dict[str, Flow | Event]]  # option -> risk -> flow
    target_amount: dict[str, np.ndarray]  # target name -> (draws,)
    inputs: Inputs  # what the flows were made from, named inputs worked out

    def value(self, path: Path, written: float | Distribution | Formula) -> np.ndarray:
        """(draws or 1, 1) the value a number of the scenario took: as drawn or moved, a formula worked out."""
        return self.inputs.get(path, written)

    # Whole flows, (draws, years), or (1, years) where nothing in them was drawn.
    @cached_property
    def line_nominal(self) -> dict[str, dict[str, np.ndarray]]:
        return self._nominal(self.line_flows)

    @cached_property
    def line_nominal_before_bias(self) -> dict[str, dict[str, np.ndarray]]:
        return self._nominal(self.line_flows_before_bias)

    @cached_property
    def risk_nominal(self) -> dict[str, dict[str, np.ndarray]]:
        return self._nominal(self.risk_flows)

    def _nominal(self, flows: Mapping[str, Mapping[str, Flow | Event]]) -> dict[str, dict[str, np.ndarray]]:
        return {o: {name: f.nominal(self.price_index) for name, f in by_name.items()} for o, by_name in flows.items()}

    def cost(self, option: str, basis: str = "nominal", *, before_bias: bool = False) -> np.ndarray:
        """(draws, years) cost of an option: nominal, real (price_base prices) or present value."""
        lines = self.line_flows_before_bias if before_bias else self.line_flows
        flows = [f.nominal(self.price_index) for f in (*lines[option].values(), *self.risk_flows[option].values())]
        # Add the one-row (undrawn) flows together first: one pass over the draws, not one per line.
        fixed = sum((f for f in flows if f.shape[0] == 1), np.zeros((1, len(self.years))))
        drawn = [f for f in flows if f.shape[0] != 1]
        total = fixed + drawn[0] if drawn else fixed
        for flow in drawn[1:]:
            total += flow
        return self.convert(total, basis)

    def weighted(self, basis: str, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Option -> (k, draws): the option's yearly cost on a price basis ("nominal" or "real") summed over
        the years with each column of `weights` (years, k); with the discount factors, its present value.
        The same figures as (cost(option, basis) @ weights).T, to rounding, without making whole flows:
        every option's flows go through one product with the price index (or deflator), not one each."""
        options = list(self.scenario.options)
        flows = [[*self.line_flows[o].values(), *self.risk_flows[o].values()] for o in options]
        indexed = any(f.indexed for option in flows for f in option)  # any amount in real prices
        cash = any(not f.indexed for option in flows for f in option)
        factors: tuple[np.ndarray | None, np.ndarray | None]
        if basis == "nominal":  # cash amounts as they are; real ones times the price index
            factors = (None, self.price_index if indexed else None)
        elif basis == "real":  # cash amounts times the deflator; real ones as they are
            factors = (self.deflator if cash else None, None)
        else:
            raise ValueError(f"unknown basis {basis!r}")
        sums = zip(options, weigh(flows, weights, factors), strict=True)
        return {o: np.broadcast_to(total, (weights.shape[1], self.draws)) for o, total in sums}

    @cached_property
    def price_index(self) -> np.ndarray:
        """(draws or 1, years) nominal / real: 1 in price_base."""
        return powers(1.0 + self.inflation, self.years - self.scenario.price_base)

    @cached_property
    def deflator(self) -> np.ndarray:
        """(draws or 1, years) real / nominal, made as powers itself rather than by a division of every element."""
        return powers(1.0 / (1.0 + self.inflation), self.years - self.scenario.price_base)

    def convert(self, nominal: np.ndarray, basis: str) -> np.ndarray:
        if basis == "nominal":
            return np.broadcast_to(nominal, (self.draws, len(self.years)))
        real = nominal / self.price_index
        if basis == "real":
            return np.broadcast_to(real, (self.draws, len(self.years)))
        if basis == "present_value":
            return np.broadcast_to(real * self.discount_factor, (self.draws, len(self.years)))
        raise ValueError(f"unknown basis {basis!r}")

    def saving(self, option: str, basis: str = "nominal") -> np.ndarray:
        """(draws, years) what the option saves against the baseline: baseline cost minus its cost."""
        return self.cost(self.scenario.baseline, basis) - self.cost(option, basis)


def schedule_of(scenario: Scenario) -> Schedule:
    discount = scenario.money.discount
    return schedules()[discount] if isinstance(discount, str) else constant(discount)


def project(scenario: Scenario, inputs: Inputs | None = None) -> Projection:
    """Project every option's cash flows over the horizon."""
    inputs = (inputs or Inputs()).with_named(scenario)
    years = np.arange(scenario.horizon.start, scenario.horizon.end + 1)
    inflation = inputs.get(INFLATION, scenario.money.inflation)
    schedule = schedule_of(scenario)
    factors = factors_over(schedule, len(years))

    before: dict[str, dict[str, Flow]] = {}
    after: dict[str, dict[str, Flow]] = {}
    risks: dict[str, dict[str, Flow | Event]] = {}
    for name, option in scenario.options.items():
        flows: dict[str, Flow] = {}
        for i in evaluation_order(option.lines):
            line = option.lines[i]
            flows[line.name] = _line_flow(scenario, name, line, inputs, years, flows)
        before[name] = {line.name: flows[line.name] for line in option.lines}
        after[name] = _with_optimism_bias(name, option.optimism_bias, before[name], inputs)
        risks[name] = {risk.name: _risk_flow(scenario, name, risk, inputs, years) for risk in option.risks}
    amounts = {t.name: inputs.get((*target_path(t), "amount"), t.amount)[:, 0] for t in scenario.targets}
    return Projection(
        scenario, inputs.draws, years, schedule, factors, inflation, after, before, risks, amounts, inputs
    )


def _line_flow(
    scenario: Scenario, option: str, line: Line, inputs: Inputs, years: np.ndarray, done: dict[str, Flow]
) -> Flow:
    """The nominal cash flow of one line, before optimism bias."""
    path = line_path(option, line)

    def number(key: str, written: float | Distribution | Formula | None) -> np.ndarray:
        return inputs.get((*path, key), written)

    active = _between(years, line.from_, line.to)
    if line.share_of is not None:
        share = done[line.share_of]  # a share of a line's cash flow, in that line's prices
        return Flow(
            number("rate", line.rate) * share.amount,
            active * _ramp(line, path, inputs, years) * share.profile,
            share.indexed,
            share.signed,
        )
    if line.annual is not None:
        growth = number("growth", line.growth or 0.0)
        profile = powers(1.0 + growth, years - scenario.price_base)
        if not active.all():  # times 1 changes nothing: a pass over a million draws saved
            profile = profile * active
        if line.ramp:
            profile = profile * _ramp(line, path, inputs, years)
        drawn_yearly = inputs.yearly.get((*path, "annual"))
        if drawn_yearly is not None:  # a value a year: the draws go in the profile, signs and all
            return Flow(np.ones((1, 1)), drawn_yearly * profile, scenario.line_prices(line) == "real", signed=True)
        amount = number("annual", line.annual)
    elif line.total is not None:
        assert line.term is not None
        in_term = _between(years, line.term[0], line.term[1])
        weights = powers(1.0 + number("growth", line.growth or 0.0), years - line.term[0]) * in_term
        profile = weights / weights.sum(axis=1, keepdims=True)
        amount = number("total", line.total)
    else:
        profile = (years == line.once).astype(float)[None, :]
        amount = number("amount", line.amount)
    return Flow(amount, profile, indexed=scenario.line_prices(line) == "real")


def powers(base: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """base ** periods, for bases of shape (draws or 1, 1) and consecutive whole periods (years,)."""
    if base.shape[0] == 1:
        return base**periods  # exact powers for the central run
    # Many draws: each year's factor is the year before's times the base, one multiplication per year
    # over contiguous rows, far cheaper than a power (or exp) of every element.
    base = base[:, 0]
    by_year = np.empty((len(periods), len(base)))
    by_year[0] = base ** periods[0]
    for k in range(1, len(periods)):
        np.multiply(by_year[k - 1], base, out=by_year[k])
    return by_year.T  # (draws, years) in the layout it was made in: each year's draws side by side


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
    steps = np.hstack([inputs.get((*path, "ramp", j), value) for j, value in enumerate(line.ramp)])
    since_first = years - first
    ramped = steps[:, np.clip(since_first, 0, len(line.ramp) - 1)]
    return np.where(since_first < len(line.ramp), ramped, 1.0)


def _with_optimism_bias(
    option: str, bias: OptimismBias | None, flows: dict[str, Flow], inputs: Inputs
) -> dict[str, Flow]:
    """Costs uplifted by (1 - mitigated) x uplift; incomes cut by the same share if asked."""
    if bias is None:
        return flows
    path = bias_path(option)
    uplift = (
        optimism_bias_upper(bias.category) if bias.category is not None else inputs.get((*path, "uplift"), bias.uplift)
    )
    applied = (1.0 - inputs.get((*path, "mitigated"), bias.mitigated)) * uplift
    shortfall = applied if bias.income_shortfall else 0.0
    scope = set(flows) if bias.lines is None else set(bias.lines)
    return {name: _biased(flow, applied, shortfall) if name in scope else flow for name, flow in flows.items()}


def _biased(flow: Flow, applied: np.ndarray, shortfall: np.ndarray | float) -> Flow:
    """A flow with its costs raised by `applied` and its incomes cut by `shortfall`."""
    if flow.signed:  # a value drawn each year: its sign can change from year to year
        return flow.reshaped(np.where(flow.profile > 0, 1.0 + applied, 1.0 - shortfall))
    # Otherwise a flow's sign is its amount's (profiles are never negative): told apart by amount.
    return flow.scaled(np.where(flow.amount > 0, 1.0 + applied, 1.0 - shortfall))


def _risk_flow(scenario: Scenario, option: str, risk: Risk, inputs: Inputs, years: np.ndarray) -> Flow | Event:
    """The nominal cost of a risk: drawn when the inputs carry its event, else expected."""
    path = risk_path(option, risk)
    first = years[0] if risk.from_ is None else risk.from_
    last = years[-1] if risk.to is None else risk.to
    window = last - first + 1
    since = (years - first).astype(float)  # years since the window opened
    inside = (since >= 0) & (years <= last)
    p = inputs.get((*path, "probability"), risk.probability)
    u = inputs.events.get(path)
    cost = inputs.get((*path, "cost"), risk.cost) * (1 - inputs.get((*path, "recovered"), risk.recovered))
    indexed = (risk.prices or scenario.money.prices) == "real"
    with np.errstate(divide="ignore", invalid="ignore"):
        if u is None:  # expected share of the cost in each year
            if risk.per == "year":
                weight = 1 - (1 - p) ** (since + 1) if risk.recurring else p * (1 - p) ** since
            else:
                weight = p * (since + 1) / window if risk.recurring else p / window
            return Flow(cost, np.where(inside, weight, 0.0), indexed)
        # The year it happens, from one uniform draw per draw (inverse CDF).
        u = np.asarray(u, dtype=float).reshape(-1, 1)
        if risk.per == "year" and not risk.recurring and p.shape[0] == 1 and 0 < p[0, 0] < 1:
            # The usual case. Only draws with u above (1-p)^window land in the window (u a hair lower is
            # let through, against rounding): the inverse CDF is worked out for those few alone.
            maybe = np.flatnonzero(u[:, 0] > (1 - p[0, 0]) ** window * (1 - 1e-12))
            happens_at = np.floor(np.log(u[maybe, 0]) / np.log1p(-p[0, 0]))
            return _landing(len(u), cost, happens_at, since, inside, indexed, rows=maybe)
        if risk.per == "year":
            first_year = np.floor(np.log(u) / np.log1p(-p))  # geometric: P(not before j) = (1-p)^j
            happens_at = np.select([p >= 1, p <= 0], [0.0, np.inf], first_year)[:, 0]
        else:
            happens_at = np.where(u < p, np.floor(u / p * window), np.inf)[:, 0]
    if risk.recurring:
        return Flow(cost, ((since >= happens_at[:, None]) & inside).astype(float), indexed)
    return _landing(len(happens_at), cost, happens_at, since, inside, indexed)


def _landing(
    draws: int,
    cost: np.ndarray,
    happens_at: np.ndarray,
    since: np.ndarray,
    inside: np.ndarray,
    indexed: bool,
    rows: np.ndarray | None = None,
) -> Event:
    """A one-off cost in the year it happens, `happens_at` years after its window opens (inf: never), in
    each draw (or in draws `rows` only, where it may happen at all). It lands in one year at most: find
    the draws where that year is inside the window and the horizon, and the year (column) for each.
    `since` counts whole years up from since[0]; never (inf) is past every year."""
    offset = happens_at - since[0]
    hit = np.flatnonzero((offset >= 0) & (offset < len(since)))
    column = offset[hit].astype(np.intp)
    keep = inside[column]
    landed = hit[keep] if rows is None else rows[hit[keep]]
    return Event(draws, cost, landed, column[keep], len(since), indexed)
