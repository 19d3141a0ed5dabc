"""The figures a run reports, as plain data: what JSON, CSV, Markdown and tables are made from."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from barnetmodel import __version__, limits
from barnetmodel.analysis.contract_results import contract_sections, inflation_rate, money_facts, switch_of
from barnetmodel.data.reference import optimism_bias_upper
from barnetmodel.engine.projection import BASES, Projection
from barnetmodel.engine.targets import meets, target_achieved, target_options
from barnetmodel.errors import Path, Problem, ScenarioError, format_path
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import Scenario, financial_year
from barnetmodel.scenario.paths import bias_path, risk_path
from barnetmodel.scenario.yaml_source import Source


def basis_label(scenario: Scenario, basis: str) -> str:
    """The unit and price basis of a figure, e.g. '£m, real 2013/14 prices'."""
    unit = scenario.money.unit
    base = financial_year(scenario.price_base)
    return {
        "nominal": f"{unit}, nominal",
        "real": f"{unit}, real {base} prices",
        "present_value": f"{unit}, present value, {base} prices",
    }[basis]


def _floats(array: np.ndarray) -> list[float]:
    return [float(x) for x in array]


def _bias(projection: Projection, option: str) -> dict[str, Any] | None:
    """The optimism bias an option carries: its uplift, the share mitigated and what is applied."""
    found = projection.scenario.bias_of(option)
    if found is None:
        return None
    bias = found[1]
    if bias.category is not None:
        uplift = optimism_bias_upper(bias.category)
    else:
        assert bias.uplift is not None  # checks.py makes sure one of the two is given
        uplift = _central(projection, (*bias_path(option), "uplift"), bias.uplift)
    mitigated = _central(projection, (*bias_path(option), "mitigated"), bias.mitigated)
    return {
        "category": bias.category,
        "uplift": uplift,
        "mitigated": mitigated,
        "applied": (1 - mitigated) * uplift,
        "lines": bias.lines,
        "income_shortfall": bias.income_shortfall,
        "source": bias.source,
    }


def _central(projection: Projection, path: Path, written: float | Distribution | Formula) -> float:
    """The value a number takes in the central run: as written, a distribution's mean, a formula worked out."""
    return float(projection.value(path, written)[0, 0])


def summarise(projection: Projection, *, file_name: str, sha256: str) -> dict[str, Any]:
    """Every figure of a deterministic run (draw 0), JSON-ready, in a stable order."""
    scenario = projection.scenario
    schedule = projection.schedule
    options = []
    for name, option in scenario.options.items():
        risks = [risk for _, risk in scenario.risks_of(name)]
        lines = [line for _, line in scenario.lines_of(name)]
        cost = {basis: projection.cost(name, basis)[0] for basis in BASES}
        saving = {basis: projection.saving(name, basis)[0] for basis in BASES}
        yearly: dict[str, list[float]] = {}
        for basis in BASES:
            yearly[f"cost_{basis}"] = _floats(cost[basis])
        for basis in BASES:
            yearly[f"saving_{basis}"] = _floats(saving[basis])
        for basis in BASES:
            yearly[f"cumulative_saving_{basis}"] = _floats(np.cumsum(saving[basis]))
        options.append(
            {
                "name": name,
                "title": option.title,
                "kind": option.kind,
                "is_baseline": name == scenario.baseline,
                "total_cost": {basis: float(cost[basis].sum()) for basis in BASES},
                "total_cost_before_optimism_bias": {
                    basis: float(projection.cost(name, basis, before_bias=True)[0].sum()) for basis in BASES
                },
                "optimism_bias": _bias(projection, name),
                "risks": [
                    {
                        "name": risk.name,
                        "probability": _central(projection, (*risk_path(name, risk), "probability"), risk.probability),
                        "per": risk.per,
                        "recurring": risk.recurring,
                        "cost": _central(projection, (*risk_path(name, risk), "cost"), risk.cost),
                        "prices": risk.prices or scenario.money.prices,
                        "recovered": _central(projection, (*risk_path(name, risk), "recovered"), risk.recovered),
                        "from": scenario.horizon.start if risk.from_ is None else risk.from_,
                        "to": scenario.horizon.end if risk.to is None else risk.to,
                        "source": risk.source,
                        "expected_cost": {
                            basis: float(projection.convert(projection.risk_nominal[name][risk.name], basis)[0].sum())
                            for basis in BASES
                        },
                        "nominal": _floats(projection.convert(projection.risk_nominal[name][risk.name], "nominal")[0]),
                    }
                    | switch_of(projection, name, risk)
                    for risk in risks
                ],
                "total_saving": {basis: float(saving[basis].sum()) for basis in BASES},
                "yearly": yearly,
                "lines": [
                    {
                        "name": line.name,
                        "source": line.source,
                        "nominal": _floats(projection.line_nominal[name][line.name][0]),
                        "real": _floats(projection.convert(projection.line_nominal[name][line.name], "real")[0]),
                    }
                    | ({"transfer": True} if line.transfer else {})
                    for line in lines
                ],
            }
            | contract_sections(projection, name)
        )
    targets = []
    for target in scenario.targets:
        basis = target.prices or scenario.money.prices
        results = []
        for name in target_options(scenario, target):
            achieved = float(target_achieved(projection, target, name)[0])
            amount = float(projection.target_amount[target.name][0])
            results.append(
                {
                    "option": name,
                    "achieved": achieved,
                    "share_met": achieved / amount,
                    "met": bool(meets(achieved, amount)),
                }
            )
        targets.append(
            {
                "name": target.name,
                "amount": float(projection.target_amount[target.name][0]),
                "measure": target.measure,
                "by": scenario.horizon.end if target.by is None else target.by,
                "prices": basis,
                "unit": basis_label(scenario, basis),
                "source": target.source,
                "results": results,
            }
        )
    found = {
        "tool": {"name": "barnetmodel", "version": __version__},
        "scenario": {
            "title": scenario.title,
            "description": scenario.description,
            "file": file_name,
            "sha256": sha256,
            "sources": dict(scenario.sources),
        },
        "horizon": {"start": scenario.horizon.start, "end": scenario.horizon.end, "years": scenario.horizon.years},
        "money": {
            "unit": scenario.money.unit,
            "price_base": scenario.price_base,
            "inflation": inflation_rate(projection),
            "units": {basis: basis_label(scenario, basis) for basis in BASES},
        }
        | money_facts(scenario),
        "discounting": {
            "schedule": schedule.name,
            "title": schedule.title,
            "source": schedule.source,
            "as_of": schedule.as_of,
        },
        "baseline": scenario.baseline,
        "years": [int(y) for y in projection.years],
        "discount_factor": _floats(projection.discount_factor),
        "price_index": _floats(projection.price_index[0]),
        "options": options,
        "targets": targets,
    }
    if scenario.inputs:  # only then: the results of a file without named inputs stay as they were
        found["inputs"] = _named_inputs(projection)
    return found


