"""How many draws: one limit for the file and the command line, what fits the documented 1 GiB, refused
above it with exit code 2; and nothing is made per draw before the work starts."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.engine.sampling import CHUNK, chunk_sizes
from barnetmodel.limits import MAX_DRAWS
from conftest import MINIMAL

runner = CliRunner()
COUNCIL = "scenarios/one_barnet_council_case.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("draws", [str(MAX_DRAWS + 1), "1000000000000", "1e20", "200000000", "-1"])
@pytest.mark.parametrize("command", ["run", "report", "plot", "compare"])
def test_too_many_draws_on_the_command_line(command: str, draws: str, tmp_path: Path) -> None:
    args = {"compare": [COUNCIL, COUNCIL], "plot": [COUNCIL, "-o", str(tmp_path / "p.svg")]}
    code, output = invoke(command, *args.get(command, [COUNCIL]), "--draws", draws)
    assert code == 2
    assert "--draws" in output
    assert not list(tmp_path.iterdir())


def test_too_many_draws_in_a_file(write: Callable[..., Path]) -> None:
    path = write(MINIMAL + f"uncertainty: {{draws: {MAX_DRAWS + 1}}}\n")
    code, output = invoke("validate", str(path))
    assert code == 2
    assert f"uncertainty.draws: should be less than or equal to {MAX_DRAWS}" in output


def test_the_limit_fits_the_scenario(write: Callable[..., Path]) -> None:
    """Each figure with a distribution keeps 8 bytes a draw: a scenario with many options and targets fits
    fewer draws in the same memory, and is told how many."""
    from barnetmodel.engine.simulate import most_draws
    from barnetmodel.scenario.load import load

    options = "".join(
        f"  o{i}:\n    title: O{i}\n    lines:\n      - {{name: L, annual: {i + 1}}}\n" for i in range(30)
    )
    targets = "".join(f"  - {{name: T{i}, amount: 1, by: 2013}}\n" for i in range(10))
    text = MINIMAL.replace("options:\n", "options:\n" + options).replace(
        "baseline:", "targets:\n" + targets + "baseline:"
    )
    path = write(text)
    limit = most_draws(load(str(path)).scenario)
    assert 100_000 < limit < MAX_DRAWS
    code, output = invoke("run", str(path), "--draws", str(limit + 1))
    assert code == 2
    assert f"at most {limit:,} draws fit" in output
    assert most_draws(load(COUNCIL).scenario) == MAX_DRAWS  # the published scenarios reach the full limit


def test_chunk_sizes_of_many_draws_make_no_array_of_every_draw() -> None:
    tracemalloc.start()
    try:
        sizes = chunk_sizes(2**33)  # an arange of every draw would take 64 GiB
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
    assert sum(sizes) == 2**33 and max(sizes) <= CHUNK and max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("draws", [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 1_000_000, MAX_DRAWS])
def test_chunk_sizes_are_numpys_near_equal_split(draws: int) -> None:
    count = -(-draws // CHUNK)
    assert chunk_sizes(draws) == [len(part) for part in np.array_split(np.arange(draws), count)]
