"""Chunks evaluated together in batches (engine.simulate): the figures of evaluating each chunk alone."""

from __future__ import annotations

import json

import pytest

from barnetmodel.engine import simulate as simulate_module
from barnetmodel.engine.simulate import batches, simulate, summarise_simulation
from barnetmodel.scenario.load import load
from conftest import ROOT


def test_batches_take_consecutive_chunks_within_their_draws() -> None:
    sizes = [100] * 7
    assert batches(sizes, [0] * 7, 300, 300) == [(0, 3), (3, 3), (6, 1)]
    assert batches(sizes, [0] * 7, 50, 50) == [(i, 1) for i in range(7)]  # one chunk at least


def test_chunks_kept_for_the_bands_go_apart_and_a_part_ends_its_batch() -> None:
    # The bands keep the first 250 draws: two whole chunks and half the third, in batches of their own (of at
    # most 200 draws), the third ending its batch; the others in batches of up to 1,000.
    sizes = [100] * 7
    bands = [100, 100, 50, 0, 0, 0, 0]
    assert batches(sizes, bands, 1000, 200) == [(0, 2), (2, 1), (3, 4)]
    assert batches(sizes, bands, 1000, 1000) == [(0, 3), (3, 4)]


@pytest.mark.parametrize(
    "path, sampling",
    [
        ("scenarios/critics_stress.yaml", "latin_hypercube"),  # replicates: each chunk its own stratified sample
        ("benchmarks/contracts.yaml", "monte_carlo"),  # switches and a guarantee, drawn rows by chunk
        ("benchmarks/sizes/small.yaml", "monte_carlo"),  # correlations imposed chunk by chunk
    ],
)
def test_batches_change_no_figure(monkeypatch: pytest.MonkeyPatch, path: str, sampling: str) -> None:
    scenario = load(str(ROOT / path), allow_extends_outside=True).scenario
    monkeypatch.setattr(simulate_module, "chunk_draws", lambda scenario: 700)
    monkeypatch.setattr(simulate_module, "band_room", lambda scenario: 2500)  # bands end inside a chunk
    together = summarise_simulation(simulate(scenario, 12_000, 5, sampling))
    # Each chunk alone, and in slices: chunks of 700 draws evaluated 234, 233 and 233 draws at a time.
    monkeypatch.setattr(simulate_module, "batch_draws", lambda scenario: (256, 256))
    alone = summarise_simulation(simulate(scenario, 12_000, 5, sampling))
    assert json.dumps(together) == json.dumps(alone)


def test_slices_are_near_equal_within_the_bound_and_never_one_draw_of_many() -> None:
    from barnetmodel.engine.simulate import _slices

    assert _slices(1000, 1000) == ([0], [1000])  # within the bound: at once
    assert _slices(1000, 300) == ([0, 250, 500, 750], [250] * 4)
    assert _slices(257, 256) == ([0, 129], [129, 128])  # not 256 and 1
    assert _slices(1, 256) == ([0], [1])


def test_a_value_that_fails_in_a_later_slice_names_its_row_in_the_whole() -> None:
    import numpy as np

    from barnetmodel.engine.projection import Inputs, project
    from barnetmodel.engine.simulate import _sums, evaluate_in_slices
    from barnetmodel.errors import ValueProblem
    from barnetmodel.scenario.models import Scenario
    from barnetmodel.scenario.paths import input_path

    scenario = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 3},
            "money": {"inflation": 0.0},
            "inputs": {"spread": {"uniform": {"low": 0.5, "high": 1.5}}},
            "baseline": "a",
            "options": {
                "a": {"title": "A", "lines": [{"name": "staff", "annual": 10}]},
                "b": {"title": "B", "lines": [{"name": "fee", "annual": "18 + 0.1 / max(spread, 0)"}]},
            },
        }
    )
    spread = np.ones(600)
    spread[450] = -1.0  # 0.1 / 0: the second slice of two (300 draws each), its row 150
    inputs = Inputs(draws=600, values={input_path("spread"): spread})
    sums = _sums(scenario, project(scenario).discount_factor)
    with pytest.raises(ValueProblem) as raised:
        evaluate_in_slices(scenario, inputs, sums, 0, 300)
    assert raised.value.row == 450


def test_a_batch_of_few_draws_is_stretched_to_full_batch_within_its_memory() -> None:
    # CHUNK_MEMORY (96 MiB) holds 37,560 draws of 335 values: no stretch. Of 2,000 values, 6,291 draws: under
    # FULL_BATCH (32,768), so up to 3 x 96 MiB: 18,874 draws. Of 300 values, 41,943 draws: as they are; of 1,000,
    # 12,582, stretched to 32,768 (within 3 x 96 MiB's 37,748).
    from barnetmodel.engine.simulate import BATCH_STRETCH, CHUNK_MEMORY, FULL_BATCH, _within_memory, batch_memory

    assert (CHUNK_MEMORY, FULL_BATCH, BATCH_STRETCH) == (96 << 20, 32_768, 3)
    assert _within_memory(335) == 37_560 and batch_memory(335) == CHUNK_MEMORY
    assert _within_memory(2_000) == 18_874 and batch_memory(2_000) == 3 * CHUNK_MEMORY
    assert _within_memory(300) == 41_943
    assert _within_memory(1_000) == 32_768
    assert _within_memory(10**6) == 256  # LEAST_DRAWS
