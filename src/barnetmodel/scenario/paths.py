"""Where each number of a scenario lives: the path that names it in errors, draws and overrides.

Lines, risks and targets are addressed by name, not position, so that reordering them (or
adding one) changes no other input's path, and so no other input's random stream. A named
input's path is `inputs.<name>`; users call it by its name alone (`display_name`).
"""

from __future__ import annotations

from pydantic import BaseModel

from barnetmodel.errors import Path, format_path
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import (
    Guarantee,
    Indexation,
    InflationSeries,
    Line,
    Money,
    NamedInput,
    OptimismBias,
    Risk,
    Scenario,
    Target,
    financial_year,
)
from barnetmodel.scenario.numbers import Bounds, bounds_of

INFLATION: Path = ("money", "inflation")
INFLATION_AFTER: Path = ("money", "inflation", "after")  # the rate after a series ends
INPUTS = "inputs"
LINE_NUMBERS = ("annual", "growth", "total", "amount", "rate", "scale", "share")
LINE_YEARLY = ("by_year", "profile")  # mappings of year to number
INDEX_NUMBERS = ("rate", "after", "cap", "floor")
RISK_NUMBERS = ("probability", "cost", "recovered")
GUARANTEE_NUMBERS = ("level", "cap", "cap_total")


def line_path(option: str, line: Line) -> Path:
    return ("options", option, "lines", line.name)


def risk_path(option: str, risk: Risk) -> Path:
    return ("options", option, "risks", risk.name)


def guarantee_path(option: str, guarantee: Guarantee) -> Path:
    return ("options", option, "guarantees", guarantee.name)


def inflation_path(scenario: Scenario) -> Path:
    """Where the inflation rate lives: money.inflation, or the rate after its series ends."""
    return INFLATION_AFTER if isinstance(scenario.money.inflation, InflationSeries) else INFLATION


def target_path(target: Target) -> Path:
    return ("targets", target.name)


def bias_path(option: str) -> Path:
    return ("options", option, "optimism_bias")


def input_path(name: str) -> Path:
    return (INPUTS, name)


def is_named(path: Path) -> bool:
    return len(path) == 2 and path[0] == INPUTS


Value = float | Distribution | Formula


def numbers(scenario: Scenario) -> dict[Path, Value]:
    """Every number, by its path: the named inputs, then each place a number goes, in file order."""
    found: dict[Path, Value] = {input_path(name): named.value for name, named in scenario.named_inputs.items()}
    found |= places(scenario)
    return found


def places(scenario: Scenario) -> dict[Path, Value]:
    """Every place a number goes (a line's annual amount, a risk's probability, ...), by its path, in file order."""
    found: dict[Path, Value] = {}
    inflation = scenario.money.inflation
    if not isinstance(inflation, InflationSeries):
        found[INFLATION] = inflation
    elif inflation.after is not None:
        found[INFLATION_AFTER] = inflation.after
    for target in scenario.targets:
        found[(*target_path(target), "amount")] = target.amount
    for name, option in scenario.options.items():
        for line in option.lines:
            base = line_path(name, line)
            for key in LINE_NUMBERS:
                value = getattr(line, key)
                if value is not None:
                    found[(*base, key)] = value
            for key in LINE_YEARLY:
                for year, value in (getattr(line, key) or {}).items():
                    found[(*base, key, year)] = value
            for j, step in enumerate(line.ramp or []):
                found[(*base, "ramp", j)] = step
            if line.index is not None:
                for key in INDEX_NUMBERS:
                    value = getattr(line.index, key)
                    if value is not None:
                        found[(*base, "index", key)] = value
        for risk in option.risks:
            for key in RISK_NUMBERS:
                found[(*risk_path(name, risk), key)] = getattr(risk, key)
            if risk.premium is not None:
                found[(*risk_path(name, risk), "premium")] = risk.premium
        for guarantee in option.guarantees:
            for key in GUARANTEE_NUMBERS:
                value = getattr(guarantee, key)
                if value is not None:
                    found[(*guarantee_path(name, guarantee), key)] = value
        bias = option.optimism_bias
        if bias is not None:
            if bias.uplift is not None:
                found[(*bias_path(name), "uplift")] = bias.uplift
            found[(*bias_path(name), "mitigated")] = bias.mitigated
    return found


