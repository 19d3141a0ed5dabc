"""Where each number of a scenario lives: the path that names it in errors, draws and overrides.

Lines, risks and targets are addressed by name, not position, so that reordering them (or
adding one) changes no other input's path, and so no other input's random stream.
"""

from __future__ import annotations

from barnetmodel.errors import Path, format_path
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.models import Guarantee, InflationSeries, Line, Risk, Scenario, Target, financial_year

INFLATION: Path = ("money", "inflation")
INFLATION_AFTER: Path = ("money", "inflation", "after")  # the rate after a series ends
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


def numbers(scenario: Scenario) -> dict[Path, float | Distribution]:
    """Every number that may be uncertain, by its path, in file order."""
    found: dict[Path, float | Distribution] = {}
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
    "cap_total": "total cap",
}


def label_of(path: Path) -> str:
    """A reader's name for an input: 'total of CSG contract charge (outsource)', 'inflation'."""
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
