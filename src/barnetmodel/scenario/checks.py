"""Checks across fields that types alone cannot express: references, years, line kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from barnetmodel.errors import Path, ValueProblem, did_you_mean
from barnetmodel.scenario.contract_checks import ContractChecks
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import NAME, Formula
from barnetmodel.scenario.models import KINDS, Line, NamedInput, OptimismBias, Risk, Scenario, Target
from barnetmodel.scenario.numbers import Bounds

# Which optional keys make sense with each kind of line.
ALLOWED = {
    "annual": {"growth", "from", "to", "ramp", "prices", "draw", "persistence", "index", "transfer"},
    "total": {"term", "growth", "profile", "prices", "index", "transfer"},
    "once": {"amount", "prices", "index", "transfer"},
    "share_of": {"rate", "from", "to", "ramp", "transfer"},
    "by_year": {"scale", "prices", "index", "transfer"},
    "credits": {"share", "from", "to"},
    "variations": {"share", "amount", "from", "to"},
}
REQUIRED = {"total": "term", "once": "amount", "share_of": "rate", "credits": "share"}


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str
    at_key: bool = False
    # The named inputs whose values it depends on: dropped when one of them was refused (partial.py).
    inputs: frozenset[str] = frozenset()


def check(scenario: Scenario) -> list[Finding]:
    """Every cross-field problem in the scenario, in file order."""
    return _Checks(scenario).run()


def unused_inputs(scenario: Scenario) -> list[Finding]:
    """Named inputs that feed nothing: allowed, but probably a slip (a warning, see plausibility.py)."""
    from barnetmodel.scenario.named import used

    feeding = used(scenario)
    found = []
    for name in scenario.inputs:
        if name not in feeding:
            found.append(
                Finding(
                    ("inputs", name),
                    f"the input '{name}' is used nowhere: no line, risk, target, setting or input "
                    "that one of them uses names it",
                    at_key=True,
                )
            )
    return found


class _Checks(ContractChecks):
    """Collects findings; one method per part of the file (contract mechanics: contract_checks.py)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.found: list[Finding] = []
        self.sources = sorted(scenario.sources)

    def add(self, path: Path, message: str, *, at_key: bool = False, inputs: frozenset[str] = frozenset()) -> None:
        self.found.append(Finding(path, message, at_key, inputs))

    def in_horizon(self, path: Path, year: int | None, *, at_key: bool = False) -> None:
        horizon = self.scenario.horizon
        if year is not None and not horizon.start <= year <= horizon.end:
            self.add(path, f"year {year} is outside the horizon {horizon.start}-{horizon.end}", at_key=at_key)

    def in_order(self, path: Path, first: int | None, last: int | None) -> None:
        if first is not None and last is not None and first > last:
            self.add((*path, "to"), f"`to` ({last}) is before `from` ({first})")

    def cited(self, path: Path, key: str | None) -> None:
        if key is not None and key not in self.scenario.sources:
            known = f"; known: {', '.join(self.sources)}" if self.sources else ""
            self.add(path, f"'{key}' is not a key of `sources`{did_you_mean(key, self.sources) or known}")

    def unique_names(self, base: Path, items: Sequence[Line | Risk | Target], kind: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.name in seen:
                self.add((*base, i, "name"), f"another {kind} (#{seen[item.name] + 1}) is called '{item.name}'")
            seen.setdefault(item.name, i)

    def run(self) -> list[Finding]:
        scenario = self.scenario
        self.named_inputs()
        if scenario.baseline not in scenario.options:
            hint = did_you_mean(scenario.baseline, scenario.options)
            self.add(("baseline",), f"no option is called '{scenario.baseline}'{hint}")
        self.targets()
        circular = self.based_on()
        for name, option in scenario.options.items():
            inherited = [] if name in circular else [line for home, line in scenario.lines_of(name) if home != name]
            self.lines(("options", name, "lines"), option.lines, inherited)
            self.risks(("options", name, "risks"), option.risks)
            if option.optimism_bias is not None:
                lines = option.lines if name in circular else [line for _, line in scenario.lines_of(name)]
                self.bias(("options", name, "optimism_bias"), option.optimism_bias, lines)
        if not circular:
            self.contracts()
        self.correlations()
        self.formulas()
        return self.found

    def based_on(self) -> set[str]:
        """Options based on one that does not exist, or on themselves through a circle; the circle's options."""
        options = self.scenario.options
        circular: set[str] = set()
        for name, option in options.items():
            path: Path = ("options", name, "based_on")
            if option.based_on is None:
                if not option.lines:
                    self.add(("options", name), "an option needs at least one line (or `based_on` another option)")
                continue
            if option.based_on not in options:
                self.add(path, f"no option is called '{option.based_on}'{did_you_mean(option.based_on, options)}")
                circular.add(name)
                continue
            seen = [name]
            current: str | None = option.based_on
            while current is not None and current in options:
                if current in seen:
                    circle = " -> ".join(f"'{n}'" for n in [*seen, current])
                    self.add(path, f"options are based on each other in a circle: {circle}")
                    circular.add(name)
                    break
                seen.append(current)
                current = options[current].based_on
            else:
                if current is not None:
                    circular.add(name)  # an ancestor names an option that does not exist: said there
        return circular

    def named_inputs(self) -> None:
        for name, value in self.scenario.inputs.items():
            path: Path = ("inputs", name)
            if not NAME.fullmatch(name):
                self.add(
                    path,
                    f"'{name}' cannot name an input: a name is letters, digits and _, not starting with a digit",
                    at_key=True,
                )
            elif name in ("min", "max"):
                self.add(path, f"'{name}' is a function of formulas, so it cannot name an input", at_key=True)
            if isinstance(value, NamedInput):
                self.cited((*path, "source"), value.source)

    def formulas(self) -> None:
        """Every name a formula uses is an input; inputs name each other in no circle; and every formula
        is finite, and within its number's bounds, in the central run."""
        from barnetmodel.scenario.named import circles, values, worked_out
        from barnetmodel.scenario.paths import bounds_at, formulas, in_file, input_path

        scenario = self.scenario
        written = formulas(scenario)
        if not written:
            return
        known = sorted(scenario.inputs)
        before = len(self.found)
        for path, formula in written.items():
            for name in formula.names():
                if name.name not in scenario.inputs:
                    message = _unknown(name.name, name.start, known, formula.alias() is not None)
                    self.add(in_file(scenario, path), message, inputs=frozenset({name.name}))
        for circle in circles(scenario):
            shown = circle if len(circle) <= 12 else [*circle[:10], "...", circle[-1]]
            names = " -> ".join(shown) + (f" ({len(circle) - 1} inputs)" if len(circle) > 12 else "")
            where = in_file(scenario, input_path(circle[0]))
            self.add(where, f"inputs refer to each other in a circle: {names}", inputs=frozenset(circle))
        if len(self.found) > before:
            return  # the values cannot be worked out
        try:
            central = values(scenario)
        except ValueProblem as problem:
            self.add(in_file(scenario, problem.path), _central(problem), inputs=_feeding(scenario, problem.path))
            return
        inputs = scenario.named_inputs  # once: it is built afresh each time it is asked for
        for path, formula in written.items():
            if path[0] == "inputs":
                continue
            bounds = bounds_at(path)
            try:
                worked_out(formula, central, path, bounds)
            except ValueProblem as problem:
                self.add(in_file(scenario, path), _central(problem), inputs=frozenset(formula.name_set))
                continue
            self.alias_within_bounds(path, formula, bounds, inputs)

    def alias_within_bounds(self, path: Path, formula: Formula, bounds: Bounds, inputs: dict[str, NamedInput]) -> None:
        """A formula that only names an input drawn from a distribution: that distribution within bounds,
        as when the distribution is written in place."""
        from barnetmodel.scenario.paths import in_file

        name, seen = formula.alias(), set()
        while name is not None and name in inputs and name not in seen:
            seen.add(name)
            value = inputs[name].value
            if isinstance(value, Distribution):
                broken = bounds.broken_by(*value.support())
                if broken:
                    self.add(
                        in_file(self.scenario, path),
                        f"'{name}' is a {value.kind} distribution that can take {broken}",
                        inputs=frozenset(seen),
                    )
                return
            name = value.alias() if isinstance(value, Formula) else None

    def targets(self) -> None:
        scenario = self.scenario
        self.unique_names(("targets",), scenario.targets, "target")
        for i, target in enumerate(scenario.targets):
            path: Path = ("targets", i)
            self.in_horizon((*path, "by"), target.by)
            self.cited((*path, "source"), target.source)
            if target.option is not None:
                if target.option not in scenario.options:
                    hint = did_you_mean(target.option, scenario.options)
                    self.add((*path, "option"), f"no option is called '{target.option}'{hint}")
                elif target.option == scenario.baseline:
                    self.add((*path, "option"), "the baseline saves nothing against itself")

    def risks(self, base: Path, risks: list[Risk]) -> None:
        self.unique_names(base, risks, "risk")
        for i, risk in enumerate(risks):
            path = (*base, i)
            self.cited((*path, "source"), risk.source)
            self.in_horizon((*path, "from"), risk.from_)
            self.in_horizon((*path, "to"), risk.to)
            self.in_order(path, risk.from_, risk.to)

    def bias(self, path: Path, bias: OptimismBias, lines: list[Line]) -> None:
        self.cited((*path, "source"), bias.source)
        if (bias.category is None) == (bias.uplift is None):
            self.add(path, "give either a Green Book `category` or a stated `uplift`, not both or neither")
        names = [line.name for line in lines]
        for j, name in enumerate(bias.lines or []):
            if name not in names:
                self.add((*path, "lines", j), f"no line of this option is called '{name}'{did_you_mean(name, names)}")

    def correlations(self) -> None:
        """Correlations name uncertain inputs, once per pair, and make a valid correlation matrix."""
        from barnetmodel.scenario.paths import canonical_names, display_name, uncertain

        correlations = self.scenario.uncertainty.correlations
        if not correlations:
            return
        before = len(self.found)
        drawn = uncertain(self.scenario)
        names = [display_name(path) for path in drawn]
        canonical = canonical_names(drawn)
        yearly = {display_name(path) for path in drawn if _drawn_yearly(self.scenario, path)}
        pairs: dict[frozenset[str], int] = {}
        for i, correlation in enumerate(correlations):
            path: Path = ("uncertainty", "correlations", i)
            self.cited((*path, "source"), correlation.source)
            for j, name in enumerate(correlation.between):
                if name not in canonical:
                    listed = f"; the uncertain inputs are: {', '.join(names)}" if names else "; no input is uncertain"
                    self.add(
                        (*path, "between", j),
                        f"'{name}' is not an uncertain input{did_you_mean(name, names) or listed}",
                    )
                elif canonical[name] in yearly:
                    self.add(
                        (*path, "between", j),
                        f"'{name}' is drawn afresh each year (draw: yearly), so it cannot be correlated with "
                        "another input",
                    )
            pair = frozenset(canonical.get(name, name) for name in correlation.between)
            if len(pair) == 1:
                self.add((*path, "between"), "an input is always perfectly correlated with itself")
            elif pair in pairs:
                self.add((*path, "between"), f"this pair is already correlated (#{pairs[pair] + 1})")
            pairs.setdefault(pair, i)
        if len(self.found) > before:
            return
        import numpy as np

        index = {name: k for k, name in enumerate(names)}
        matrix = np.eye(len(names))
        for correlation in correlations:
            a, b = (index[canonical[name]] for name in correlation.between)
            matrix[a, b] = matrix[b, a] = correlation.rank
        # The matrix the sampler factorises: the normal scores' correlations that give these rank correlations.
        smallest = float(np.linalg.eigvalsh(rank_to_pearson(matrix)).min())
        if smallest <= 1e-10:
            self.add(
                ("uncertainty", "correlations"),
                "these correlations do not make a valid correlation matrix (it is not positive definite: "
                f"smallest eigenvalue {smallest:.3g} of the normal scores' correlations, 2 sin(pi r / 6) of each "
                "rank correlation r, which the sampler draws from); some of them contradict each other",
            )

    def drawing(self, path: Path, line: Line) -> None:
        """`draw: yearly` draws the line's own distribution each year; `persistence` goes with it."""
        if line.persistence is not None and line.draw != "yearly":
            self.add(
                (*path, "persistence"), "`persistence` says how yearly draws follow each other: it needs draw: yearly"
            )
        if line.draw != "yearly" or line.annual is None:
            return
        if not isinstance(line.annual, Distribution):
            what = "a formula" if isinstance(line.annual, Formula) else "a number"
            self.add(
                (*path, "draw"),
                f"draw: yearly draws the line's own distribution afresh each year, and its `annual` is {what}: "
                "write `annual` as a distribution here (a named input is drawn once a draw, and shared)",
            )
        elif line.annual.support()[0] == line.annual.support()[1]:
            self.add((*path, "draw"), "draw: yearly has nothing to draw: the distribution of `annual` has no width")

    def lines(self, base: Path, lines: list[Line], inherited: list[Line]) -> None:
        self.unique_names(base, lines, "line")
        names = {line.name for line in [*inherited, *lines]}  # a set: thousands of lines stay linear
        inherited_names = {line.name for line in inherited}
        for i, line in enumerate(lines):
            path = (*base, i)
            self.cited((*path, "source"), line.source)
            if line.name in inherited_names:
                self.add((*path, "name"), f"the option this one is based on already has a line called '{line.name}'")
            kinds = [k for k in KINDS if getattr(line, k) is not None]
            if len(kinds) != 1:
                given = f"it has {', '.join(kinds)}" if kinds else "it has none"
                self.add(path, f"a line needs exactly one of {', '.join(KINDS)}; {given}")
                continue
            kind = kinds[0]
            written = line.model_dump(by_alias=True, exclude_none=True)
            for key in sorted(set(written) - {"name", "source", "note", kind}):
                if key not in ALLOWED[kind]:
                    self.add((*path, key), f"'{key}' has no meaning on a line with `{kind}`", at_key=True)
            needed = REQUIRED.get(kind)
            if needed and needed not in written:
                self.add(path, f"a line with `{kind}` needs `{needed}`")
            if kind == "variations" and ("share" in written) == ("amount" in written):
                self.add(path, "a line with `variations` needs a `share` of the charge or an `amount` a year, not both")
            self.drawing(path, line)
            self.in_horizon((*path, "from"), line.from_)
            self.in_horizon((*path, "to"), line.to)
            self.in_horizon((*path, "once"), line.once)
            self.in_order(path, line.from_, line.to)
            if line.term is not None:
                for j, year in enumerate(line.term):
                    self.in_horizon((*path, "term", j), year)
                if line.term[0] > line.term[1]:
                    self.add((*path, "term"), f"the term ends ({line.term[1]}) before it starts ({line.term[0]})")
            if line.base_line is not None:
                key = kind
                if line.base_line == line.name:
                    what = "a share of" if key == "share_of" else f"{key} on"
                    self.add((*path, key), f"a line cannot be {what} itself")
                elif line.base_line not in names:
                    hint = did_you_mean(line.base_line, names)
                    self.add((*path, key), f"no line of this option is called '{line.base_line}'{hint}")
        self.found += _circles(base, lines)


def rank_to_pearson(rank: Any) -> Any:
    """The normal-score (Pearson) correlation that gives a rank (Spearman) correlation: 2 sin(pi r / 6), for
    an array of them (numpy is imported by the caller: validating a file without correlations needs none)."""
    import numpy as np

    return 2 * np.sin(np.pi * rank / 6)


def _share_target(lines: list[Line], index: dict[str, int], i: int) -> int | None:
    """The line that line i is worked out from (share_of, credits, variations; None: none, a missing one, or
    itself, reported elsewhere)."""
    target = lines[i].base_line
    return index.get(target) if target is not None and target != lines[i].name else None


def _drawn_yearly(scenario: Scenario, path: Path) -> bool:
    """Whether the uncertain input at `path` is a line's annual amount drawn afresh each year."""
    from barnetmodel.scenario.paths import line_of

    line = line_of(scenario, path)
    return line is not None and line.draw == "yearly"


def _unknown(name: str, start: int, known: list[str], alone: bool) -> str:
    where = f"unknown name '{name}' at character {start + 1}"
    if not known and alone:  # most likely a slip, not a formula
        return (
            f"should be a number, not '{name}': text where a number goes is a formula of named inputs, and "
            "this file has no `inputs`"
        )
    if not known:
        return f"{where}: a formula names inputs of the `inputs` section, and this file has none"
    hint = did_you_mean(name, known)
    if hint:
        return where + hint
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"{where}; the inputs are: {listed}"


def _central(problem: ValueProblem) -> str:
    return problem.text("in the central run (every input at its mean)")


def _feeding(scenario: Scenario, path: Path) -> frozenset[str]:
    """The named inputs a named input's value depends on, itself included."""
    from barnetmodel.scenario.named import dependencies

    graph = dependencies(scenario)
    found: set[str] = set()
    waiting = [str(path[1])]
    while waiting:
        name = waiting.pop()
        if name in graph and name not in found:
            found.add(name)
            waiting += graph[name]
    return frozenset(found)


def _circles(base: Path, lines: list[Line]) -> list[Finding]:
    """Lines whose share_of (credits, variations) chain leads back to themselves, each circle once. An
    option's own lines only: the lines it inherits cannot refer to its own. Each line is worked out from one
    line at most, so following the chain from each line not yet seen finds every circle in one pass over the
    lines (a chain of thousands stays linear)."""
    index = {line.name: i for i, line in enumerate(lines)}
    done: set[int] = set()
    found = []
    for start in range(len(lines)):
        chain: dict[int, int] = {}  # line -> its place in this walk
        current: int | None = start
        while current is not None and current not in done and current not in chain:
            chain[current] = len(chain)
            current = _share_target(lines, index, current)
        if current is not None and current in chain:  # this walk came back to itself: a new circle
            circle = list(chain)[chain[current] :]
            names = " -> ".join(f"'{lines[k].name}'" for k in [*circle, current])
            key = lines[circle[0]].kind
            found.append(Finding(base + (circle[0], key), f"lines refer to each other in a circle: {names}"))
        done.update(chain)
    return found


def evaluation_order(lines: list[Line]) -> list[int]:
    """Line indices ordered so that a line worked out from another (share_of, credits, variations) comes after
    it: from each line not yet placed, the chain of lines it is worked out from is followed to one placed (or
    to one of no other), then placed from that end back. Without recursion, so a chain of thousands of lines
    is no deeper than one."""
    index = {line.name: i for i, line in enumerate(lines)}
    order: list[int] = []
    placed: set[int] = set()
    for start in range(len(lines)):
        chain: list[int] = []
        on_chain: set[int] = set()
        current: int | None = start
        while current is not None and current not in placed and current not in on_chain:  # a circle: refused
            chain.append(current)
            on_chain.add(current)
            current = _share_target(lines, index, current)
        for i in reversed(chain):
            placed.add(i)
            order.append(i)
    return order
