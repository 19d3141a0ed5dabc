"""Where each number of a scenario lives: the path that names it in errors, draws and overrides.

Lines, risks and targets are addressed by name, not position, so that reordering them (or
adding one) changes no other input's path, and so no other input's random stream.
"""

from __future__ import annotations

from barnetmodel.errors import Path, format_path
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.models import Line, Risk, Scenario, Target

INFLATION: Path = ("money", "inflation")
LINE_NUMBERS = ("annual", "growth", "total", "amount", "rate")
RISK_NUMBERS = ("probability", "cost", "recovered")


def line_path(option: str, line: Line) -> Path:
    return ("options", option, "lines", line.name)


def risk_path(option: str, risk: Risk) -> Path:
    return ("options", option, "risks", risk.name)


def target_path(target: Target) -> Path:
    return ("targets", target.name)


def bias_path(option: str) -> Path:
    return ("options", option, "optimism_bias")


def numbers(scenario: Scenario) -> dict[Path, float | Distribution]:
    """Every number that may be uncertain, by its path, in file order."""
    found: dict[Path, float | Distribution] = {INFLATION: scenario.money.inflation}
    for target in scenario.targets:
        found[(*target_path(target), "amount")] = target.amount
    for name, option in scenario.options.items():
        for line in option.lines:
            base = line_path(name, line)
            for key in LINE_NUMBERS:
                value = getattr(line, key)
                if value is not None:
                    found[(*base, key)] = value
            for j, step in enumerate(line.ramp or []):
                found[(*base, "ramp", j)] = step
        for risk in option.risks:
            for key in RISK_NUMBERS:
                found[(*risk_path(name, risk), key)] = getattr(risk, key)
        bias = option.optimism_bias
        if bias is not None:
            if bias.uplift is not None:
                found[(*bias_path(name), "uplift")] = bias.uplift
            found[(*bias_path(name), "mitigated")] = bias.mitigated
    return found


def uncertain(scenario: Scenario) -> dict[Path, Distribution]:
    """The numbers written as distributions."""
    return {path: value for path, value in numbers(scenario).items() if isinstance(value, Distribution)}


def name_of(path: Path) -> str:
    """The text name of a path, as users write it: options.outsource.lines.CSG contract charge.total."""
    return format_path(path)


FIELD_WORDS = {
    "annual": "annual amount",
    "recovered": "share recovered",
    "mitigated": "share mitigated",
}


def label_of(path: Path) -> str:
    """A reader's name for an input: 'total of CSG contract charge (outsource)', 'inflation'."""
    if path == INFLATION:
        return "inflation"
    if path[0] == "targets":
        return f"amount of target '{path[1]}'"
    field = path[-1]
    if isinstance(field, int):  # a ramp step
        word = f"ramp in year {field + 1}"
        path = path[:-1]
    else:
        word = FIELD_WORDS.get(field, field)
    if path[2] == "optimism_bias":
        return f"{word} of optimism bias ({path[1]})"
    return f"{word} of {path[3]} ({path[1]})"
