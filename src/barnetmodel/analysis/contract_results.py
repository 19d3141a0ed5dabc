"""The parts of a run's results that contracts add: the inflation series, VAT, transfers, guarantees,
planned changes and switches. Each appears only in results of a scenario that uses it."""

from __future__ import annotations

from typing import Any

import numpy as np

from barnetmodel.engine.projection import BASES, Projection
from barnetmodel.scenario.contract_checks import switch_risks
from barnetmodel.scenario.models import Guarantee, InflationSeries, Risk, Scenario
from barnetmodel.scenario.paths import guarantee_path, inflation_path, risk_path


def _floats(array: np.ndarray) -> list[float]:
    return [float(x) for x in array]


def inflation_rate(projection: Projection) -> float | None:
    """The rate a year the run uses: the stated one, or after a series ends (None: a series alone)."""
    inflation = projection.scenario.money.inflation
    written = inflation.after if isinstance(inflation, InflationSeries) else inflation
    if written is None:
        return None
    return float(projection.value(inflation_path(projection.scenario), written)[0, 0])


def money_facts(scenario: Scenario) -> dict[str, Any]:
    """The inflation series used, and whether amounts include VAT, where the scenario says."""
    facts: dict[str, Any] = {}
    inflation = scenario.money.inflation
    if isinstance(inflation, InflationSeries):
        from barnetmodel.data.series import series

        facts["inflation_series"] = series(inflation.series).describe()
    if scenario.money.vat is not None:
        facts["vat"] = scenario.money.vat
    return facts


def switch_of(projection: Projection, option: str, risk: Risk) -> dict[str, Any]:
    """What a switch risk does, and in the central run the chance each year that it has happened, that its
    lines have switched, and that fallback lines are in their premium years."""
    scenario = projection.scenario
    homes = {r.name: home for home, r in switch_risks(scenario, option)}
    if risk.name not in homes:
        return {}
    path = risk_path(homes[risk.name], risk)
    chances = projection.switch_chances.get((option, path), {})
    switch: dict[str, Any] = {
        "stops": risk.stops or [],
        "fallback": risk.fallback or [],
        "takes_effect": risk.takes_effect,
        "premium": None if risk.premium is None else float(projection.value((*path, "premium"), risk.premium)[0, 0]),
        "transition": risk.transition,
    }
    for key, name in (("happened", "chance_happened"), ("switched", "chance_switched")):
        if key in chances:
            switch[name] = _floats(chances[key])
    if risk.transition and "transition" in chances:
        switch["chance_in_transition"] = _floats(chances["transition"])
    return {"switch": switch}


def contract_sections(projection: Projection, option: str) -> dict[str, Any]:
    """An option's transfers, guarantees, planned changes and what it is based on, where it has them."""
    scenario = projection.scenario
    found: dict[str, Any] = {}
    if scenario.options[option].based_on is not None:
        found["based_on"] = scenario.options[option].based_on
    transfers = [line.name for _, line in scenario.lines_of(option) if line.transfer]
    if transfers:
        nominal = np.sum([projection.line_nominal[option][name] for name in transfers], axis=0)
        found["transfers"] = {
            "lines": transfers,
            "nominal": float(projection.convert(nominal, "nominal")[0].sum()),
            "real": float(projection.convert(nominal, "real")[0].sum()),
            "present_value_left_out": float(projection.convert(nominal, "present_value")[0].sum()),
        }
    guarantees = scenario.guarantees_of(option)

    def value(home: str, guarantee: Guarantee, key: str) -> float | None:
        written = getattr(guarantee, key)
        path = (*guarantee_path(home, guarantee), key)
        return None if written is None else float(projection.value(path, written)[0, 0])

    if guarantees:
        found["guarantees"] = [
            {
                "name": g.name,
                "lines": g.lines,
                "level": value(home, g, "level"),
                "prices": g.prices or scenario.money.prices,
                "cap": value(home, g, "cap"),
                "cap_total": value(home, g, "cap_total"),
                "provider": g.provider,
                "source": g.source,
                "nominal": _floats(projection.guarantee_nominal[option][g.name][0]),
                "total": {
                    basis: float(projection.convert(projection.guarantee_nominal[option][g.name], basis)[0].sum())
                    for basis in BASES
                },
            }
            for home, g in guarantees
        ]
    changes = scenario.changes_of(option)
    if changes:
        found["changes"] = [
            {
                "name": c.name,
                "kind": c.kind,
                "year": c.year,
                "stops": c.stops,
                "starts": c.starts,
                "costs": c.costs,
                "source": c.source,
            }
            for _, c in changes
        ]
    return found
