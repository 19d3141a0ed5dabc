"""Numbers that overflow, ramps that mix drawn and plain steps, correlations the sampler cannot use, and
standard output that cannot be written: a clear error (exit 2) or a correct result, never a traceback,
never inf or NaN in an output."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.engine.projection import Inputs, project
from barnetmodel.scenario.models import Scenario
from conftest import ROOT

runner = CliRunner()
COUNCIL = "scenarios/one_barnet_council_case.yaml"


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def finite(data: Any) -> bool:
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, dict):
        return all(finite(v) for v in data.values())
    if isinstance(data, list):
        return all(finite(v) for v in data)
    return True


@pytest.mark.parametrize(
    "value, words",
    [
        ("{lognormal: {median: 10, sigma: 40}}", "the mean of this lognormal distribution overflows"),
        ("{normal: {mean: 1, sd: 1.0e+308}}", "the spread of this normal distribution overflows"),
        ("{uniform: {low: -1.0e+308, high: 1.7e+308}}", "the spread of this uniform distribution overflows"),
        ("{pert: {low: -1.0e+308, mode: 0, high: 1.0e+308}}", "the spread of this pert distribution overflows"),
        ("{choice: {values: [-1.0e+308, 1.0e+308], probabilities: [0.5, 0.5]}}", "the spread of this choice"),
    ],
)
def test_a_distribution_that_overflows_is_refused_at_validation(value: str, words: str) -> None:
    setting = f"options.in_house.lines[1].annual={value}"
    for command in ("validate", "run", "sensitivity"):
        result = invoke(command, COUNCIL, "--set", setting)
        assert result.exit_code == 2, (command, result.output)
        assert words in result.stderr


@pytest.mark.parametrize("value", ["1.0e+308", "1.5e+307", "5.0e+298"])
@pytest.mark.parametrize("command", ["sensitivity", "report", "plot"])
def test_sensitivity_that_overflows_names_the_input(command: str, value: str, tmp_path: Path) -> None:
    """1e308 overflows the run; 1.5e307 ran, then crashed report and the tornado chart (its figures, though
    finite, spanned more than a float holds); 5e298 keeps every figure reported within ±1e300, and works."""
    setting = f"options.in_house.lines[0].annual={value}"
    args = {"plot": ["-o", str(tmp_path / "t.svg"), "--chart", "tornado"], "sensitivity": ["-f", "json"]}
    result = invoke(command, COUNCIL, "--set", setting, *args.get(command, ["-o", str(tmp_path / "r.html")]))
    if value == "5.0e+298":
        assert result.exit_code == 0, result.output
        assert command != "sensitivity" or finite(json.loads(result.stdout))
        return
    assert result.exit_code == 2, result.output
    assert "the line 'CSG staff' of in_house" in result.stderr and "overflow" in result.stderr
    assert "RuntimeWarning" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_sensitivity_that_overflows_names_the_input_it_moved() -> None:
    from barnetmodel.analysis.sensitivity import analyse_sensitivity, check_finite
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.load import load

    scenario = load(str(ROOT / COUNCIL)).scenario
    result = analyse_sensitivity(scenario, percent=10)
    check_finite(result, COUNCIL)  # as it is: nothing to say
    # The council case's inputs are named (csg_contract, ...): the message gives the label and the name (a
    # number in place would give its path, options....).
    i = 1
    row = result["tornado"][i]
    result["tornado"][i]["saving_at_high"] = math.inf
    with pytest.raises(ScenarioError, match=re.escape(f"moving {row['label']} ({row['input']}) over its range")):
        check_finite(result, COUNCIL)
    result["tornado"][i]["saving_at_high"] = 2e300
    with pytest.raises(ScenarioError, match=rf"tornado\[{i}\].saving_at_high is beyond ±1e\+300"):
        check_finite(result, COUNCIL)


def test_sensitivity_table_never_shows_inf() -> None:
    result = invoke("sensitivity", COUNCIL, "--set", "options.in_house.lines[0].annual=1.0e+308")
    assert "inf" not in result.stdout
    assert result.exit_code == 2


def test_a_400_digit_number_in_a_test_file(tmp_path: Path) -> None:
    test_file = tmp_path / "t.yaml"
    big = "9" * 400
    test_file.write_text(
        f"name: big\nscenario: {ROOT / COUNCIL}\noutputs: {{horizon.end: {big}}}\nabsolute_error_margin: {big}\n",
        encoding="utf-8",
    )
    result = invoke("test", str(test_file))
    assert result.exit_code == 2
    assert "outputs['horizon.end']: this number is too large for a 64-bit float" in result.stderr


# A ramp of a drawn step and a plain number: (draws, 1) and (1, 1) steps side by side.
MIXED_RAMP = "options.in_house.lines[1].ramp=[{uniform: {low: 0, high: 1}}, 0.5]"


@pytest.mark.parametrize(
    "args",
    [
        ["run", COUNCIL, "-f", "json", "--draws", "1000"],
        ["run", COUNCIL, "-f", "json", "--draws", "1000", "--sampling", "latin_hypercube"],
        ["sensitivity", COUNCIL, "-f", "json"],
        ["report", COUNCIL, "--draws", "200"],
        ["plot", COUNCIL, "--chart", "tornado", "-o", "{tmp}/t.svg"],
        ["compare", COUNCIL, COUNCIL, "-f", "json", "--draws", "200"],
    ],
    ids=["run", "run lhs", "sensitivity", "report", "plot", "compare"],
)
def test_a_ramp_mixing_a_drawn_step_and_a_number_works_everywhere(args: list[str], tmp_path: Path) -> None:
    result = invoke(*(a.replace("{tmp}", str(tmp_path)) for a in args), "--set", MIXED_RAMP)
    assert result.exit_code == 0, result.output


def test_a_mixed_ramp_draw_by_draw_as_worked_by_hand() -> None:
    scenario = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 4},
            "money": {"inflation": 0.02, "discount": 0.035},
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "Staff", "annual": 10.0}]},
                "outsource": {
                    "title": "Out",
                    "lines": [{"name": "a", "annual": 8.0, "ramp": [{"uniform": {"low": 0, "high": 1}}, 0.5]}],
                },
            },
        }
    )
    first_step = ("options", "outsource", "lines", "a", "ramp", 0)
    costs = project(scenario, Inputs(draws=3, values={first_step: np.array([0.0, 0.25, 1.0])})).cost("outsource")
    # year 1: 8 x the drawn step; year 2: 8 x 0.5 = 4; after the ramp, the full 8.
    np.testing.assert_array_equal(costs, [[0.0, 4.0, 8.0, 8.0], [2.0, 4.0, 8.0, 8.0], [8.0, 4.0, 8.0, 8.0]])


# Rank correlations whose rank matrix is valid (eigenvalue 1 - 2 x 0.49 = 0.02) but whose normal-score
# matrix, 2 sin(pi r / 6) = -0.5075 off the diagonal, is not (1 - 2 x 0.5075 < 0): the sampler factorises that.
CONTRADICTORY = """\
title: Three correlated inputs
horizon: {start: 2013, years: 3}
money: {inflation: {uniform: {low: 0.01, high: 0.03}}, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: A, annual: {uniform: {low: 9, high: 11}}}
  outsource:
    title: Outsourced
    lines:
      - {name: B, annual: {uniform: {low: 7, high: 9}}}
