"""Named inputs: which refer to which, the order to work them out in, and their values over the draws.

A named input is a number, a distribution or a formula of other named inputs. The values are
worked out once per chunk of draws, in an order where every input comes after those it names:
a drawn input is a row per draw, a fixed one a single row (1, 1), and a formula broadcasts
over what it names, so an input that nothing uncertain feeds stays one value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from barnetmodel.errors import Path, ValueProblem
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula, evaluate
from barnetmodel.scenario.models import NamedInput, Scenario
from barnetmodel.scenario.numbers import Bounds, central
from barnetmodel.scenario.paths import input_path, places

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Plan:
    """What a scenario's named inputs are, worked out once: each in its long form, the inputs each names,
    and an order to work them out in."""

    named: dict[str, NamedInput]
    dependencies: dict[str, list[str]]  # each input -> the inputs its formula names that exist, once each
    order: list[str]  # each after every input it names; inputs in a circle left out
    circles: list[list[str]]  # each circle once, round to its first: [a, b, a]; [a, a] names itself


# Plans of the scenarios in hand, by their `inputs` (which a copy with other changes shares): a Monte Carlo
# run asks for one per chunk of draws. A few are kept, with the mapping, so an id is never taken for another's.
_PLANS: dict[int, tuple[Mapping[str, object], Plan]] = {}


def plan(scenario: Scenario) -> Plan:
    known = _PLANS.get(id(scenario.inputs))
    if known is not None and known[0] is scenario.inputs:
        return known[1]
    named = scenario.named_inputs
    graph: dict[str, list[str]] = {}
    for name, item in named.items():
        value = item.value
        names = [n.name for n in value.names()] if isinstance(value, Formula) else []
        graph[name] = list(dict.fromkeys(n for n in names if n in named))
    order, circles = _walk(graph)
    found = Plan(named, graph, order, circles)
    if len(_PLANS) >= 8:
        _PLANS.pop(next(iter(_PLANS)))
    _PLANS[id(scenario.inputs)] = (scenario.inputs, found)
    return found


def _walk(graph: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """Depth first through the inputs, in file order, without recursion (a chain of thousands of inputs is
    fine): the order each can be worked out in (after those it names), and the circles met on the way."""
    order: list[str] = []
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    in_circle: set[str] = set()
    for start in graph:
        if start in state:
            continue
        path = [start]
        pending = [iter(graph[start])]
        state[start] = 1
        while pending:
            other = next(pending[-1], None)
            if other is None:
                name = path.pop()
                pending.pop()
                state[name] = 2
                if name not in in_circle and all(n not in in_circle for n in graph[name]):
                    order.append(name)
                else:
                    in_circle.add(name)  # it names an input in a circle: it cannot be worked out either
            elif state.get(other) == 1:
                circle = [*path[path.index(other) :], other]
                circles.append(circle)
                in_circle.update(circle)
            elif other not in state:
                state[other] = 1
                path.append(other)
                pending.append(iter(graph[other]))
    return order, circles


def dependencies(scenario: Scenario) -> dict[str, list[str]]:
    """Each named input -> the named inputs its formula names that exist (in the order written, once each)."""
    return plan(scenario).dependencies


def circles(scenario: Scenario) -> list[list[str]]:
    """Each circle of inputs that name each other, once, as the names round it back to the first:
    [a, b, a]. An input that names itself is a circle of one: [a, a]."""
    return plan(scenario).circles


def order(scenario: Scenario) -> list[str]:
    """The named inputs in an order where each comes after every input it names (file order otherwise).
    Inputs in a circle, and those that name one, are left out (checks.py refuses a file with a circle)."""
    return plan(scenario).order


def used(scenario: Scenario) -> set[str]:
    """The named inputs that feed some place a number goes, directly or through other inputs."""
    graph = dependencies(scenario)
    found: set[str] = set()
    waiting = [name for formula in places_formulas(scenario) for name in formula.name_set if name in graph]
    while waiting:
        name = waiting.pop()
        if name not in found:
            found.add(name)
            waiting += graph[name]
    return found


def places_formulas(scenario: Scenario) -> list[Formula]:
    return [value for value in places(scenario).values() if isinstance(value, Formula)]


def values(
    scenario: Scenario,
    given: Mapping[Path, np.ndarray] | None = None,
    lenient: bool = False,
    fixed: dict[object, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Every named input's value, (draws, 1) or (1, 1): as `given` (drawn, or moved by a sensitivity
    analysis) where it is, else its formula worked out over the others, else its central value (a
    distribution's mean). A formula whose value is not finite raises ValueProblem, with its row (with
    `lenient`, the row is nan instead). `fixed` (a Monte Carlo run's, whose chunks share what no draw
    changes) keeps the values of one row, read-only, by path, and gives them back instead of making them."""
    import numpy as np

    given = given or {}
    found: dict[str, np.ndarray] = {}
    known = plan(scenario)
    inputs = known.named
    for name in known.order:
        path = input_path(name)
        value = inputs[name].value
        if path in given:
            found[name] = np.asarray(given[path], dtype=float).reshape(-1, 1)
            continue
        made = None if fixed is None else fixed.get(path)
        if made is not None:
            found[name] = made
            continue
        if isinstance(value, Formula):
            found[name] = worked_out(value, found, path, lenient=lenient)
        else:
            found[name] = np.full((1, 1), central(value))
        if fixed is not None and found[name].shape[0] == 1:
            found[name].setflags(write=False)
            fixed[path] = found[name]
    return found


