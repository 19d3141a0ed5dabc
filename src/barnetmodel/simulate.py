"""Monte Carlo: the engine over chunks of draws, the per-draw results kept, and their summary."""

from __future__ import annotations

import ctypes
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
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
    yearly_cost: dict[str, np.ndarray] = field(default_factory=dict)  # option -> (years, band draws)
    achieved: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (target, option) -> (draws,)
    met: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    # (option, measure) -> percentile -> one value a year; worked out as soon as the band draws are in.
    bands: dict[tuple[str, str], dict[str, list[float]]] = field(default_factory=dict)

    @property
    def band_draws(self) -> int:
        return min(self.draws, BAND_DRAWS)

    def saving(self, option: str, basis: str) -> np.ndarray:
        return self.total_cost[self.scenario.baseline][basis] - self.total_cost[option][basis]

    def allocate(self) -> None:
        years = self.scenario.horizon.years
        for option in self.scenario.options:
            self.total_cost[option] = {basis: np.empty(self.draws) for basis in KEPT}
            self.yearly_cost[option] = np.empty((years, self.band_draws))
        for target in self.scenario.targets:
            for option in target_options(self.scenario, target):
                self.achieved[(target.name, option)] = np.empty(self.draws)
                self.met[(target.name, option)] = np.empty(self.draws, dtype=bool)

    def put(self, start: int, chunk: _Chunk) -> int:
        """Copy a chunk's results to draws start..; returns the next start."""
        end = start + chunk.draws
        for option, totals in chunk.totals.items():
            for basis in KEPT:
                self.total_cost[option][basis][start:end] = totals[basis]
            if chunk.yearly_nominal:
                self.yearly_cost[option][:, start : min(end, BAND_DRAWS)] = chunk.yearly_nominal[option].T
        for key, value in chunk.achieved.items():
            self.achieved[key][start:end] = value
            self.met[key][start:end] = chunk.met[key]
        return end


@dataclass(frozen=True)
class _Chunk:
    """What one chunk of draws produced."""

    draws: int
    totals: dict[str, dict[str, np.ndarray]]  # option -> basis -> (n,)
    yearly_nominal: dict[str, np.ndarray]  # option -> (draws kept for the bands, years); empty past BAND_DRAWS
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


def _evaluate(scenario: Scenario, inputs: Inputs, sums: _Sums, band_draws: int) -> _Chunk:
    """Run the engine on one chunk of draws and keep what the summary needs: per-draw sums over the years
    (taken from the factored flows), and whole yearly costs for its first `band_draws` draws only.
    Pure: safe in a thread."""
    projection = project(scenario, inputs)
    by_basis = {basis: projection.weighted(basis, getattr(sums, basis)) for basis in ("nominal", "real")}
    summed = {option: {basis: by_basis[basis][option] for basis in by_basis} for option in scenario.options}
    yearly = {}
    if band_draws:
        yearly = {option: projection.cost(option, "nominal")[:band_draws] for option in scenario.options}
    totals = {o: {"nominal": s["nominal"][0], "present_value": s["real"][0]} for o, s in summed.items()}
    achieved: dict[tuple[str, str], np.ndarray] = {}
    met: dict[tuple[str, str], np.ndarray] = {}
    for target in scenario.targets:
        basis, column = sums.column[target.name]
        for option in target_options(scenario, target):
            saving = summed[scenario.baseline][basis][column] - summed[option][basis][column]
            achieved[(target.name, option)] = saving
            met[(target.name, option)] = meets(saving, projection.target_amount[target.name])
    return _Chunk(inputs.draws, totals, yearly, achieved, met)