def _named_inputs(projection: Projection) -> list[dict[str, Any]]:
    """Each named input with the value the central run gave it, as written, and where it came from."""
    named = projection.inputs.named
    entries = []
    for name, item in projection.scenario.named_inputs.items():
        value = item.value
        entries.append(
            {
                "name": name,
                "value": float(named[name][0, 0]),
                "formula": str(value) if isinstance(value, Formula) else None,
                "distribution": value.describe() if isinstance(value, Distribution) else None,
                "source": item.source,
                "note": item.note,
                "unit": item.unit,
            }
        )
    return entries


LARGEST_FIGURE = limits.LARGEST_FIGURE


def out_of_range(value: float) -> str | None:
    """Why a figure cannot be reported (not finite, or beyond LARGEST_FIGURE), or None."""
    if not math.isfinite(value):
        return "is not a finite number"
    return f"is beyond ±{LARGEST_FIGURE:.0e}" if abs(value) > LARGEST_FIGURE else None


def first_non_finite(data: Any, path: Path = ()) -> Path | None:
    """The path of the first number in nested results that cannot be reported (out_of_range), or None."""
    if isinstance(data, float) and out_of_range(data):
        return path
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = first_non_finite(value, path + (key,))
        if found is not None:
            return found
    return None


def figure_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def check_finite(results: dict[str, Any], file: str, source: Source | None = None) -> None:
    """Raise a user error (exit 2) when a figure overflowed (or came near to), rather than print inf or fail to
    write JSON; name the first line or risk whose cash flow did, when one did, and, given the `source`, where
    it is written."""
    path = first_non_finite(results)
    if path is None:
        return
    message = (
        f"the figures overflow ({format_path(path)} {out_of_range(figure_at(results, path))}): "
        "an amount, growth rate or horizon is too large"
    )
    for option in results.get("options", []):
        for kind, items in (("line", option.get("lines", [])), ("risk", option.get("risks", []))):
            for item in items:
                if first_non_finite(item.get("nominal", [])) is not None:
                    message += f"; the first that does is the {kind} '{item['name']}' of {option['name']}"
                    written = source and _written_at(source, option["name"], f"{kind}s", item["name"])
                    located = source.problem(written, message) if source and written else Problem(file, message)
                    raise ScenarioError([located])
    raise ScenarioError([Problem(file, message)])


def _written_at(source: Source, option: str, key: str, name: str) -> Path | None:
    """Where the line or risk (`key`: lines, risks) called `name` of `option` is written in the (valid) file:
    in the option, or in one it is based on."""
    options = source.data.get("options", {}) if isinstance(source.data, dict) else {}
    current: Any = option
    seen: set[str] = set()
    while isinstance(current, str) and current in options and current not in seen:
        seen.add(current)
        for i, item in enumerate(options[current].get(key, [])):
            if isinstance(item, dict) and item.get("name") == name:
                return ("options", current, key, i)
        current = options[current].get("based_on")
    return None
