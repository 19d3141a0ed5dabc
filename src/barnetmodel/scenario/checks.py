"""Checks across fields that types alone cannot express: references, years, line kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from barnetmodel.errors import Path, did_you_mean
from barnetmodel.scenario.models import KINDS, Line, OptimismBias, Risk, Scenario, Target

# Which optional keys make sense with each kind of line.
ALLOWED = {
    "annual": {"growth", "from", "to", "ramp", "prices"},
    "total": {"term", "growth", "prices"},
    "once": {"amount", "prices"},
    "share_of": {"rate", "from", "to", "ramp"},
}
REQUIRED = {"total": "term", "once": "amount", "share_of": "rate"}


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str
    at_key: bool = False


def check(scenario: Scenario) -> list[Finding]:
    """Every cross-field problem in the scenario, in file order."""
    return _Checks(scenario).run()


class _Checks:
    """Collects findings; one method per part of the file."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.found: list[Finding] = []
        self.sources = sorted(scenario.sources)

    def add(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.found.append(Finding(path, message, at_key))

    def in_horizon(self, path: Path, year: int | None) -> None:
        horizon = self.scenario.horizon
        if year is not None and not horizon.start <= year <= horizon.end:
            self.add(path, f"year {year} is outside the horizon {horizon.start}-{horizon.end}")

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
        if scenario.baseline not in scenario.options:
            hint = did_you_mean(scenario.baseline, scenario.options)
            self.add(("baseline",), f"no option is called '{scenario.baseline}'{hint}")
        self.targets()
        for name, option in scenario.options.items():
            self.lines(("options", name, "lines"), option.lines)
            self.risks(("options", name, "risks"), option.risks)
            if option.optimism_bias is not None:
                self.bias(("options", name, "optimism_bias"), option.optimism_bias, option.lines)
        self.correlations()
        return self.found

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
        from barnetmodel.scenario.paths import name_of, uncertain

        correlations = self.scenario.uncertainty.correlations
        if not correlations:
            return
        before = len(self.found)
        names = [name_of(path) for path in uncertain(self.scenario)]
        pairs: dict[frozenset[str], int] = {}
        for i, correlation in enumerate(correlations):
            path: Path = ("uncertainty", "correlations", i)
            self.cited((*path, "source"), correlation.source)
            for j, name in enumerate(correlation.between):
                if name not in names:
                    listed = f"; the uncertain inputs are: {', '.join(names)}" if names else "; no input is uncertain"
                    self.add(
                        (*path, "between", j),
                        f"'{name}' is not an uncertain input{did_you_mean(name, names) or listed}",
                    )
            pair = frozenset(correlation.between)
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
            a, b = (index[name] for name in correlation.between)
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

    def lines(self, base: Path, lines: list[Line]) -> None:
        self.unique_names(base, lines, "line")
        names = {line.name for line in lines}
        for i, line in enumerate(lines):
            path = (*base, i)
            self.cited((*path, "source"), line.source)
            kinds = [k for k in KINDS if getattr(line, k) is not None]
            if len(kinds) != 1:
                given = f"it has {', '.join(kinds)}" if kinds else "it has none"
                self.add(path, f"a line needs exactly one of annual, total, once, share_of; {given}")
                continue
            kind = kinds[0]
            written = line.model_dump(by_alias=True, exclude_none=True)
            for key in sorted(set(written) - {"name", "source", "note", kind}):
                if key not in ALLOWED[kind]:
                    self.add((*path, key), f"'{key}' has no meaning on a line with `{kind}`", at_key=True)
            needed = REQUIRED.get(kind)
            if needed and needed not in written:
                self.add(path, f"a line with `{kind}` needs `{needed}`")
            self.in_horizon((*path, "from"), line.from_)
            self.in_horizon((*path, "to"), line.to)
            self.in_horizon((*path, "once"), line.once)
            self.in_order(path, line.from_, line.to)
            if line.term is not None:
                for j, year in enumerate(line.term):
                    self.in_horizon((*path, "term", j), year)
                if line.term[0] > line.term[1]:
                    self.add((*path, "term"), f"the term ends ({line.term[1]}) before it starts ({line.term[0]})")
            if line.share_of is not None:
                if line.share_of == line.name:
                    self.add((*path, "share_of"), "a line cannot be a share of itself")
                elif line.share_of not in names:
                    hint = did_you_mean(line.share_of, names)
                    self.add((*path, "share_of"), f"no line of this option is called '{line.share_of}'{hint}")
        self.found += _circles(base, lines)


def rank_to_pearson(rank: Any) -> Any:
    """The normal-score (Pearson) correlation that gives a rank (Spearman) correlation: 2 sin(pi r / 6), for
    an array of them (numpy is imported by the caller: validating a file without correlations needs none)."""
    import numpy as np

    return 2 * np.sin(np.pi * rank / 6)


def _share_target(lines: list[Line], index: dict[str, int], i: int) -> int | None:
    """The line that line i is a share of (None: none, a missing one, or itself, reported elsewhere)."""
    target = lines[i].share_of
    return index.get(target) if target is not None and target != lines[i].name else None


def _circles(base: Path, lines: list[Line]) -> list[Finding]:
    """Lines whose share_of chain leads back to themselves, each circle once. Each line is a share of one line
    at most, so following the chain from each line not yet seen finds every circle in one pass over the lines
    (a chain of thousands stays linear; it was cubic)."""
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
            found.append(Finding(base + (circle[0], "share_of"), f"lines refer to each other in a circle: {names}"))
        done.update(chain)
    return found


def evaluation_order(lines: list[Line]) -> list[int]:
    """Line indices ordered so that a share_of line comes after the line it is a share of: from each line not
    yet placed, the chain of lines it is a share of is followed to one placed (or to one of no other), then
    placed from that end back. Without recursion, so a chain of thousands of lines is no deeper than one."""
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
