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
from barnetmodel.engine import contracts, yearly
from barnetmodel.engine.contracts import Switch
from barnetmodel.engine.discount import factors_over
from barnetmodel.engine.flows import AnyFlow, Event, Flow, Switched, powers, weigh, weighed_rows
from barnetmodel.errors import Path
from barnetmodel.scenario.checks import evaluation_order
from barnetmodel.scenario.contract_checks import switch_risks
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import Guarantee, InflationSeries, Line, OptimismBias, Risk, Scenario
from barnetmodel.scenario.named import values as named_values
from barnetmodel.scenario.named import worked_out
from barnetmodel.scenario.numbers import central
from barnetmodel.scenario.paths import (
    INFLATION,
    INFLATION_AFTER,
    bias_path,
    bounds_at,
    formulas,
    guarantee_path,
    inflation_path,
    is_named,
    line_path,
    risk_path,
    target_path,
)

BASES = ("nominal", "real", "present_value")
PROFILE_FIELDS = {"growth", "ramp", "probability"}  # numbers that change a flow's profile over the years


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
    # Switch risks: the horizon year (index) each row's switch happens in (inf: never), for the rows of
    # a run without draws, one outcome each; a Monte Carlo run draws it from `events` instead.
    happened: Mapping[Path, np.ndarray] = field(default_factory=dict)
    # Values that are the same in every draw (one row: a fixed number, a formula of fixed inputs, a fixed
    # ramp), made once and shared, read-only, by every chunk of a Monte Carlo run, whose chunks differ only in
    # their draws: each chunk's evaluation then skips that Python work. None (the default): made each time.
    fixed: dict[object, np.ndarray] | None = field(default=None, compare=False, repr=False)

    def with_named(self, scenario: Scenario) -> Inputs:
        """These inputs with every named input worked out: drawn or moved ones as given, formulas in order."""
        if not scenario.inputs:
            return self
        return replace(self, named=named_values(scenario, self.values, self.lenient, self._keeping()))

    def _keeping(self) -> dict[object, np.ndarray] | None:
        """`fixed`, where a value of one row is one that no draw changes: not in a chunk of one draw."""
        return self.fixed if self.draws > 1 else None

    def kept(self, key: object, value: np.ndarray) -> np.ndarray:
        """`value`, kept in `fixed` under `key` when it is one row (the same in every draw), read-only."""
        fixed = self._keeping()
        if fixed is not None and value.shape[0] == 1:
            value.setflags(write=False)
            fixed[key] = value
        return value

    def get(self, path: Path, written: float | Distribution | Formula | None) -> np.ndarray:
        """Shape (draws, 1) for a drawn value, (1, 1) for a fixed one: either broadcasts against years,
        and fixed values keep their flows one row deep, which is what makes a million draws cheap. A
        formula is worked out over the named inputs, and checked against the bounds of its place."""
        value = self.values.get(path)
        if value is None:
            known = None if self.fixed is None else self.fixed.get(path)
            if known is not None:
                return known
            assert written is not None, path  # checks.py makes sure every number the engine reads is given
            if isinstance(written, Formula):
                return self.kept(path, worked_out(written, self.named, path, bounds_at(path), self.lenient))
            return self.kept(path, np.full((1, 1), central(written)))
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
    line_flows: dict[str, dict[str, AnyFlow]]  # option -> line -> flow, after optimism bias
    line_flows_before_bias: dict[str, dict[str, AnyFlow]]
    risk_flows: dict[str, dict[str, Flow | Event]]  # option -> risk -> flow
    target_amount: dict[str, np.ndarray]  # target name -> (draws,)
    inputs: Inputs  # what the flows were made from, named inputs worked out
    guarantee_flows: dict[str, dict[str, AnyFlow]] = field(default_factory=dict)  # option -> guarantee -> refund
    # A published inflation series: (index relative to price_base where the series has it (1, years),
    # years of the rate `inflation` on top (years,)); None for one rate a year.
    inflation_series: tuple[np.ndarray, np.ndarray] | None = None
    # Switch risks, by option and path, in a run without draws: per year, the chance the switch has happened
    # ("happened"), has taken effect ("switched"), and that a fallback line is in its premium years
    # ("transition"). By option: a planned change may end a contract, and its risks, in one option only.
    switch_chances: dict[tuple[str, Path], dict[str, np.ndarray]] = field(default_factory=dict)

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

    def _nominal(self, flows: Mapping[str, Mapping[str, AnyFlow | Event]]) -> dict[str, dict[str, np.ndarray]]:
        return {o: {name: f.nominal(self.price_index) for name, f in by_name.items()} for o, by_name in flows.items()}

    @cached_property
    def guarantee_nominal(self) -> dict[str, dict[str, np.ndarray]]:
        return self._nominal(self.guarantee_flows)

    def flows_of(self, option: str, *, before_bias: bool = False) -> list[AnyFlow | Event]:
        """Every flow of an option: its lines, risks and guarantees."""
        lines = self.line_flows_before_bias if before_bias else self.line_flows
        guarantees = self.guarantee_flows.get(option, {})
        return [*lines[option].values(), *self.risk_flows[option].values(), *guarantees.values()]

    def cost(self, option: str, basis: str = "nominal", *, before_bias: bool = False) -> np.ndarray:
        """(draws, years) cost of an option: nominal, real (price_base prices) or present value. Present
        values are the economic case's: transfers (lines marked `transfer`) are left out."""
        kept = self.flows_of(option, before_bias=before_bias)
        if basis == "present_value":
            kept = [f for f in kept if not f.transfer]
        flows = [f.nominal(self.price_index) for f in kept]
        # Add the one-row (undrawn) flows together first: one pass over the draws, not one per line.
        fixed = sum((f for f in flows if f.shape[0] == 1), np.zeros((1, len(self.years))))
        drawn = [f for f in flows if f.shape[0] != 1]
        total = fixed + drawn[0] if drawn else fixed
        for flow in drawn[1:]:
            total += flow
        return self.convert(total, basis)

    def weighted(self, basis: str, weights: np.ndarray, *, economic: bool = False) -> dict[str, np.ndarray]:
        """Option -> (k, draws): the option's yearly cost on a price basis ("nominal" or "real") summed over
        the years with each column of `weights` (years, k); with the discount factors, its present value
        (`economic`: without transfers, as present values are). The same figures as
        (cost(option, basis) @ weights).T, to rounding, without making whole flows: every option's flows
        go through one product with the price index (or deflator), not one each."""
        options = list(self.scenario.options)
        flows = [[f for f in self.flows_of(o) if not (economic and f.transfer)] for o in options]
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

    def nominal_by_year(self) -> dict[str, np.ndarray]:
        """Option -> (years, draws): its nominal cost in each year. What weighted("nominal", np.eye(years))
        gives, to rounding, for a fraction of the work (yearly.totals)."""
        options = list(self.scenario.options)
        flows = [self.flows_of(o) for o in options]
        indexed = any(f.indexed for option in flows for f in option)
        factors = (None, self.price_index if indexed else None)
        shape = (len(self.years), self.draws)
        return {
            o: np.broadcast_to(t, shape) for o, t in zip(options, yearly.totals(flows, factors, shape[0]), strict=True)
        }

    def by_year_values(self) -> int:
        """The values a draw `nominal_by_year` holds at most at once (yearly.values_held)."""
        return yearly.values_held([list(self.flows_of(o)) for o in self.scenario.options], len(self.years))

    def weighing_rows(self) -> int:
        """The rows of draws `weighted` holds at most at once, per column of weights (flows.weighed_rows)."""
        return weighed_rows([list(self.flows_of(o)) for o in self.scenario.options])

    @cached_property
    def price_index(self) -> np.ndarray:
        """(draws or 1, years) nominal / real: 1 in price_base."""
        if self.inflation_series is not None:
            published, periods = self.inflation_series
            return published * (1.0 + self.inflation) ** periods
        return powers(1.0 + self.inflation, self.years - self.scenario.price_base)

    @cached_property
    def deflator(self) -> np.ndarray:
        """(draws or 1, years) real / nominal, made as powers itself rather than by a division of every element."""
        if self.inflation_series is not None:
            published, periods = self.inflation_series
            return (1.0 / published) * (1.0 / (1.0 + self.inflation)) ** periods
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


