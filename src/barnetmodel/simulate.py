"""Monte Carlo: the engine over chunks of draws, the per-draw results kept, and their summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from barnetmodel.engine import BASES, Projection, project
from barnetmodel.paths import name_of
from barnetmodel.results import target_options
from barnetmodel.sampling import Sampler
from barnetmodel.scenario import Scenario

PERCENTILES = (5, 10, 50, 90, 95)
# Yearly bands come from the first draws only: enough for a band's precision, and memory stays flat.
BAND_DRAWS = 100_000


@dataclass
class Simulation:
    """What each draw produced, for every option (money in the scenario's unit)."""

    scenario: Scenario
    draws: int
    seed: int
    sampling: str
    total_cost: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # option -> basis -> (draws,)
    yearly_cost: dict[str, list[np.ndarray]] = field(default_factory=dict)  # option -> chunks of (n, years)
    achieved: dict[tuple[str, str], list[np.ndarray]] = field(default_factory=dict)  # (target, option) -> chunks
    met: dict[tuple[str, str], list[np.ndarray]] = field(default_factory=dict)

    def saving(self, option: str, basis: str) -> np.ndarray:
        return self.total_cost[self.scenario.baseline][basis] - self.total_cost[option][basis]


def simulate(
    scenario: Scenario,
    draws: int,
    seed: int,
    sampling: str,
    on_chunk: Callable[[int], None] | None = None,
) -> Simulation:
    """Draw the uncertain inputs and risks `draws` times and keep each draw's results."""
    sampler = Sampler(scenario, seed, sampling)
    sim = Simulation(scenario, draws, seed, sampling)
    totals: dict[str, dict[str, list[np.ndarray]]] = {o: {b: [] for b in BASES} for o in scenario.options}
    kept_for_bands = 0
    for inputs in sampler.chunks(draws):
        projection = project(scenario, inputs)
        costs = _costs_by_basis(projection)
        for option in scenario.options:
            for basis in BASES:
                totals[option][basis].append(costs[option][basis].sum(axis=1))
            if kept_for_bands < BAND_DRAWS:
                keep = costs[option]["nominal"][: BAND_DRAWS - kept_for_bands]
                sim.yearly_cost.setdefault(option, []).append(keep)
        kept_for_bands += min(inputs.draws, BAND_DRAWS - kept_for_bands)
        for target in scenario.targets:
            basis = target.prices or scenario.money.prices
            by = scenario.horizon.end if target.by is None else target.by
            column = by - scenario.horizon.start
            amount = projection.target_amount[target.name]
            for option in target_options(scenario, target):
                saving = costs[scenario.baseline][basis] - costs[option][basis]
                achieved = saving[:, column] if target.measure == "annual" else saving[:, : column + 1].sum(axis=1)
                sim.achieved.setdefault((target.name, option), []).append(achieved)
                sim.met.setdefault((target.name, option), []).append(achieved >= amount)
        if on_chunk:
            on_chunk(inputs.draws)
    sim.total_cost = {o: {b: np.concatenate(parts) for b, parts in by.items()} for o, by in totals.items()}
    return sim


def _costs_by_basis(projection: Projection) -> dict[str, dict[str, np.ndarray]]:
    """Each option's (draws, years) cost in every basis, each computed once."""
    out = {}
    for option in projection.scenario.options:
        nominal = projection.cost(option, "nominal")
        real = nominal / projection.price_index
        out[option] = {"nominal": nominal, "real": real, "present_value": real * projection.discount_factor}
    return out


def describe(values: np.ndarray) -> dict[str, float]:
    """Mean, its Monte Carlo standard error, and percentiles of a sample."""
    n = len(values)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    quantiles = np.percentile(values, PERCENTILES)
    return {
        "mean": mean,
        "standard_error": se if np.isfinite(se) else 0.0,
        **{f"p{q}": float(v) for q, v in zip(PERCENTILES, quantiles, strict=True)},
    }


def _bands(array: np.ndarray) -> dict[str, list[float]]:
    quantiles = np.percentile(array, PERCENTILES, axis=0)
    return {f"p{q}": [float(x) for x in row] for q, row in zip(PERCENTILES, quantiles, strict=True)}


def summarise_simulation(sim: Simulation) -> dict[str, Any]:
    """The distribution of every headline figure, JSON-ready."""
    scenario = sim.scenario
    names = list(scenario.options)
    present = np.column_stack([sim.total_cost[o]["present_value"] for o in names])
    cheapest = np.bincount(np.argmin(present, axis=1), minlength=len(names)) / sim.draws
    options = []
    for k, option in enumerate(names):
        entry: dict[str, Any] = {
            "name": option,
            "cost_present_value": describe(sim.total_cost[option]["present_value"]),
            "cost_nominal": describe(sim.total_cost[option]["nominal"]),
            "probability_cheapest": float(cheapest[k]),
        }
        if option != scenario.baseline:
            saving = sim.saving(option, "present_value")
            entry["saving_present_value"] = describe(saving)
            entry["saving_nominal"] = describe(sim.saving(option, "nominal"))
            entry["probability_cheaper_than_baseline"] = float(np.mean(saving > 0))
        options.append(entry)
    targets = []
    for (target, option), parts in sim.met.items():
        achieved = np.concatenate(sim.achieved[(target, option)])
        targets.append(
            {
                "target": target,
                "option": option,
                "probability_met": float(np.mean(np.concatenate(parts))),
                "achieved": describe(achieved),
            }
        )
    baseline_years = np.concatenate(sim.yearly_cost[scenario.baseline])
    yearly = {}
    for option in names:
        cost = np.concatenate(sim.yearly_cost[option])
        yearly[option] = {
            "cost_nominal": _bands(cost),
            "cumulative_saving_nominal": _bands(np.cumsum(baseline_years - cost, axis=1)),
        }
    return {
        "draws": sim.draws,
        "seed": sim.seed,
        "sampling": sim.sampling,
        "band_draws": min(sim.draws, BAND_DRAWS),
        "inputs": sampled_inputs(scenario),
        "options": options,
        "targets": targets,
        "yearly": yearly,
    }


def sampled_inputs(scenario: Scenario) -> list[dict[str, Any]]:
    """Each uncertain input: its name, its distribution as written, and its mean."""
    from barnetmodel.paths import uncertain

    return [
        {"name": name_of(path), "distribution": d.describe(), "mean": d.mean()}
        for path, d in uncertain(scenario).items()
    ]
