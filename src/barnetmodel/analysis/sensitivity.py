"""Sensitivity analysis: a tornado over the inputs, switching values and break-even points.

Everything runs through the one engine, many candidate values at once: each row of the draws
axis moves one input and holds the others at their central values. A named input is moved by
its name, and every place that names it moves with it; a formula is derived, not moved: its
parts are. Rows go to the engine in batches, each with only its own inputs drawn, so memory
grows with the inputs, not their square.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from barnetmodel.analysis.results import basis_label
from barnetmodel.engine.projection import Inputs, project, values_per_draw
from barnetmodel.errors import Path, Problem, ScenarioError, ValueProblem
from barnetmodel.scenario.contract_checks import switch_outcomes
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import Scenario
from barnetmodel.scenario.numbers import Bounds, central
from barnetmodel.scenario.paths import (
    bounds_at,
    display_name,
    is_named,
    label_of,
    name_of,
    named_input,
    numbers,
    places,
)

# Where a fixed number may plausibly go when looking for a switching value (see the README).
SHARE_FIELDS = {"ramp", "probability", "recovered", "mitigated", "share"}
RATE_FIELDS = {"growth", "inflation", "after"}  # and an indexation's rate, cap and floor (field_of)
RATE_RANGE = (-0.2, 0.3)
# Uplifts on a cost (optimism bias's, a fallback's premium): 0.25 is 25%, from none to three times the cost.
UPLIFT_FIELDS = {"uplift", "premium"}
UPLIFT_RANGE = (0.0, 2.0)
AMOUNT_FACTOR = 10.0
GRID = 65  # candidate values per input when bracketing a switching value
# What one engine call may make for the inputs it moves, in values (8 bytes each): 64 MB. Every input moved in
# a call is drawn (one value a row) in every row of it, and makes values_per_draw values a row: rows x that,
# added up over the call's inputs, is bounded. So memory stays flat however many inputs, and the calls are few.
CELLS = 1 << 23


@dataclass(frozen=True)
class Swing:
    """One bar of the tornado: the saving with the input at its low and at its high value."""

    path: Path
    central_value: float
    low: float
    high: float
    saving_low: float
    saving_high: float

    @property
    def swing(self) -> float:
        return abs(self.saving_high - self.saving_low)


@dataclass(frozen=True)
class Switch:
    """Where the saving crosses zero as one input moves, if it does within its plausible range."""

    path: Path
    central_value: float
    value: float | None
    search_range: tuple[float, float]
    rising: bool  # the saving grows as the input grows (near the switching value, or over the range)

    @property
    def within_range(self) -> bool | None:
        """Whether the switching value is inside the input's range (None when there is none)."""
        if self.value is None:
            return None
        return self.search_range[0] <= self.value <= self.search_range[1]


def field_of(path: Path) -> str:
    """The kind of number at a path: 'annual', 'rate', 'ramp', 'inflation', ...; 'growth' for an indexation's
    rate, cap and floor (each a change a year), 'by_year' for one year's amount."""
    if len(path) > 5 and path[-2] == "index":
        return "growth"
    return str(path[-2]) if isinstance(path[-1], int) else str(path[-1])


NAMED = "input"  # the kind of a named input used in formulas: a figure in its own unit


def kind_of(scenario: Scenario, path: Path) -> str:
    """The kind of number an input is, for its range and how it reads: a place's field; for a named input,
    that of the places that name it alone (`growth: pay_award`) if they are all of one kind, else NAMED."""
    if not is_named(path):
        return field_of(path)
    kinds = {field_of(place) for place, value in places(scenario).items() if _alias(value) == path[1]}
    return kinds.pop() if len(kinds) == 1 else NAMED


def _alias(value: object) -> str | None:
    return value.alias() if isinstance(value, Formula) else None


def movable(scenario: Scenario) -> dict[Path, float | Distribution]:
    """The inputs a sensitivity analysis moves: every number and distribution, named or in place; not formulas."""
    return {path: value for path, value in numbers(scenario).items() if not isinstance(value, Formula)}