def values_per_draw(scenario: Scenario, paths: list[Path], *, events: bool = False) -> list[int]:
    """For each input, the values a projection makes per draw when it is drawn: one for each flow it changes
    (its line and the lines that are shares of it, at any remove; every line of the option for an optimism
    bias; its own flow for a risk), times the years when it changes a profile (growth, a ramp step, and a
    risk's probability when risks are carried at their expected cost, not drawn as `events`); the price index
    and deflator, and what they multiply, for inflation. A drawn growth of an annual line is the exception:
    its powers are made once for every line grown at the same rate (Flow.grown), so they count the years once
    per rate, and each line grown at it one value. What bounds the memory of a chunk of draws, and of a
    batch of sensitivity rows."""
    years = scenario.horizon.years
    changed: dict[Path, int] = {}
    shared: set[Path] = set()  # growth places whose powers the engine shares (_line_flow)
    for name, option in scenario.options.items():
        index = {line.name: i for i, line in enumerate(option.lines)}
        count = [1] * len(option.lines)
        for i in reversed(evaluation_order(option.lines)):  # shares before the lines they are shares of
            target = option.lines[i].base_line  # share_of, credits, variations
            if target is not None and target in index and target != option.lines[i].name:
                count[index[target]] += count[i]
        changed |= {line_path(name, line): count[i] for i, line in enumerate(option.lines)}
        shared |= {(*line_path(name, line), "growth") for line in option.lines if _grown_apart(line)}

    def at_place(path: Path) -> int:
        field = str(path[-2]) if isinstance(path[-1], int) else str(path[-1])
        if path in (INFLATION, INFLATION_AFTER):
            return 3 * years
        if len(path) > 2 and path[2] == "optimism_bias":
            return len(scenario.options[str(path[1])].lines)
        flows = changed.get(path[:4], 1) if len(path) > 3 else 1
        if path in shared:  # a value a flow; the rate's powers are counted once, by rate
            return flows
        profile = field in PROFILE_FIELDS and not (events and field == "probability")
        return flows * (years if profile else 1)

    def rate(path: Path) -> str | Path:
        """What tells rates apart: a formula by its text (the same text, the same values), a drawn one by place."""
        written = numbers_at.get(path)
        return "".join(written.text.split()) if isinstance(written, Formula) else path

    numbers_at = formulas(scenario)
    placed = [path for path in formulas(scenario) if not is_named(path)]
    # A named input drawn makes every named input's value a row each, and every place a formula stands drawn;
    # the powers of each growth rate among those places once.
    named = len(scenario.named_inputs) + sum(at_place(path) for path in placed)
    named += years * len({rate(path) for path in placed if path in shared})
    return [named if is_named(path) else at_place(path) + (years if path in shared else 0) for path in paths]