def central_values(scenario: Scenario) -> Callable[[float | Distribution | Formula], float]:
    """A function giving the value a number takes in the central run: as written, a distribution's mean, a
    formula worked out over the named inputs at theirs. For a valid scenario (its formulas are finite there)."""
    named: dict[str, np.ndarray] = {}

    def value(written: float | Distribution | Formula) -> float:
        if not isinstance(written, Formula):
            return central(written)
        if not named:
            named.update(values(scenario))
        return float(worked_out(written, named, ())[0, 0])

    return value


def worked_out(
    formula: Formula,
    named: Mapping[str, np.ndarray],
    path: Path,
    bounds: Bounds | None = None,
    lenient: bool = False,
) -> Any:
    """A formula's value, (draws or 1, 1), checked: finite, and within `bounds` if given. ValueProblem if
    not, at the first row that fails, saying what the inputs it names were there; nan there if `lenient`."""
    import numpy as np

    alias = formula.alias()
    if alias is not None and (bounds is None or not bounds.any):
        return named[alias]  # a named input, worked out and checked already
    result = np.asarray(evaluate(formula.tree, named), dtype=float)
    result = result.reshape(-1, 1) if result.ndim else np.full((1, 1), float(result))
    bad = ~np.isfinite(result)
    if bounds is not None and bounds.any:
        with np.errstate(invalid="ignore"):
            if bounds.ge is not None:
                bad |= result < bounds.ge
            if bounds.gt is not None:
                bad |= result <= bounds.gt
            if bounds.le is not None:
                bad |= result > bounds.le
            if bounds.lt is not None:
                bad |= result >= bounds.lt
    if not bad.any():
        return result
    if lenient:
        return np.where(bad, np.nan, result)
    row = int(np.argmax(bad[:, 0]))
    value = float(result[row, 0])
    if not np.isfinite(value):
        cause = "a division by zero or an overflow" if np.isinf(value) else "not a number"
        message = f"'{formula}' is {value:g} ({cause})"
    else:
        assert bounds is not None
        message = f"'{formula}' takes {bounds.broken_by(value, value)}"
    parts = [f"{name} = {named[name][min(row, len(named[name]) - 1), 0]:g}" for name in sorted(formula.name_set)]
    raise ValueProblem(path, message, _row(result, row), "where " + ", ".join(parts) if parts else "")


def _row(result: np.ndarray, row: int) -> int | None:
    """The row of a failing value, or None when the value is one for every draw."""
    return row if result.shape[0] > 1 else None