def _compared(scenario: Scenario, option: str) -> list[str]:
    """The options the comparison of `option` with the baseline is made of: the two, and every option either
    is based on (whose lines, risks, guarantees and changes they inherit)."""
    return list(dict.fromkeys([*scenario.chain(scenario.baseline), *scenario.chain(option)]))


def _pair(scenario: Scenario, option: str) -> Scenario:
    """The scenario with the baseline, `option` and the options they are based on only: no other option can
    move their comparison."""
    keep = {name: scenario.options[name] for name in scenario.options if name in _compared(scenario, option)}
    return scenario.model_copy(update={"options": keep})


def _moves(scenario: Scenario, option: str, path: Path) -> bool:
    """Whether an input can move the comparison of `option` with the baseline: not a target's amount, not a
    line or risk of a third option that neither is based on (a named input may, through the formulas that
    name it)."""
    if path[0] == "targets":
        return False
    return path[0] != "options" or path[1] in _compared(scenario, option)


def _savings(
    scenario: Scenario,
    option: str,
    basis: str,
    moved: list[Path],
    which: np.ndarray,
    x: np.ndarray,
    lenient: bool = False,
) -> np.ndarray:
    """(rows,) the option's total saving against the baseline with, in row r, input moved[which[r]] at x[r] and
    every other input at its central value. Rows go to the engine in batches: all the rows of an input in one,
    as many inputs to a batch as CELLS allows, and only those inputs drawn. With `lenient`, a row whose formulas
    cannot be worked out (not finite, out of bounds) gives nan; without, a ValueProblem names its row."""
    pair = _pair(scenario, option)
    central_values = {path: central(value) for path, value in movable(scenario).items()}
    weights = values_per_draw(pair, moved)
    combinations, flows = switch_outcomes(pair)
    if combinations > 1:  # each row is projected once for each combination of the years the switches happen in
        weights = [combinations * (w + flows * pair.horizon.years) for w in weights]
    order = np.argsort(which, kind="stable")
    cuts = np.flatnonzero(np.diff(which[order])) + 1
    groups = zip(which[order][np.r_[0, cuts]] if len(order) else [], np.split(order, cuts), strict=True)
    # An input whose rows alone would pass CELLS (many switch outcomes) goes in pieces, a batch each.
    pieces = (
        (i, piece)
        for i, rows in groups
        for piece in np.split(rows, range(max(CELLS // weights[i], 1), len(rows), max(CELLS // weights[i], 1)))
    )
    out = np.empty(len(x))
    batch: list[tuple[Path, np.ndarray]] = []
    rows_in, cells_a_row = 0, 0  # of the batch
    for i, rows in pieces:
        if batch and (rows_in + len(rows)) * (cells_a_row + weights[i]) > CELLS:
            _evaluate(pair, option, basis, batch, x, central_values, out, lenient)
            batch, rows_in, cells_a_row = [], 0, 0
        batch.append((moved[i], rows))
        rows_in += len(rows)
        cells_a_row += weights[i]
    if batch:
        _evaluate(pair, option, basis, batch, x, central_values, out, lenient)
    return out


def _evaluate(
    pair: Scenario,
    option: str,
    basis: str,
    batch: list[tuple[Path, np.ndarray]],
    x: np.ndarray,
    central_values: dict[Path, float],
    out: np.ndarray,
    lenient: bool,
) -> None:
    """One engine call for a batch of (input, its rows): each input drawn, at its central value but in its own
    rows; the savings are weighted sums of the factored flows, with no (rows, years) array per flow. A
    ValueProblem names the row of `x` it happened in."""
    rows = np.concatenate([own for _, own in batch])
    values: dict[Path, np.ndarray] = {}
    at = 0
    for path, own in batch:  # (an input may come in pieces: each sets its own rows)
        values.setdefault(path, np.full(len(rows), central_values[path]))[at : at + len(own)] = x[own]
        at += len(own)
    try:
        with np.errstate(invalid="ignore"):
            projection = project(pair, Inputs(draws=len(rows), values=values, lenient=lenient))
            if basis == "present_value":
                # The economic case's present values, as `run` gives them: transfers left out.
                by_option = projection.weighted("real", projection.discount_factor[:, None], economic=True)
            else:
                by_option = projection.weighted(basis, np.ones((len(projection.years), 1)))
    except ValueProblem as problem:
        row = None if problem.row is None else int(rows[problem.row])
        raise ValueProblem(problem.path, problem.message, row, problem.detail) from None
    out[rows] = by_option[pair.baseline][0] - by_option[option][0]


# Savings of rows in different batches (or columns of one product) differ in their last bits: a saving that
# moves by less than this share of itself has not moved (an input of a third option, say, read by no line of
# the two compared), rather than showing a bar or a switching value of rounding.
ROUNDING = 1e-12


def _moved(savings: np.ndarray) -> bool:
    """Whether the savings of an input's rows differ by more than rounding."""
    if len(savings) == 0:
        return False
    return bool(np.ptp(savings) > ROUNDING * np.abs(savings).max())


def central_saving(scenario: Scenario, option: str, basis: str) -> float:
    return float(project(scenario).saving(option, basis).sum())


def tornado(scenario: Scenario, option: str, basis: str, percent: float | None) -> list[Swing]:
    """Each input at its low and high (P10 and P90 if uncertain, else central -/+ percent), ranked by swing."""
    inputs = movable(scenario)
    moved: list[Path] = []
    bounds = []
    for path, value in inputs.items():
        if not _moves(scenario, option, path):
            continue
        centre = central(value)
        if percent is None and isinstance(value, Distribution):
            low, high = (float(x) for x in value.from_uniform(np.array([0.1, 0.9])))
        elif percent is not None:
            low, high = held(scenario, path, centre * (1 - percent / 100), centre * (1 + percent / 100), percent)
        else:
            continue
        if low == high:
            continue
        moved.append(path)
        bounds.append((low, high))
    if not moved:
        return []
    candidates = np.asarray(bounds)
    which = np.repeat(np.arange(len(moved)), 2)
    try:
        savings = _savings(scenario, option, basis, moved, which, candidates.ravel())
    except ValueProblem as problem:
        assert problem.row is not None  # the central values were checked when the file was read
        path, end = moved[problem.row // 2], ("low", "high")[problem.row % 2]
        value = candidates[problem.row // 2, problem.row % 2]
        moves = f"its {'P10' if end == 'low' else 'P90'}" if percent is None else f"{percent:g}% {end}er"
        context = f"when the tornado moves {display_name(path)} to {moves}, {value:g}"
        raise ValueProblem(problem.path, problem.text(context)) from None
    savings = savings.reshape(-1, 2)
    swings = [
        Swing(path, central(inputs[path]), low, high, float(s[0]), float(s[1]))
        for path, (low, high), s in zip(moved, bounds, savings, strict=True)
        if _moved(s)  # inputs of other options do not move this comparison
    ]
    return sorted(swings, key=lambda s: (-s.swing, name_of(s.path)))


def held(scenario: Scenario, path: Path, low: float, high: float, percent: float) -> tuple[float, float]:
    """The ends of a move by `percent` held to the values the place may take, as a --set is: a large
    --percent moves a 50% ramp from 0 to 100%, not to -50% and 150%, and a share of 1 no higher (a bound
    the place may take, ge or le, is where its move stops). A bound it may not take (a growth rate above
    -1) leaves no nearest value to stop at: the move is refused. A named input is held by the tightest
    bounds of the places that name it alone (`ramp: [r]`); one only a formula uses is left to the engine,
    which checks the formula's value at each place."""
    bounds = _named_bounds(scenario, str(path[1])) if is_named(path) else bounds_at(path)

    def kept(end: float) -> float:
        end = end if bounds.ge is None else max(end, bounds.ge)
        return float(end if bounds.le is None else min(end, bounds.le))

    low, high = kept(low), kept(high)
    broken = bounds.broken_by(min(low, high), max(low, high))
    if broken:
        raise ValueProblem(path, f"--percent {percent:g} moves it to {broken}; give a smaller --percent")
    return low, high


def _named_bounds(scenario: Scenario, name: str) -> Bounds:
    """The tightest of the bounds of the places that name input `name` alone."""
    found = [bounds_at(place) for place, value in places(scenario).items() if _alias(value) == name]

    def tightest(values: list[float | None], pick: Callable[..., float]) -> float | None:
        given = [v for v in values if v is not None]
        return pick(given) if given else None

    return Bounds(
        ge=tightest([b.ge for b in found], max),
        gt=tightest([b.gt for b in found], max),
        le=tightest([b.le for b in found], min),
        lt=tightest([b.lt for b in found], min),
    )


def plausible_range(field: str, value: float | Distribution) -> tuple[float, float] | None:
    """The range searched for a switching value of an input of a kind (None when there is none to search)."""
    if isinstance(value, Distribution):
        low, high = value.support()
        if math.isinf(low) or math.isinf(high):
            low, high = (float(x) for x in value.from_uniform(np.array([0.001, 0.999])))
        return (low, high) if low < high else None
    if field in SHARE_FIELDS:
        return (0.0, 1.0)
    if field in RATE_FIELDS:
        return RATE_RANGE
    if field in UPLIFT_FIELDS:
        return UPLIFT_RANGE
    if value == 0:
        return None
    ends = sorted((value / AMOUNT_FACTOR, value * AMOUNT_FACTOR))
    return (ends[0], ends[1])


def wider_range(field: str, value: float | Distribution, searched: tuple[float, float]) -> tuple[float, float] | None:
    """Where to look on when an input's own range holds no switching value: the range a fixed number of its
    kind would be searched over (about its central value), with its own; None when that is no wider."""
    centre = central(value)
    if field in SHARE_FIELDS:
        plausible: tuple[float, float] | None = (0.0, 1.0)
    elif field in RATE_FIELDS:
        plausible = RATE_RANGE
    elif field in UPLIFT_FIELDS:
        plausible = UPLIFT_RANGE
    elif centre != 0:
        ends = sorted((centre / AMOUNT_FACTOR, centre * AMOUNT_FACTOR))
        plausible = (ends[0], ends[1])
    else:
        plausible = None
    if plausible is None:
        return None
    wider = (min(plausible[0], searched[0]), max(plausible[1], searched[1]))
    return None if wider == searched else wider


def switching_values(scenario: Scenario, option: str, basis: str) -> list[Switch]:
    """For each input, the value at which the saving is zero, nearest its central value: in the input's
    range, or failing that in a wider one (see `wider_range`), where the Switch says it is outside."""
    inputs = {path: value for path, value in movable(scenario).items() if _moves(scenario, option, path)}
    kinds = {path: kind_of(scenario, path) for path in inputs}
    searchable = {path: r for path, v in inputs.items() if (r := plausible_range(kinds[path], v)) is not None}
    moved = list(searchable)
    if not moved:
        return []
    centres = np.array([central(inputs[p]) for p in moved])
    savings, brackets, roots = _crossings(scenario, option, basis, moved, list(searchable.values()))
    wider = {
        i: r
        for i, path in enumerate(moved)
        if brackets[i] is None and (r := wider_range(kinds[path], inputs[path], searchable[path])) is not None
    }
    if wider:
        _, further, beyond = _crossings(scenario, option, basis, [moved[i] for i in wider], list(wider.values()))
        for k, i in enumerate(wider):
            brackets[i] = further[k]
            if k in beyond:
                roots[i] = beyond[k]
    switches = []
    for i, path in enumerate(moved):
        finite = savings[i][np.isfinite(savings[i])]  # a candidate a formula cannot take gives nan
        if not _moved(finite):
            continue  # an input of another option: it cannot change this comparison
        bracket = brackets[i]
        rising = bracket[3] if bracket is not None else bool(finite[-1] > finite[0])
        switches.append(Switch(path, float(centres[i]), roots.get(i), searchable[path], rising))
    return switches


Bracket = tuple[int, float, float, bool]  # grid step, its ends, whether the saving rises across it


def _crossings(
    scenario: Scenario, option: str, basis: str, moved: list[Path], ranges: list[tuple[float, float]]
) -> tuple[np.ndarray, list[Bracket | None], dict[int, float]]:
    """For each input of `moved` over its range: the saving over a grid, the step of the grid where the
    saving changes sign nearest the input's central value (None if it never does), and the root there.
    A candidate at which a formula cannot be worked out (beyond what it allows) gives nan: no crossing there."""
    from scipy.optimize.elementwise import find_root

    inputs = movable(scenario)
    centres = np.array([central(inputs[p]) for p in moved])
    # Every input over a grid of its range, to find where the saving changes sign.
    grid = np.array([np.linspace(low, high, GRID) for low, high in ranges])
    grid = np.sort(np.column_stack([grid, centres]), axis=1)
    which = np.repeat(np.arange(len(moved)), grid.shape[1])
    savings = _savings(scenario, option, basis, moved, which, grid.ravel(), lenient=True).reshape(grid.shape)
    brackets: list[Bracket | None] = []
    for i in range(len(moved)):
        crossings = np.nonzero(np.sign(savings[i, :-1]) * np.sign(savings[i, 1:]) <= 0)[0]
        if len(crossings) == 0:
            brackets.append(None)
            continue
        nearest = int(crossings[np.argmin(np.abs(grid[i, crossings] - centres[i]))])
        rising = bool(savings[i, nearest + 1] > savings[i, nearest])
        brackets.append((nearest, float(grid[i, nearest]), float(grid[i, nearest + 1]), rising))
    found = [i for i, b in enumerate(brackets) if b is not None]
    roots: dict[int, float] = {}
    if found:
        refined = [moved[i] for i in found]

        def saving_at(x: np.ndarray, which: np.ndarray) -> np.ndarray:
            # Called by the root finder with the values still being refined and the inputs they belong to.
            x, which = np.atleast_1d(x), np.atleast_1d(which).astype(int)
            return _savings(scenario, option, basis, refined, which, x, lenient=True)

        lows = np.array([b[1] for b in brackets if b is not None])
        highs = np.array([b[2] for b in brackets if b is not None])
        result = find_root(saving_at, (lows, highs), args=(np.arange(len(found)),), tolerances={"xrtol": 1e-12})
        roots = {i: float(x) for i, x in zip(found, _roots(result), strict=True)}
    return savings, brackets, roots


def _roots(result: Any) -> np.ndarray:
    """The root finder's roots, where it gave up on a bracket's signs taken as the end nearer zero. Rows are
    worked out in batches whose rounding differs in the last bits, so a saving of exactly 0 at a grid point
    (a tie, such as two options alike) may come back as 5e-12 when the root finder checks the bracket: that
    end is the switching value, to within rounding."""
    x = np.atleast_1d(result.x).copy()
    sign_error = np.atleast_1d(result.status) == -1
    if sign_error.any():
        (low, high), (f_low, f_high) = (
            (np.atleast_1d(b) for b in result.bracket),
            (np.atleast_1d(f) for f in result.f_bracket),
        )
        nearer = np.where(np.abs(f_low) <= np.abs(f_high), low, high)
        x[sign_error] = nearer[sign_error]
    return x


def describe_value(field: str, value: float, unit: str, own_unit: str | None = None) -> str:
    """A value as a reader wants it: shares and rates as percentages, amounts with their unit, a named
    input's figure with its own unit, if it says."""
    if field in SHARE_FIELDS | RATE_FIELDS | UPLIFT_FIELDS | {"rate"}:
        return f"{value:.1%}"
    if field == "scale":  # a factor on a line's every amount, 1 as written
        return f"x{value:,.3g}"
    if field == NAMED:
        return f"{value:,.4g}" + (f" {own_unit}" if own_unit else "")
    sign = "-" if value < 0 else ""
    amount = f"{sign}£{abs(value):,.2f}m" if unit == "£m" else f"{value:,.2f} {unit}"
    return amount + (" a year" if field == "annual" else "")


def statement(
    switch: Switch, option_title: str, baseline_title: str, central_saving: float, text: Callable[[float], str]
) -> str:
    """The switching value in words: 'X stays cheaper than Y only while Z stays above V'; `text` writes a value."""
    name = label_of(switch.path)
    if switch.value is None:
        low, high = (text(v) for v in switch.search_range)
        cheaper = "cheaper" if central_saving > 0 else "dearer"
        return f"{option_title} stays {cheaper} than {baseline_title} whatever {name} is between {low} and {high}"
    value = text(switch.value)
    if not switch.within_range:
        low, high = (text(v) for v in switch.search_range)
        value += f" (outside its range, {low} to {high})"
    if central_saving > 0:
        side = "above" if switch.rising else "below"
        return f"{option_title} stays cheaper than {baseline_title} only while {name} stays {side} {value}"
    side = "above" if switch.rising else "below"
    return f"{option_title} becomes cheaper than {baseline_title} only if {name} goes {side} {value}"


def analyse_sensitivity(
    scenario: Scenario, option: str | None = None, basis: str = "present_value", percent: float | None = None
) -> dict[str, Any]:
    """Tornado, switching values and break-even points for one option against the baseline, as plain data."""
    option = option or next(name for name in scenario.options if name != scenario.baseline)
    unit = scenario.money.unit
    saving = central_saving(scenario, option, basis)
    option_title = scenario.options[option].title
    baseline_title = scenario.options[scenario.baseline].title
    swings = tornado(scenario, option, basis, percent if percent is not None or _has_uncertainty(scenario) else 10.0)
    switches = switching_values(scenario, option, basis)
    mode = "percent" if percent is not None or not _has_uncertainty(scenario) else "p10_p90"
    own_lines = ("options", option, "lines")

    def text(path: Path) -> Callable[[float], str]:
        named = named_input(scenario, path)
        kind = kind_of(scenario, path)
        return lambda value: describe_value(kind, value, unit, named.unit if named else None)

    def about(path: Path) -> dict[str, Any]:
        """A named input's source and note (nothing for a number in place, whose outputs stay as they were)."""
        named = named_input(scenario, path)
        return {} if named is None else {"source": named.source, "note": named.note, "unit": named.unit}

    return {
        "scenario": scenario.title,
        "unit": unit,
        "option": option,
        "option_title": option_title,
        "baseline_title": baseline_title,
        "baseline": scenario.baseline,
        "basis": basis,
        "units": basis_label(scenario, basis),
        "central_saving": saving,
        "mode": mode,
        "percent": percent if mode == "percent" else None,
        "tornado": [
            {
                "input": display_name(s.path),
                "label": label_of(s.path),
                **about(s.path),
                "central_value": s.central_value,
                "low_value": s.low,
                "high_value": s.high,
                "low_text": text(s.path)(s.low),
                "high_text": text(s.path)(s.high),
                "saving_at_low": s.saving_low,
                "saving_at_high": s.saving_high,
                "swing": s.swing,
            }
            for s in swings
        ],
        "switching_values": [
            {
                "input": display_name(s.path),
                "label": label_of(s.path),
                **about(s.path),
                "central_value": s.central_value,
                "switching_value": s.value,
                "central_text": text(s.path)(s.central_value),
                "switching_text": None if s.value is None else text(s.path)(s.value),
                "within_range": s.within_range,
                "search_range": list(s.search_range),
                "search_range_text": [text(s.path)(v) for v in s.search_range],
                "break_even": s.path[:3] == own_lines,
                "statement": statement(s, option_title, baseline_title, saving, text(s.path)),
            }
            for s in switches
        ],
    }


def check_finite(result: dict[str, Any], file: str) -> None:
    """A user error (exit 2) naming the input when moving it made a figure overflow, rather than inf or NaN in
    the tornado, the switching values, their JSON or their chart."""
    from barnetmodel.analysis.results import figure_at, first_non_finite, out_of_range
    from barnetmodel.errors import format_path

    path = first_non_finite(result)
    if path is None:
        return
    where = f"{format_path(path)} {out_of_range(figure_at(result, path))}"
    if len(path) >= 2 and path[0] in ("tornado", "switching_values") and isinstance(path[1], int):
        row = result[path[0]][path[1]]
        message = (
            f"the sensitivity cannot be worked out: moving {row['label']} ({row['input']}) over its range makes "
            f"the figures overflow ({where}); choose figures far smaller"
        )
    else:
        message = f"the sensitivity cannot be worked out: the figures overflow ({where})"
    raise ScenarioError([Problem(file, message)])


def _has_uncertainty(scenario: Scenario) -> bool:
    return any(isinstance(v, Distribution) for v in numbers(scenario).values())