@cache
def keep_freed_memory() -> None:
    """Ask glibc's allocator to keep the memory a run frees, for the next chunk to reuse.

    By default it hands large blocks back to the system as soon as they are freed, so every chunk's
    arrays are new memory, and on a virtual machine each fresh page costs a fault of several
    microseconds: more than the arithmetic on it. Kept, the run's memory is faulted in once. This is
    process-wide and lasts (a Monte Carlo run's process is a short-lived command); the peak memory
    is unchanged, as memory is kept for reuse, not taken in advance. Elsewhere than glibc: nothing.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, 32 << 20)  # blocks up to 32 MiB come from the reusable heap, not fresh mappings
    mallopt(m_trim_threshold, 1 << 30)  # and freed heap memory is kept, up to 1 GiB


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
    keep_freed_memory()
    sampler = Sampler(scenario, seed, sampling)
    sim = Simulation(scenario, draws, seed, sampling)
    sums = _sums(scenario, project(scenario).discount_factor)
    sim.allocate()
    filled = submitted = 0
    pending: deque[Future[_Chunk]] = deque()
    bands: Future[dict[tuple[str, str], dict[str, list[float]]]] | None = None
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for inputs in sampler.chunks(draws):
            band_draws = min(inputs.draws, max(0, BAND_DRAWS - submitted))
            pending.append(pool.submit(_evaluate, scenario, inputs, sums, band_draws))
            submitted += inputs.draws
            while len(pending) > WORKERS:  # a bounded number in flight keeps memory flat
                filled = _collect(sim, filled, pending.popleft(), on_chunk)
            if bands is None and filled >= sim.band_draws:  # the bands' draws are all in: work on them now
                bands = pool.submit(_yearly_bands, sim)
        while pending:
            filled = _collect(sim, filled, pending.popleft(), on_chunk)
        sim.bands = (bands or pool.submit(_yearly_bands, sim)).result()
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


def _yearly_bands(sim: Simulation) -> dict[tuple[str, str], dict[str, list[float]]]:
    """(option, measure) -> the yearly bands of nominal cost and cumulative saving, from the band draws."""
    baseline = sim.yearly_cost[sim.scenario.baseline]
    bands = {}
    for option, by_year in sim.yearly_cost.items():
        bands[(option, "cost_nominal")] = _bands(by_year)
        if option == sim.scenario.baseline:  # the baseline saves nothing against itself, in every draw
            bands[(option, "cumulative_saving_nominal")] = _bands(np.zeros((len(by_year), 1)))
        else:  # years as rows, each year's draws side by side: the running sum is a few adds of whole rows
            bands[(option, "cumulative_saving_nominal")] = _bands(np.cumsum(baseline - by_year, axis=0))
    return bands


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


def _sample(sim: Simulation, key: tuple[str, ...]) -> np.ndarray:
    """The per-draw values of one headline figure: made here, in a worker, when it is a saving."""
    if key[0] == "achieved":
        return sim.achieved[(key[1], key[2])]
    measure, option = key
    if measure.startswith("saving_"):
        return sim.saving(option, measure.removeprefix("saving_"))
    return sim.total_cost[option][measure.removeprefix("cost_")]


def _shares(sim: Simulation, names: list[str]) -> tuple[np.ndarray, dict[str, float]]:
    """The share of draws in which each option is the cheapest, and in which it is cheaper than the
    baseline (its saving above zero: for finite numbers, b - a > 0 exactly when a < b)."""
    cheapest = np.bincount(_cheapest(sim, names), minlength=len(names)) / sim.draws
    baseline = sim.total_cost[sim.scenario.baseline]["present_value"]
    cheaper = {
        option: float(np.count_nonzero(sim.total_cost[option]["present_value"] < baseline) / sim.draws)
        for option in names
        if option != sim.scenario.baseline
    }
    return cheapest, cheaper


def summarise_simulation(sim: Simulation) -> dict[str, Any]:
    """The distribution of every headline figure, JSON-ready."""
    scenario = sim.scenario
    names = list(scenario.options)
    keys: list[tuple[str, ...]] = []
    for option in names:
        keys += [("cost_present_value", option), ("cost_nominal", option)]
        if option != scenario.baseline:
            keys += [("saving_present_value", option), ("saving_nominal", option)]
    keys += [("achieved", *key) for key in sim.achieved]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # percentiles of large samples, on both cores
        shares_later = pool.submit(_shares, sim, names)
        described = dict(zip(keys, pool.map(lambda key: describe(_sample(sim, key)), keys), strict=True))
        cheapest, cheaper = shares_later.result()
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
            entry["probability_cheaper_than_baseline"] = cheaper[option]
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
    yearly = {option: {measure: sim.bands[(option, measure)] for measure in MEASURES} for option in names}
    return {
        "draws": sim.draws,
        "seed": sim.seed,
        "sampling": sim.sampling,
        "band_draws": sim.band_draws,
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