def bounds_at(path: Path) -> Bounds:
    """The bounds every value of the number at a place must respect (a growth rate above -1, ...)."""
    model: type[BaseModel]
    if path == INFLATION:
        model, field = Money, "inflation"
    elif path == INFLATION_AFTER:
        model, field = InflationSeries, "after"
    elif path[0] == "targets":
        model, field = Target, str(path[-1])
    elif path[2] == "optimism_bias":
        model, field = OptimismBias, str(path[-1])
    elif path[2] == "guarantees":
        model, field = Guarantee, str(path[4])
    elif path[2] == "lines" and path[4] == "index":
        model, field = Indexation, str(path[5])
    else:
        model = Line if path[2] == "lines" else Risk
        field = str(path[4])
    return bounds_of(model, field)


def uncertain(scenario: Scenario) -> dict[Path, Distribution]:
    """The numbers written as distributions: the inputs that are drawn."""
    return {path: value for path, value in numbers(scenario).items() if isinstance(value, Distribution)}


def formulas(scenario: Scenario) -> dict[Path, Formula]:
    """The numbers written as formulas, named inputs first."""
    return {path: value for path, value in numbers(scenario).items() if isinstance(value, Formula)}


def name_of(path: Path) -> str:
    """The text name of a path: options.outsource.lines.CSG contract charge.total, inputs.pay. It names
    an input's random stream."""
    return format_path(path)


def display_name(path: Path) -> str:
    """An input's name as users write it in correlations and read it in outputs: `pay` for a named input,
    else its path."""
    return str(path[1]) if is_named(path) else name_of(path)


def line_of(scenario: Scenario, path: Path) -> Line | None:
    """The line whose annual amount is at `path`, if it is one."""
    if path[0] != "options" or path[2] != "lines" or path[-1] != "annual":
        return None
    return next(line for line in scenario.options[str(path[1])].lines if line.name == path[3])


def canonical_names(drawn: dict[Path, Distribution]) -> dict[str, str]:
    """Every name a correlation may give an uncertain input -> its display name: a named input by its
    name or by its path (`pay`, `inputs.pay`), any other by its path."""
    found = {display_name(path): display_name(path) for path in drawn}
    found |= {name_of(path): display_name(path) for path in drawn if is_named(path)}
    return found


def named_input(scenario: Scenario, path: Path) -> NamedInput | None:
    """The named input at a path, or None when the path is not one's."""
    return scenario.named_input(str(path[1])) if is_named(path) else None


def in_file(scenario: Scenario, path: Path) -> Path:
    """The path of a number as the file holds it, lines, risks and targets by position, for locating it:
    ('options', 'outsource', 'lines', 'Contract', 'annual') -> ('options', 'outsource', 'lines', 0, 'annual')."""
    if is_named(path):
        named = scenario.inputs.get(str(path[1]))
        return (*path, "value") if isinstance(named, NamedInput) else path
    if path[0] == "targets":
        index = next((i for i, t in enumerate(scenario.targets) if t.name == path[1]), None)
        return path if index is None else ("targets", index, *path[2:])
    if path[0] == "options" and len(path) > 3 and path[2] in ("lines", "risks", "guarantees"):
        option = scenario.options[str(path[1])]
        if path[2] == "lines":
            names = [line.name for line in option.lines]
        elif path[2] == "risks":
            names = [risk.name for risk in option.risks]
        else:
            names = [guarantee.name for guarantee in option.guarantees]
        index = names.index(str(path[3])) if path[3] in names else None
        return path if index is None else (*path[:3], index, *path[4:])
    return path


FIELD_WORDS = {
    "annual": "annual amount",
    "recovered": "share recovered",
    "mitigated": "share mitigated",
    "cap_total": "total cap",
}


def label_of(path: Path) -> str:
    """A reader's name for an input: 'total of CSG contract charge (outsource)', 'inflation', 'pay'."""
    if is_named(path):
        return str(path[1])
    if path == INFLATION:
        return "inflation"
    if path == INFLATION_AFTER:
        return "inflation after its series ends"
    if path[0] == "targets":
        return f"amount of target '{path[1]}'"
    field = path[-1]
    if isinstance(field, int) and path[-2] in LINE_YEARLY:  # one year's amount or weight
        word = f"{'amount' if path[-2] == 'by_year' else 'weight'} in {financial_year(field)}"
        path = path[:-2]
    elif isinstance(field, int):  # a ramp step
        word = f"ramp in year {field + 1}"
        path = path[:-2]
    elif len(path) > 5 and path[-2] == "index":
        word = f"indexation {FIELD_WORDS.get(field, field)}"
    else:
        word = FIELD_WORDS.get(field, field)
    if path[2] == "optimism_bias":
        return f"{word} of optimism bias ({path[1]})"
    if path[2] == "guarantees":
        return f"{word} of guarantee {path[3]} ({path[1]})"
    return f"{word} of {path[3]} ({path[1]})"