def _grown_apart(line: Line) -> bool:
    """Whether a drawn growth of the line has its powers kept apart and shared (_line_flow): an annual line,
    neither drawn each year nor indexed."""
    return line.annual is not None and line.draw != "yearly" and line.index is None


def schedule_of(scenario: Scenario) -> Schedule:
    discount = scenario.money.discount
    return schedules()[discount] if isinstance(discount, str) else constant(discount)


def project(scenario: Scenario, inputs: Inputs | None = None) -> Projection:
    """Project every option's cash flows over the horizon."""
    inputs = (inputs or Inputs()).with_named(scenario)
    switches = _switch_risks(scenario)
    if any(path not in inputs.events and path not in inputs.happened for path in switches):
        return _weighed_outcomes(scenario, inputs, switches)
    return _project(scenario, inputs)


def _switch_risks(scenario: Scenario) -> dict[Path, Risk]:
    """Every risk that switches lines or ends a guarantee, by its path (once, however many options share it)."""
    found: dict[Path, Risk] = {}
    for name in scenario.options:
        for home, risk in switch_risks(scenario, name):
            found[risk_path(home, risk)] = risk
    return found


def _window(scenario: Scenario, risk: Risk) -> tuple[int, int]:
    """The first year a risk can happen, as an index in the horizon, and how many years it can happen in."""
    first = scenario.horizon.start if risk.from_ is None else risk.from_
    last = scenario.horizon.end if risk.to is None else risk.to
    return first - scenario.horizon.start, last - first + 1