uncertainty:
  draws: 1000
  correlations:
    - {between: [options.in_house.lines.A.annual, options.outsource.lines.B.annual], rank: -0.49}
    - {between: [options.in_house.lines.A.annual, money.inflation], rank: -0.49}
    - {between: [options.outsource.lines.B.annual, money.inflation], rank: -0.49}
"""


def test_correlations_are_checked_as_the_sampler_uses_them(write: Callable[..., Path]) -> None:
    path = write(CONTRADICTORY)
    for command in ("validate", "run"):
        result = invoke(command, str(path))
        assert result.exit_code == 2, result.output
        assert "not positive definite" in result.stderr and "2 sin(pi r / 6)" in result.stderr
    fine = write(CONTRADICTORY.replace("rank: -0.49", "rank: -0.45"), "fine.yaml")  # 2 sin(-0.45 pi/6) = -0.4669
    assert invoke("run", str(fine), "-f", "json").exit_code == 0


def _pipe_run(args: list[str], stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barnetmodel", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.mark.parametrize("args", [["run", COUNCIL, "-f", "json"], ["run", COUNCIL], ["validate", COUNCIL]])
def test_standard_output_on_a_full_disk(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _pipe_run(args, full.fileno())
    assert done.returncode == 2, done.stderr
    assert "cannot write the output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.parametrize("args", [["run", COUNCIL, "-f", "json"], ["run", COUNCIL], ["test", "scenarios/tests"]])
def test_a_closed_pipe_ends_the_command_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a byte is written: every write finds the pipe closed
    try:
        done = _pipe_run(args, write)
    finally:
        os.close(write)
    assert done.returncode == -signal.SIGPIPE, done.stderr  # killed by SIGPIPE as other tools are; never 1
    assert done.stderr == ""
