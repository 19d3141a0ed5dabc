"""Monte Carlo: the engine over chunks of draws, the per-draw results kept, and their summary."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from barnetmodel.engine import Inputs, project
from barnetmodel.paths import name_of
from barnetmodel.percentiles import percentiles
from barnetmodel.results import meets, target_options
from barnetmodel.sampling import Sampler
from barnetmodel.scenario import Scenario

PERCENTILES = (5, 10, 50, 90, 95)
# Yearly bands come from the first draws only: enough for a band's precision, and memory stays flat.
BAND_DRAWS = 100_000
# numpy lets go of the GIL in its loops, so two threads use both cores of a small machine.
WORKERS = 2
MEASURES = ("cost_nominal", "cumulative_saving_nominal")
KEPT = ("nominal", "present_value")  # the per-draw totals the summary describes


@dataclass
class Simulation:
    """What each draw produced, for every option (money in the scenario's unit). Arrays are filled
    chunk by chunk in place: no copy of the per-draw results is ever made while drawing."""

    scenario: Scenario
    draws: int
    seed: int
    sampling: str
    total_cost: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # option -> KEPT basis -> (draws,)
    yearly_cost: dict[str, np.ndarray] = field(default_factory=dict)  # option -> (band draws, years)
    achieved: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (target, option) -> (draws,)
    met: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    def saving(self, option: str, basis: str) -> np.ndarray:
        return self.total_cost[self.scenario.baseline][basis] - self.total_cost[option][basis]

    def allocate(self) -> None:
        years = self.scenario.horizon.years
        for option in self.scenario.options:
            self.total_cost[option] = {basis: np.empty(self.draws) for basis in KEPT}
            self.yearly_cost[option] = np.empty((min(self.draws, BAND_DRAWS), years))
        for target in self.scenario.targets:
            for option in target_options(self.scenario, target):
                self.achieved[(target.name, option)] = np.empty(self.draws)
                self.met[(target.name, option)] = np.empty(self.draws, dtype=bool)

    def put(self, start: int, chunk: _Chunk) -> int:
        """Copy a chunk's results to draws start..; returns the next start."""
        end = start + len(next(iter(chunk.met.values()), chunk.yearly_nominal[self.scenario.baseline]))
        for option, totals in chunk.totals.items():
            for basis in KEPT:
                self.total_cost[option][basis][start:end] = totals[basis]
            if start < BAND_DRAWS:
                self.yearly_cost[option][start : min(end, BAND_DRAWS)] = chunk.yearly_nominal[option][
                    : BAND_DRAWS - start
                ]
        for key, value in chunk.achieved.items():
            self.achieved[key][start:end] = value
            self.met[key][start:end] = chunk.met[key]
        return end


@dataclass(frozen=True)
class _Chunk:
    """What one chunk of draws produced."""

    totals: dict[str, dict[str, np.ndarray]]  # option -> basis -> (n,)
    yearly_nominal: dict[str, np.ndarray]  # option -> (n, years)
    achieved: dict[tuple[str, str], np.ndarray]  # (target, option) -> (n,)
    met: dict[tuple[str, str], np.ndarray]


@dataclass(frozen=True)
class _Sums:
    """Weights over the years of every per-draw sum a chunk keeps, one matrix per price basis: each
    option's yearly costs are then read once per basis (one matrix product), not once per figure."""

    nominal: np.ndarray  # (years, 1 + k): all ones (the nominal total), then nominal targets' weights
    real: np.ndarray  # (years, 1 + k): discount factors (the present value), then real targets' weights
    column: dict[str, tuple[str, int]]  # target -> (basis, its column in that basis's matrix)


def _sums(scenario: Scenario, discount: np.ndarray) -> _Sums:
    index = np.arange(scenario.horizon.years)
    weights: dict[str, list[np.ndarray]] = {"nominal": [np.ones(len(index))], "real": [discount]}
    column: dict[str, tuple[str, int]] = {}
    for target in scenario.targets:
        basis = target.prices or scenario.money.prices
        last = (scenario.horizon.end if target.by is None else target.by) - scenario.horizon.start
        # The saving counted: in one year, or added up to it, as a weighted sum over the years.
        counted = (index == last) if target.measure == "annual" else (index <= last)
        column[target.name] = (basis, len(weights[basis]))
        weights[basis].append(counted.astype(float))
    return _Sums(np.column_stack(weights["nominal"]), np.column_stack(weights["real"]), column)


def _evaluate(scenario: Scenario, inputs: Inputs, sums: _Sums) -> _Chunk:
    """Run the engine on one chunk of draws and keep what the summary needs. Pure: safe in a thread."""
    projection = project(scenario, inputs)
    deflator = 1.0 / projection.price_index
    yearly: dict[str, np.ndarray] = {}
    summed: dict[str, dict[str, np.ndarray]] = {}  # option -> basis -> (n, 1 + k)
    for option in scenario.options:
        nominal = projection.cost(option, "nominal")
        yearly[option] = nominal
        summed[option] = {"nominal": nominal @ sums.nominal, "real": (nominal * deflator) @ sums.real}
    totals = {o: {"nominal": s["nominal"][:, 0], "present_value": s["real"][:, 0]} for o, s in summed.items()}
    achieved: dict[tuple[str, str], np.ndarray] = {}
    met: dict[tuple[str, str], np.ndarray] = {}
    for target in scenario.targets:
        basis, column = sums.column[target.name]
        for option in target_options(scenario, target):
            saving = summed[scenario.baseline][basis][:, column] - summed[option][basis][:, column]
            achieved[(target.name, option)] = saving
            met[(target.name, option)] = meets(saving, projection.target_amount[target.name])
    return _Chunk(totals, yearly, achieved, met)


def simulate(
    scenario: Scenario,
    draws: int,
    seed: int,
    sampling: str,
    on_chunk: Callable[[int], None] | None = None,
) -> Simulation:
    """Draw the uncertain inputs and risks `draws` times and keep each draw's results.

    Chunks are drawn in order in this thread (each input's stream is sequential) and evaluated
    on both cores; their results are put back in chunk order, so threads change no figure.
    """
    sampler = Sampler(scenario, seed, sampling)
    sim = Simulation(scenario, draws, seed, sampling)
    sums = _sums(scenario, project(scenario).discount_factor)
    sim.allocate()
    filled = 0
    pending: deque[Future[_Chunk]] = deque()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for inputs in sampler.chunks(draws):
            pending.append(pool.submit(_evaluate, scenario, inputs, sums))
            while len(pending) > WORKERS:  # a bounded number in flight keeps memory flat
                filled = _collect(sim, filled, pending.popleft(), on_chunk)
        while pending:
            filled = _collect(sim, filled, pending.popleft(), on_chunk)
    return sim


def _collect(sim: Simulation, start: int, future: Future[_Chunk], on_chunk: Callable[[int], None] | None) -> int:
    end = sim.put(start, future.result())
    if on_chunk:
        on_chunk(end - start)
    return end


def describe(values: np.ndarray) -> dict[str, float]:
    """Mean, its Monte Carlo standard error, and percentiles of a sample."""
    n = len(values)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    quantiles = percentiles(values, PERCENTILES)
    return {
        "mean": mean,
        "standard_error": se if np.isfinite(se) else 0.0,
        **{f"p{q}": float(v) for q, v in zip(PERCENTILES, quantiles, strict=True)},
    }


def _bands(by_year: np.ndarray) -> dict[str, list[float]]:
    """Percentiles of each year of a (years, draws) array."""
    quantiles = np.column_stack([percentiles(year, PERCENTILES) for year in by_year])
    return {f"p{q}": [float(x) for x in row] for q, row in zip(PERCENTILES, quantiles, strict=True)}


def _cheapest(sim: Simulation, names: list[str]) -> np.ndarray:
    """Per draw, the index of the option with the lowest present value (the first on a tie, as argmin):
    option by option, without stacking a (draws, options) copy."""
    lowest = sim.total_cost[names[0]]["present_value"].copy()
    index = np.zeros(sim.draws, dtype=np.intp)
    for k, option in enumerate(names[1:], start=1):
        cost = sim.total_cost[option]["present_value"]
        np.putmask(index, cost < lowest, k)
        np.minimum(lowest, cost, out=lowest)
    return index


def _band_samples(sim: Simulation, names: list[str]) -> dict[tuple[str, str], np.ndarray]:
    """(option, measure) -> (years, band draws) array of the yearly bands' draws."""
    # Years as rows, each year's draws side by side in memory: the running sum is then a few adds of whole
    # rows (the same additions, in the same order, as a cumsum along each draw's years).
    by_year = {option: np.ascontiguousarray(sim.yearly_cost[option].T) for option in names}
    band_samples: dict[tuple[str, str], np.ndarray] = {}
    for option in names:
        band_samples[(option, "cost_nominal")] = by_year[option]
        band_samples[(option, "cumulative_saving_nominal")] = np.cumsum(
            by_year[sim.scenario.baseline] - by_year[option], axis=0
        )
    return band_samples


def summarise_simulation(sim: Simulation) -> dict[str, Any]:
    """The distribution of every headline figure, JSON-ready."""
    scenario = sim.scenario
    names = list(scenario.options)
    cheapest = np.bincount(_cheapest(sim, names), minlength=len(names)) / sim.draws
    samples: dict[tuple[str, ...], np.ndarray] = {}
    for option in names:
        samples[("cost_present_value", option)] = sim.total_cost[option]["present_value"]
        samples[("cost_nominal", option)] = sim.total_cost[option]["nominal"]
        if option != scenario.baseline:
            samples[("saving_present_value", option)] = sim.saving(option, "present_value")
            samples[("saving_nominal", option)] = sim.saving(option, "nominal")
    for key, achieved in sim.achieved.items():
        samples[("achieved", *key)] = achieved
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # percentiles of large samples, on both cores
        described_later = pool.map(describe, samples.values())  # under way while the bands' samples are made
        band_samples = _band_samples(sim, names)
        bands_later = pool.map(_bands, band_samples.values())
        described = dict(zip(samples, described_later, strict=True))
        bands = dict(zip(band_samples, bands_later, strict=True))
    options = []
    for k, option in enumerate(names):
        entry: dict[str, Any] = {
            "name": option,
            "cost_present_value": described[("cost_present_value", option)],
            "cost_nominal": described[("cost_nominal", option)],
            "probability_cheapest": float(cheapest[k]),
        }
        if option != scenario.baseline:
            entry["saving_present_value"] = described[("saving_present_value", option)]
            entry["saving_nominal"] = described[("saving_nominal", option)]
            entry["probability_cheaper_than_baseline"] = float(np.mean(samples[("saving_present_value", option)] > 0))
        options.append(entry)
    targets = [
        {
            "target": target,
            "option": option,
            "probability_met": float(np.mean(met)),
            "achieved": described[("achieved", target, option)],
        }
        for (target, option), met in sim.met.items()
    ]
    yearly = {option: {measure: bands[(option, measure)] for measure in MEASURES} for option in names}
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