def _weighed_outcomes(scenario: Scenario, inputs: Inputs, switches: dict[Path, Risk]) -> Projection:
    """A run without draws of a scenario with switches: one row per outcome of the switches (per row of
    `inputs`), projected, then each flow the rows' average weighed by the outcomes' chances."""
    pending = [(path, risk, *_window(scenario, risk)) for path, risk in switches.items() if path not in inputs.happened]
    combos = contracts.outcomes(pending)
    k, rows = combos.count, inputs.draws

    def repeated(values: Mapping[Path, np.ndarray]) -> dict[Path, np.ndarray]:
        """Each row's values once for each of its outcome rows; (rows, years) arrays row by row."""
        return {
            p: np.repeat(np.asarray(v, dtype=float), k, axis=0) if np.shape(v)[:1] not in ((), (1,)) else v
            for p, v in values.items()
        }

    happened = repeated(inputs.happened) | {path: np.tile(at, rows) for path, at in combos.happened.items()}
    expanded = replace(
        inputs,
        draws=rows * k,
        values=repeated(inputs.values),
        events=repeated(inputs.events),
        yearly=repeated(inputs.yearly),
        happened=happened,
    ).with_named(scenario)
    whole = _project(scenario, expanded)
    weights = combos.weights(inputs.get)  # (rows or 1, k)

    def flows(by_option: dict[str, dict[str, AnyFlow]]) -> dict[str, dict[str, AnyFlow]]:
        return {o: {n: _collapsed(f, weights, k) for n, f in by_name.items()} for o, by_name in by_option.items()}

    risks: dict[str, dict[str, Flow | Event]] = {
        o: {n: _collapsed(f, weights, k, whole.years.size) for n, f in by_name.items()}
        for o, by_name in whole.risk_flows.items()
    }
    chances: dict[tuple[str, Path], dict[str, np.ndarray]] = {}
    if rows == 1:  # the central run: each option's chances that each switch has happened, by year
        columns, n = np.arange(len(whole.years)), len(whole.years)
        for name in scenario.options:
            for home, risk in switch_risks(scenario, name):
                path = risk_path(home, risk)
                at = np.broadcast_to(happened[path], k)
                mask = contracts.change_mask(scenario, name, risk.name, whole.years)
                if mask is not None:  # a planned change ended it: never from its year
                    at = np.where(at < int(np.argmin(mask[0])) if mask[0].min() == 0 else n, at, np.inf)
                switch = contracts.make_switch(risk, k, np.arange(k), at, n)
                switched = 1.0 - switch.before(columns)
                transition = switched * (columns[None, :] < switch.effect[:, None] + (risk.transition or 0))
                failed = 1.0 - switch.before(columns, switch.happened)
                chances[(name, path)] = {
                    key: contracts.collapse(value, weights, k)[0]
                    for key, value in (("switched", switched), ("transition", transition), ("happened", failed))
                }
    return Projection(
        scenario,
        rows,
        whole.years,
        whole.schedule,
        whole.discount_factor,
        whole.inflation[::k] if whole.inflation.shape[0] > 1 else whole.inflation,
        flows(whole.line_flows),
        flows(whole.line_flows_before_bias),
        risks,
        {name: amount[::k] if amount.shape[0] > 1 else amount for name, amount in whole.target_amount.items()},
        inputs,
        flows(whole.guarantee_flows),
        whole.inflation_series,
        chances,
    )


def _collapsed(flow: AnyFlow | Event, weights: np.ndarray, k: int, years: int = 0) -> Flow:
    """A flow over outcome rows as one over the rows they came from: each year's amount weighed by the
    outcomes' chances (amount 1: the weighed profile carries the sign)."""
    if isinstance(flow, Event):
        written = np.zeros((flow.draws, years))
        written[flow.rows, flow.columns] = flow.hit_amounts()
    else:
        written = flow.written()
        if written.shape[0] == 1 and isinstance(flow, Flow):
            return flow
    return Flow(np.ones((1, 1)), contracts.collapse(written, weights, k), flow.indexed, True, flow.transfer)


