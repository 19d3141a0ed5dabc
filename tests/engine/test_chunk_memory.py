"""The memory a chunk of draws is counted to take (engine.simulate.chunk_draws, from projection.values_per_draw):
no less than what evaluating a chunk takes, measured, and not many times more where the engine shares work."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from barnetmodel.engine import simulate
from barnetmodel.engine.projection import project, values_per_draw
from barnetmodel.engine.sampling import Sampler
from barnetmodel.scenario.load import load
from barnetmodel.scenario.models import Scenario
from barnetmodel.scenario.paths import uncertain
from conftest import ROOT

YEARS = 30


def grown(lines: int, growth: object = "rate", term: bool = False) -> Scenario:
    """`lines` annual lines an option (or totals spread over a `term`), all grown at one drawn rate."""
    amount = {"total": 10.0, "term": [2025, 2030]} if term else {"annual": 1.0}
    each = [{"name": f"L{i}", **amount, "growth": growth} for i in range(lines)]
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2025, "years": YEARS},
            "money": {"inflation": 0.02},
            "inputs": {"rate": {"uniform": {"low": 0.0, "high": 0.03}}},
            "baseline": "a",
            "options": {"a": {"title": "A", "lines": each}, "b": {"title": "B", "lines": each}},
        }
    )


def test_a_drawn_growth_shared_by_many_lines_counts_its_powers_once() -> None:
    # The engine makes the rate's powers once (Flow.grown) for every line grown at it: years values for the
    # rate, and one a line, not years a line.
    scenario = grown(40)
    counted = sum(values_per_draw(scenario, list(uncertain(scenario))))
    assert counted == len(scenario.named_inputs) + 2 * 40 + YEARS


def test_a_growth_drawn_at_its_line_is_a_rate_of_its_own() -> None:
    scenario = grown(3, growth={"uniform": {"low": 0.0, "high": 0.03}})
    per_input = dict(zip(uncertain(scenario), values_per_draw(scenario, list(uncertain(scenario))), strict=True))
    growths = [count for path, count in per_input.items() if path[-1] == "growth"]
    assert growths == [1 + YEARS] * 6  # each line of both options: its flow, and its own powers


def test_a_growth_over_a_term_makes_its_own_profile() -> None:
    # A total spread over a term with a drawn growth: its profile (draws, years) is its own, not shared.
    scenario = grown(3, term=True)
    assert values_per_draw(scenario, [("inputs", "rate")]) == [len(scenario.named_inputs) + 2 * 3 * YEARS]


@pytest.mark.parametrize("bands", [False, True], ids=["without bands", "with bands"])
@pytest.mark.parametrize(
    "path",
    [
        "scenarios/one_barnet_council_case.yaml",
        "scenarios/in_house_improvement.yaml",
        "benchmarks/contracts.yaml",
        "benchmarks/named_inputs.yaml",
        "benchmarks/sizes/small.yaml",
        "benchmarks/sizes/medium.yaml",
        "benchmarks/sizes/large.yaml",
    ],
)
def test_a_batch_of_chunks_takes_no_more_than_it_is_counted_to(path: str, bands: bool) -> None:
    # Drawing and evaluating draws together (keeping each year's cost for the bands, or not), measured by
    # tracemalloc (numpy reports its arrays to it), per draw: within what a chunk and a batch may take.
    scenario = load(str(ROOT / path), allow_extends_outside=True).scenario
    sums = simulate._sums(scenario, project(scenario).discount_factor)
    sampler = Sampler(scenario, 1, scenario.uncertainty.sampling)
    draws = 4096
    with np.errstate(over="ignore", invalid="ignore"):
        simulate._evaluate(scenario, sampler.draw(256), sums, 256)  # caches filled before measuring
        tracemalloc.start()
        try:
            simulate._evaluate(scenario, sampler.draw(draws), sums, draws if bands else 0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    most, most_with_bands = simulate.batch_draws(scenario)
    values, yearly = simulate._evaluation_values(scenario)
    memory = simulate.batch_memory(values + yearly if bands else values)  # CHUNK_MEMORY, or stretched
    assert peak / draws <= memory / (most_with_bands if bands else most)  # bytes a draw


@pytest.mark.parametrize("bands", [False, True], ids=["without bands", "with bands"])
@pytest.mark.parametrize(
    "path",
    [
        "scenarios/one_barnet_council_case.yaml",
        "benchmarks/contracts.yaml",
        "benchmarks/sizes/small.yaml",
        "benchmarks/sizes/large.yaml",
    ],
)
def test_a_whole_chunk_is_drawn_and_evaluated_within_its_memory(path: str, bands: bool) -> None:
    # A chunk (chunk_draws) drawn, then evaluated in slices of at most a batch's bound (simulate.evaluate_in_slices),
    # measured by tracemalloc: within CHUNK_MEMORY, beside the chunk's own drawn inputs and figures (a few values
    # a draw, kept until the chunk is put in place).
    scenario = load(str(ROOT / path), allow_extends_outside=True).scenario
    sums = simulate._sums(scenario, project(scenario).discount_factor)
    sampler = Sampler(scenario, 1, scenario.uncertainty.sampling)
    draws = simulate.chunk_draws(scenario)
    most, most_with_bands = simulate.batch_draws(scenario)
    kept = len(uncertain(scenario)) + len(simulate.Simulation(scenario, 0, 0, "").figures())
    with np.errstate(over="ignore", invalid="ignore"):
        simulate._evaluate(scenario, sampler.draw(256), sums, 256)  # caches filled before measuring
        tracemalloc.start()
        try:
            inputs = sampler.draw(draws)
            simulate.evaluate_in_slices(
                scenario, inputs, sums, draws if bands else 0, most_with_bands if bands else most
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    values, yearly = simulate._evaluation_values(scenario)
    memory = simulate.batch_memory(values + yearly if bands else values)
    assert peak <= memory + 2 * 8 * kept * draws
