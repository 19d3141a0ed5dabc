"""Values no draw changes, made once for a Monte Carlo run's chunks (Inputs.fixed): the same figures, bit for bit,
as making them in every chunk; kept read-only; nothing kept from a chunk of one draw, where one row is a draw."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from barnetmodel.engine import simulate as simulate_module
from barnetmodel.engine.projection import Inputs, project
from barnetmodel.engine.sampling import Sampler
from barnetmodel.engine.simulate import simulate, summarise_simulation
from barnetmodel.scenario.load import load
from barnetmodel.scenario.paths import input_path
from conftest import ROOT

# Named inputs (fixed and drawn), formulas of both, ramps of named inputs, contract mechanics.
COUNCIL = ROOT / "scenarios" / "one_barnet_council_case.yaml"
CONTRACTS = ROOT / "benchmarks" / "contracts.yaml"


def _weighted(scenario: object, inputs: Inputs) -> list[np.ndarray]:
    projection = project(scenario, inputs)  # type: ignore[arg-type]
    weights = np.column_stack([np.ones(projection.years.size), projection.discount_factor])
    return [np.array(total) for basis in ("nominal", "real") for total in projection.weighted(basis, weights).values()]


@pytest.mark.parametrize("path", [COUNCIL, CONTRACTS])
def test_chunks_sharing_fixed_values_give_the_figures_of_chunks_that_make_their_own(path: object) -> None:
    scenario = load(str(path), allow_extends_outside=True).scenario
    sampler = Sampler(scenario, 7, "monte_carlo")
    fixed: dict[object, np.ndarray] = {}
    for draws in (500, 300):  # the second chunk takes what the first kept
        drawn = sampler.draw(draws)
        alone = _weighted(scenario, drawn)
        shared = _weighted(scenario, replace(drawn, fixed=fixed))
        for a, b in zip(alone, shared, strict=True):
            np.testing.assert_array_equal(a, b)  # bit for bit
    assert fixed  # something was kept: formulas of fixed inputs, fixed numbers, ramps
    for value in fixed.values():
        assert value.shape[0] == 1 and not value.flags.writeable
    # A formula of a drawn input differs between draws: never kept. staff_cost-like formulas of fixed ones are.
    drawn_paths = set(sampler.draw(2).values)
    assert not drawn_paths & set(fixed)


def test_a_chunk_of_one_draw_keeps_nothing() -> None:
    # In a chunk of one draw, a formula of a drawn input is one row too: kept, the next chunks would all take
    # the first chunk's draw. So a chunk of one draw keeps nothing (and may use what others kept, which no draw
    # changes).
    scenario = load(str(COUNCIL)).scenario
    fixed: dict[object, np.ndarray] = {}
    one = replace(Sampler(scenario, 7, "monte_carlo").draw(1), fixed=fixed)
    project(scenario, one)
    assert fixed == {}
    many = replace(Sampler(scenario, 7, "monte_carlo").draw(2), fixed=fixed)
    project(scenario, many)
    assert fixed and all(value.shape[0] == 1 for value in fixed.values())


def test_named_values_kept_are_those_no_draw_changes() -> None:
    scenario = load(str(COUNCIL)).scenario
    fixed: dict[object, np.ndarray] = {}
    drawn = replace(Sampler(scenario, 7, "monte_carlo").draw(50), fixed=fixed)
    named = project(scenario, drawn).inputs.named
    for name, value in named.items():
        assert (input_path(name) in fixed) == (value.shape[0] == 1)


def test_a_run_whose_batches_share_fixed_values_gives_the_figures_of_batches_that_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chunks of 205 draws (1,025 draws in chunks of at most 256), each a batch, evaluated in slices of at most
    # 128: the figures the same, bit for bit, as the same run with each batch making all its own values.
    from barnetmodel.engine import sampling as sampling_module

    scenario = load(str(COUNCIL)).scenario
    monkeypatch.setattr(sampling_module, "CHUNK", 256)
    monkeypatch.setattr(simulate_module, "batch_draws", lambda s: (128, 128))
    shared = summarise_simulation(simulate(scenario, 4 * 256 + 1, 3, "monte_carlo"))

    made = simulate_module._run_batch

    def without_sharing(*args: object) -> int:
        mine = list(args)
        mine[6] = {}  # a fresh Inputs.fixed each batch
        return made(*mine)  # type: ignore[arg-type]

    monkeypatch.setattr(simulate_module, "_run_batch", without_sharing)
    alone = summarise_simulation(simulate(scenario, 4 * 256 + 1, 3, "monte_carlo"))
    assert shared == alone