def inflation_series_of(scenario: Scenario, years: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """For `money.inflation` given as a series: its index over the years relative to price_base where it has
    one (the rate on top after it ends), and the years of rate on top (years,)."""
    inflation = scenario.money.inflation
    if not isinstance(inflation, InflationSeries):
        return None
    from barnetmodel.data.series import series

    found = series(inflation.series)
    base, last = scenario.price_base, found.last
    published = np.array([found.value(int(min(y, last))) for y in years]) / found.value(min(base, last))
    periods = np.maximum(years - last, 0) - max(base - last, 0)
    return published[None, :], periods.astype(float)


def _project(scenario: Scenario, inputs: Inputs) -> Projection:
    years = np.arange(scenario.horizon.start, scenario.horizon.end + 1)
    inflation_series = inflation_series_of(scenario, years)
    inflation_written = (
        scenario.money.inflation.after
        if isinstance(scenario.money.inflation, InflationSeries)
        else scenario.money.inflation
    )
    inflation = inputs.get(inflation_path(scenario), 0.0 if inflation_written is None else inflation_written)
    schedule = schedule_of(scenario)
    factors = factors_over(schedule, len(years))
    switches = _switches(scenario, inputs, years)

    before: dict[str, dict[str, AnyFlow]] = {}
    after: dict[str, dict[str, AnyFlow]] = {}
    risks: dict[str, dict[str, Flow | Event]] = {}
    guarantees: dict[str, dict[str, AnyFlow]] = {}
    price_index: np.ndarray | None = None
    grown: list[tuple[np.ndarray, np.ndarray]] = []  # (drawn growth, its powers) made once, for every line
    for name in scenario.options:
        lines = scenario.lines_of(name)
        risks_switching = switch_risks(scenario, name)
        own = _switches_of(scenario, name, risks_switching, switches, years)  # as its planned changes leave them
        flows: dict[str, AnyFlow] = {}
        for i in evaluation_order([line for _, line in lines]):
            home, line = lines[i]
            flow = _line_flow(scenario, home, line, inputs, years, flows, grown)
            mask = contracts.change_mask(scenario, name, line.name, years)
            if mask is not None:
                flow = flow.reshaped(mask)
            flows[line.name] = _switched(risks_switching, line.name, flow, years, own, inputs)
        before[name] = {line.name: flows[line.name] for _, line in lines}
        bias = scenario.bias_of(name)
        after[name] = before[name] if bias is None else _with_optimism_bias(bias[0], bias[1], before[name], inputs)
        risks[name] = {
            risk.name: _stopped(
                _risk_flow(scenario, home, risk, inputs, years, own.get(risk_path(home, risk))),
                contracts.change_mask(scenario, name, risk.name, years),
            )
            for home, risk in scenario.risks_of(name)
        }
        if scenario.guarantees_of(name):
            if price_index is None:
                price_index = _price_index(inflation, inflation_series, years, scenario.price_base)
            guarantees[name] = {}
            for home, g in scenario.guarantees_of(name):
                refund = _guarantee_flow(scenario, home, g, after[name], inputs, years, price_index, own)
                mask = contracts.change_mask(scenario, name, g.name, years)  # it ends with the contract
                guarantees[name][g.name] = refund if mask is None else refund.reshaped(mask)
    amounts = {t.name: inputs.get((*target_path(t), "amount"), t.amount)[:, 0] for t in scenario.targets}
    projection = Projection(
        scenario,
        inputs.draws,
        years,
        schedule,
        factors,
        inflation,
        after,
        before,
        risks,
        amounts,
        inputs,
        guarantees,
        inflation_series,
    )
    if price_index is not None:  # made for the guarantees, as the property makes it: not made twice
        projection.__dict__["price_index"] = price_index
    return projection


def _price_index(
    inflation: np.ndarray, series: tuple[np.ndarray, np.ndarray] | None, years: np.ndarray, base: int
) -> np.ndarray:
    if series is not None:
        return series[0] * (1.0 + inflation) ** series[1]
    return powers(1.0 + inflation, years - base)


def _switches(scenario: Scenario, inputs: Inputs, years: np.ndarray) -> dict[Path, Switch]:
    """Where and when each switch risk happens: given (outcome rows), or drawn from its uniform."""
    found: dict[Path, Switch] = {}
    for path, risk in _switch_risks(scenario).items():
        if path in inputs.happened:
            given = np.broadcast_to(np.asarray(inputs.happened[path], dtype=float).reshape(-1), inputs.draws)
            rows = np.flatnonzero(np.isfinite(given))
            happened = given[rows]
        else:
            first, window = _window(scenario, risk)
            p = inputs.get((*path, "probability"), risk.probability)
            rows, at = contracts.happens_at(risk, p, inputs.events[path], window)
            happened = first + at
        found[path] = contracts.make_switch(risk, inputs.draws, rows, happened, len(years))
    return found


def _switches_of(
    scenario: Scenario,
    option: str,
    risks: list[tuple[str, Risk]],
    switches: dict[Path, Switch],
    years: np.ndarray,
) -> dict[Path, Switch]:
    """The switches as an option sees them (its switch `risks`): one its planned changes stop (the contract
    ended) happens only before the change's year."""
    found = dict(switches)
    for home, risk in risks:
        path = risk_path(home, risk)
        mask = contracts.change_mask(scenario, option, risk.name, years)
        if mask is not None:
            found[path] = switches[path].until(int(np.argmin(mask[0])) if mask[0].min() == 0 else len(years))
    return found


def _stopped(flow: Flow | Event, mask: np.ndarray | None) -> Flow | Event:
    """A risk's flow with nothing from the year a planned change stops it (the contract ended)."""
    if mask is None:
        return flow
    if isinstance(flow, Event):
        keep = mask[0, flow.columns] > 0
        return replace(flow, rows=flow.rows[keep], columns=flow.columns[keep])
    return flow.reshaped(mask)


def _switched(
    risks: list[tuple[str, Risk]],
    line: str,
    flow: AnyFlow,
    years: np.ndarray,
    switches: dict[Path, Switch],
    inputs: Inputs,
) -> AnyFlow:
    """The flow with the option's switches (`risks`) applied, in the rows they happen in: a line they stop runs
    until then, a fallback line from then (and not at all in the other rows)."""
    for home, risk in risks:
        if line not in (risk.stops or []) and line not in (risk.fallback or []):
            continue  # most lines: a switch leaves them alone
        path = risk_path(home, risk)
        switch = switches[path]
        premium = inputs.get((*path, "premium"), risk.premium or 0.0)
        multiplier = switch.multiplier(line, np.arange(len(years)), premium)
        if multiplier is None:
            continue
        if isinstance(flow, Switched):  # switched already (its line by another switch): whole, then again
            flow = Flow(np.ones((1, 1)), flow.written(), flow.indexed, True, flow.transfer)
        written = flow.written_rows(switch.rows)
        if line in (risk.stops or []):
            flow = Switched(flow, inputs.draws, switch.rows, written * (multiplier - 1.0))
        else:  # a fallback line runs only where the switch happens
            nothing = flow.reshaped(np.zeros((1, len(years))))
            flow = Switched(nothing, inputs.draws, switch.rows, written * multiplier)
    return flow


def _guarantee_flow(
    scenario: Scenario,
    home: str,
    guarantee: Guarantee,
    lines: dict[str, AnyFlow],
    inputs: Inputs,
    years: np.ndarray,
    price_index: np.ndarray,
    switches: dict[Path, Switch],
) -> AnyFlow:
    """What the provider pays back each year (an income), nothing from the year its provider fails."""
    path = guarantee_path(home, guarantee)

    def number(key: str, written: float | Distribution | Formula | None) -> np.ndarray:
        return inputs.get((*path, key), written)

    active = _between(years, guarantee.from_, guarantee.to)[None, :]
    level = number("level", guarantee.level)
    cap = None if guarantee.cap is None else number("cap", guarantee.cap)
    real = (guarantee.prices or scenario.money.prices) == "real"
    named = [lines[name] for name in guarantee.lines]
    flat = _flat_cost(named, active)
    if flat is not None and guarantee.cap_total is None and not real:
        # The lines' cost is one amount a draw in every year it holds (a flat charge, an income): the
        # refund is one amount a draw too, and the flow stays factored.
        above = np.maximum(flat - level, 0.0)
        paid = Flow(-(above if cap is None else np.minimum(above, cap)), active)
    else:
        cap_total = None if guarantee.cap_total is None else number("cap_total", guarantee.cap_total)
        refunded = None
        if not real and cap_total is None and all(_one_row(flow) for flow in named):
            # Lines the same in every draw but for the price index: refunds the same in every draw in most years,
            # made once for those years (contracts.cash_refund), not draw by draw.
            written = [(flow.written(), flow.indexed) for flow in named]
            refunded = contracts.cash_refund(written, level, cap, active, price_index)
        if refunded is None:
            cost = sum((flow.nominal(price_index) for flow in named), np.zeros((1, len(years))))
            refunded = contracts.refund(real, cost, level, cap, cap_total, active, price_index)
        paid = Flow(-np.ones((1, 1)), refunded)
    if guarantee.provider is None:
        return paid
    # Nothing from the year its provider fails, in the rows it does.
    owner, provider = next((h, r) for h, r in scenario.risks_of(home) if r.name == guarantee.provider)
    switch = switches[risk_path(owner, provider)]
    alive = switch.before(np.arange(len(years)), switch.happened)
    return Switched(paid, inputs.draws, switch.rows, paid.written_rows(switch.rows) * (alive - 1.0))


def _one_row(flow: AnyFlow) -> bool:
    """Whether a flow as written is the same in every draw (a plain flow, nothing in it drawn)."""
    return isinstance(flow, Flow) and flow.grown is None and flow.amount.shape[0] == 1 and flow.profile.shape[0] == 1


def _flat_cost(flows: list[AnyFlow], active: np.ndarray) -> np.ndarray | None:
    """(draws or 1, 1) the flows' cost in any year they are active, when it is the same in every such year
    and in cash (plain flows, profiles the same for every draw, flat over those years); else None."""
    total = np.zeros((1, 1))
    inside = active[0] > 0
    for flow in flows:
        if not isinstance(flow, Flow) or flow.indexed or flow.profile.shape[0] != 1 or flow.grown is not None:
            return None
        profile = flow.profile[0, inside]
        if profile.size and np.ptp(profile) != 0:
            return None
        total = total + flow.amount * (profile[0] if profile.size else 0.0)
    return total


def _line_flow(
    scenario: Scenario,
    home: str,
    line: Line,
    inputs: Inputs,
    years: np.ndarray,
    done: dict[str, AnyFlow],
    grown: list[tuple[np.ndarray, np.ndarray]] | None = None,
) -> AnyFlow:
    """The nominal cash flow of one line, before planned changes, switches and optimism bias. `home` is the
    option that writes the line (the one an option is based on, for a line it inherits). A drawn growth rate's
    powers are kept apart (Flow.grown), and made once for all the lines grown at the same rate (`grown`: those
    made so far)."""
    path = line_path(home, line)

    def number(key: str, written: float | Distribution | Formula | None) -> np.ndarray:
        return inputs.get((*path, key), written)

    transfer = bool(line.transfer)
    active = _between(years, line.from_, line.to)
    if line.base_line is not None:
        base = done[line.base_line]  # worked out from a line's cash flow, in that line's prices
        if line.share_of is not None:
            share = base.scaled(number("rate", line.rate)).reshaped(active * _ramp(line, path, inputs, years))
            return share.marked(indexed=base.indexed, transfer=transfer)
        if line.credits is not None:  # taken off the charge: a negative share of it
            return (
                base.scaled(-number("share", line.share)).reshaped(active).marked(indexed=base.indexed, transfer=False)
            )
        if line.share is not None:  # variations as a share of the charge
            return (
                base.scaled(number("share", line.share)).reshaped(active).marked(indexed=base.indexed, transfer=False)
            )
        # Variations as an amount a year, in the years the charge is paid (its profile runs), in money.prices.
        extra = base.running().scaled(number("amount", line.amount)).reshaped(active)
        return extra.marked(indexed=scenario.money.prices == "real", transfer=False)
    signed = False
    if line.annual is not None:
        growth = number("growth", line.growth or 0.0)
        drawn_yearly = inputs.yearly.get((*path, "annual"))
        if growth.shape[0] != 1 and drawn_yearly is None and line.index is None and grown is not None:
            # A drawn rate: its powers made once for all the lines grown at it, and kept apart (Flow.grown).
            profile = active[None, :]
            if line.ramp:
                profile = profile * _ramp(line, path, inputs, years)
            powered = _shared_powers(growth, years - scenario.price_base, grown)
            real = scenario.line_prices(line) == "real"
            return Flow(number("annual", line.annual), profile, real, transfer=transfer, grown=powered)
        profile = powers(1.0 + growth, years - scenario.price_base)
        if not active.all():  # times 1 changes nothing: a pass over a million draws saved
            profile = profile * active
        if line.ramp:
            profile = profile * _ramp(line, path, inputs, years)
        amount = number("annual", line.annual)
        if drawn_yearly is not None:  # a value a year: the draws go in the profile, signs and all
            amount, profile, signed = np.ones((1, 1)), drawn_yearly * profile, True
    elif line.total is not None:
        assert line.term is not None
        in_term = _between(years, line.term[0], line.term[1])
        if line.profile is not None:
            weights = _by_year(line.profile, (*path, "profile"), inputs, years) * in_term
        else:
            weights = powers(1.0 + number("growth", line.growth or 0.0), years - line.term[0]) * in_term
        profile = weights / weights.sum(axis=1, keepdims=True)
        amount = number("total", line.total)
    elif line.by_year is not None:
        # Costs some years, incomes others maybe: the profile carries the amounts, signs and all.
        scale = number("scale", line.scale if line.scale is not None else 1.0)
        amount, profile, signed = (
            np.ones((1, 1)),
            scale * _by_year(line.by_year, (*path, "by_year"), inputs, years),
            True,
        )
    else:
        profile = (years == line.once).astype(float)[None, :]
        amount = number("amount", line.amount)
    if line.index is not None:
        factor = contracts.index_factor(line.index, (*path, "index"), inputs.get, years)  # a new array
        if factor.shape[0] >= profile.shape[0]:  # into the factor, drawn or not: no other array to fill
            factor *= profile
            profile = factor
        else:
            profile = profile * factor
    return Flow(amount, profile, scenario.line_prices(line) == "real", signed, transfer)


def _shared_powers(growth: np.ndarray, periods: np.ndarray, made: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """powers(1 + growth, periods) for a drawn growth (draws, 1): the same array as an earlier line's when the
    growth is the same draw for draw (one named rate used by many lines), else made and kept in `made`."""
    for seen, powered in made:
        if seen.shape == growth.shape and seen[0, 0] == growth[0, 0] and np.array_equal(seen, growth):
            return powered
    powered = powers(1.0 + growth, periods)
    made.append((growth, powered))
    return powered


def _by_year(
    written: Mapping[int, float | Distribution | Formula], path: Path, inputs: Inputs, years: np.ndarray
) -> np.ndarray:
    """(rows or 1, years) a mapping of year to number, 0 in the years it does not list."""
    values = {year: inputs.get((*path, year), value) for year, value in written.items()}
    rows = max(value.shape[0] for value in values.values())
    profile = np.zeros((rows, len(years)))
    for year, value in values.items():
        profile[:, year - years[0]] = value[:, 0]
    return profile


def _between(years: np.ndarray, first: int | None, last: int | None) -> np.ndarray:
    """1.0 in the years from `first` to `last` inclusive (open ends allowed), else 0.0."""
    low = years[0] if first is None else first
    high = years[-1] if last is None else last
    return ((years >= low) & (years <= high)).astype(float)


def _ramp(line: Line, path: Path, inputs: Inputs, years: np.ndarray) -> np.ndarray:
    """(draws, years) fraction of the full effect: the ramp's values from the line's first year."""
    if not line.ramp:
        return np.ones((1, len(years)))
    key = ("ramp", path)
    known = None if inputs.fixed is None else inputs.fixed.get(key)
    if known is not None:
        return known
    first = int(years[0] if line.from_ is None else line.from_)
    # Each step is (draws, 1) when drawn and (1, 1) when not: a ramp may mix them, so each is widened to the
    # rows of the widest before they are put side by side.
    each = [inputs.get((*path, "ramp", j), value) for j, value in enumerate(line.ramp)]
    rows = max(step.shape[0] for step in each)
    steps = np.hstack([np.broadcast_to(step, (rows, 1)) for step in each])
    since_first = years - first
    ramped = steps[:, np.clip(since_first, 0, len(line.ramp) - 1)]
    return inputs.kept(key, np.where(since_first < len(line.ramp), ramped, 1.0))


def _with_optimism_bias(
    option: str, bias: OptimismBias | None, flows: dict[str, AnyFlow], inputs: Inputs
) -> dict[str, AnyFlow]:
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


def _biased(flow: AnyFlow, applied: np.ndarray, shortfall: np.ndarray | float) -> AnyFlow:
    """A flow with its costs raised by `applied` and its incomes cut by `shortfall`."""
    if flow.signed:  # a value drawn each year: its sign can change from year to year
        return flow.reshaped(np.where(flow.profile > 0, 1.0 + applied, 1.0 - shortfall))
    # Otherwise a flow's sign is its amount's (profiles are never negative): told apart by amount.
    return flow.scaled(np.where(flow.amount > 0, 1.0 + applied, 1.0 - shortfall))


def _risk_flow(
    scenario: Scenario, option: str, risk: Risk, inputs: Inputs, years: np.ndarray, switch: Switch | None = None
) -> Flow | Event:
    """The nominal cost of a risk: drawn when the inputs carry its event, else expected; a switch's cost in
    the year it happens in each row."""
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
    if switch is not None:  # its cost lands in the year it happens, in the rows it does
        at = switch.happened - (first - years[0])
        return _landing(switch.draws, cost, at, since, inside, indexed, rows=switch.rows)
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
    if risk.recurring:  # made year by year, each year's draws side by side, as drawn growths' powers are
        running = (since[:, None] >= happens_at) & inside[:, None]
        return Flow(cost, running.astype(float).T, indexed)
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
