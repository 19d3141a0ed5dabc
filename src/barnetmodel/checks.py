"""Checks across fields that types alone cannot express: references, years, line kinds."""

from __future__ import annotations

from dataclasses import dataclass

from barnetmodel.errors import Path
from barnetmodel.scenario import KINDS, Line, OptimismBias, Risk, Scenario
from barnetmodel.suggest import did_you_mean

# Which optional keys make sense with each kind of line.
ALLOWED = {
    "annual": {"growth", "from", "to", "ramp", "prices"},
    "total": {"term", "growth", "prices"},
    "once": {"amount", "prices"},
    "share_of": {"rate", "from", "to", "ramp"},
}
REQUIRED = {"total": "term", "once": "amount", "share_of": "rate"}
FIELD_OF_KEY = {"from": "from_"}


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str
    at_key: bool = False


def check(scenario: Scenario) -> list[Finding]:
    """Every cross-field problem in the scenario, in file order."""
    found: list[Finding] = []
    horizon = scenario.horizon
    sources = sorted(scenario.sources)

    def in_horizon(path: Path, year: int | None) -> None:
        if year is not None and not horizon.start <= year <= horizon.end:
            found.append(Finding(path, f"year {year} is outside the horizon {horizon.start}-{horizon.end}"))

    def cited(path: Path, key: str | None) -> None:
        if key is not None and key not in scenario.sources:
            hint = did_you_mean(key, sources) or (f"; known: {', '.join(sources)}" if sources else "")
            found.append(Finding(path, f"'{key}' is not a key of `sources`{hint}"))

    if scenario.baseline not in scenario.options:
        found.append(
            Finding(
                ("baseline",),
                f"no option is called '{scenario.baseline}'{did_you_mean(scenario.baseline, scenario.options)}",
            )
        )
    target_names: dict[str, int] = {}
    for i, target in enumerate(scenario.targets):
        path: Path = ("targets", i)
        if target.name in target_names:
            found.append(
                Finding((*path, "name"), f"another target (#{target_names[target.name] + 1}) is called '{target.name}'")
            )
        target_names.setdefault(target.name, i)
        in_horizon(path + ("by",), target.by)
        cited(path + ("source",), target.source)
        if target.option is not None:
            if target.option not in scenario.options:
                hint = did_you_mean(target.option, scenario.options)
                found.append(Finding(path + ("option",), f"no option is called '{target.option}'{hint}"))
            elif target.option == scenario.baseline:
                found.append(Finding(path + ("option",), "the baseline saves nothing against itself"))
    for name, option in scenario.options.items():
        found += _check_lines(scenario, ("options", name, "lines"), option.lines, in_horizon, cited)
        found += _check_risks(("options", name, "risks"), option.risks, option.lines, in_horizon, cited)
        if option.optimism_bias is not None:
            found += _check_bias(("options", name, "optimism_bias"), option.optimism_bias, option.lines, cited)
    found += _check_correlations(scenario, cited)
    return found


def _check_risks(base: Path, risks: list[Risk], lines: list[Line], in_horizon, cited) -> list[Finding]:  # type: ignore[no-untyped-def]
    found: list[Finding] = []
    seen: dict[str, int] = {}
    for i, risk in enumerate(risks):
        path = (*base, i)
        if risk.name in seen:
            found.append(Finding((*path, "name"), f"another risk (#{seen[risk.name] + 1}) is called '{risk.name}'"))
        seen.setdefault(risk.name, i)
        cited((*path, "source"), risk.source)
        in_horizon((*path, "from"), risk.from_)
        in_horizon((*path, "to"), risk.to)
        if risk.from_ is not None and risk.to is not None and risk.from_ > risk.to:
            found.append(Finding((*path, "to"), f"`to` ({risk.to}) is before `from` ({risk.from_})"))
    return found


def _check_bias(path: Path, bias: OptimismBias, lines: list[Line], cited) -> list[Finding]:  # type: ignore[no-untyped-def]
    found: list[Finding] = []
    cited((*path, "source"), bias.source)
    if (bias.category is None) == (bias.uplift is None):
        found.append(Finding(path, "give either a Green Book `category` or a stated `uplift`, not both or neither"))
    names = [line.name for line in lines]
    for j, name in enumerate(bias.lines or []):
        if name not in names:
            found.append(
                Finding((*path, "lines", j), f"no line of this option is called '{name}'{did_you_mean(name, names)}")
            )
    return found


def _check_correlations(scenario: Scenario, cited) -> list[Finding]:  # type: ignore[no-untyped-def]
    """Correlations name uncertain inputs, once per pair, and make a valid correlation matrix."""
    from barnetmodel.paths import name_of, uncertain

    found: list[Finding] = []
    correlations = scenario.uncertainty.correlations
    if not correlations:
        return found
    names = [name_of(path) for path in uncertain(scenario)]
    pairs: dict[frozenset[str], int] = {}
    for i, correlation in enumerate(correlations):
        path: Path = ("uncertainty", "correlations", i)
        cited((*path, "source"), correlation.source)
        for j, name in enumerate(correlation.between):
            if name not in names:
                hint = did_you_mean(name, names) or (
                    f"; the uncertain inputs are: {', '.join(names)}" if names else "; no input is uncertain"
                )
                found.append(Finding((*path, "between", j), f"'{name}' is not an uncertain input{hint}"))
        pair = frozenset(correlation.between)
        if len(pair) == 1:
            found.append(Finding((*path, "between"), "an input is always perfectly correlated with itself"))
        elif pair in pairs:
            found.append(Finding((*path, "between"), f"this pair is already correlated (#{pairs[pair] + 1})"))
        pairs.setdefault(pair, i)
    if not found:
        import numpy as np

        index = {name: k for k, name in enumerate(names)}
        matrix = np.eye(len(names))
        for correlation in correlations:
            a, b = (index[name] for name in correlation.between)
            matrix[a, b] = matrix[b, a] = correlation.rank
        smallest = float(np.linalg.eigvalsh(matrix).min())
        if smallest <= 1e-10:
            found.append(
                Finding(
                    ("uncertainty", "correlations"),
                    "these correlations do not make a valid correlation matrix (it is not positive definite: "
                    f"smallest eigenvalue {smallest:.3g}); some of them contradict each other",
                )
            )
    return found


def _check_lines(scenario: Scenario, base: Path, lines: list[Line], in_horizon, cited) -> list[Finding]:  # type: ignore[no-untyped-def]
    found: list[Finding] = []
    seen: dict[str, int] = {}
    names = [line.name for line in lines]
    for i, line in enumerate(lines):
        path = base + (i,)
        if line.name in seen:
            found.append(Finding(path + ("name",), f"another line (#{seen[line.name] + 1}) is called '{line.name}'"))
        seen.setdefault(line.name, i)
        cited(path + ("source",), line.source)
        kinds = [k for k in KINDS if getattr(line, k) is not None]
        if len(kinds) != 1:
            given = f"it has {', '.join(kinds)}" if kinds else "it has none"
            found.append(Finding(path, f"a line needs exactly one of annual, total, once, share_of; {given}"))
            continue
        kind = kinds[0]
        written = line.model_dump(by_alias=True, exclude_none=True)
        for key in sorted(set(written) - {"name", "source", "note", kind}):
            if key not in ALLOWED[kind]:
                found.append(Finding(path + (key,), f"'{key}' has no meaning on a line with `{kind}`", at_key=True))
        needed = REQUIRED.get(kind)
        if needed and needed not in written:
            found.append(Finding(path, f"a line with `{kind}` needs `{needed}`"))
        in_horizon(path + ("from",), line.from_)
        in_horizon(path + ("to",), line.to)
        in_horizon(path + ("once",), line.once)
        if line.from_ is not None and line.to is not None and line.from_ > line.to:
            found.append(Finding(path + ("to",), f"`to` ({line.to}) is before `from` ({line.from_})"))
        if line.term is not None:
            for j, year in enumerate(line.term):
                in_horizon(path + ("term", j), year)
            if line.term[0] > line.term[1]:
                found.append(
                    Finding(path + ("term",), f"the term ends ({line.term[1]}) before it starts ({line.term[0]})")
                )
        if line.share_of is not None:
            if line.share_of == line.name:
                found.append(Finding(path + ("share_of",), "a line cannot be a share of itself"))
            elif line.share_of not in names:
                hint = did_you_mean(line.share_of, names)
                found.append(Finding(path + ("share_of",), f"no line of this option is called '{line.share_of}'{hint}"))
    found += _circles(base, lines)
    return found


def _circles(base: Path, lines: list[Line]) -> list[Finding]:
    """Lines whose share_of chain leads back to themselves."""
    index = {line.name: i for i, line in enumerate(lines)}
    reported: set[int] = set()
    found = []
    for start, line in enumerate(lines):
        chain = [start]
        current = line
        while current.share_of is not None and current.share_of in index and current.share_of != current.name:
            nxt = index[current.share_of]
            if nxt in chain:
                circle = chain[chain.index(nxt) :]
                if not reported.intersection(circle):
                    reported.update(circle)
                    names = " -> ".join(f"'{lines[k].name}'" for k in circle + [nxt])
                    found.append(
                        Finding(base + (circle[0], "share_of"), f"lines refer to each other in a circle: {names}")
                    )
                break
            chain.append(nxt)
            current = lines[nxt]
    return found


def evaluation_order(lines: list[Line]) -> list[int]:
    """Line indices ordered so that a share_of line comes after the line it is a share of."""
    index = {line.name: i for i, line in enumerate(lines)}
    order: list[int] = []
    placed: set[int] = set()

    def place(i: int) -> None:
        if i in placed:
            return
        target = lines[i].share_of
        if target is not None:
            place(index[target])
        placed.add(i)
        order.append(i)

    for i in range(len(lines)):
        place(i)
    return order
