"""`barnetmodel validate`: every problem of every file at once, located; fast to start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, SCENARIOS

runner = CliRunner()

# Problems of every kind in one file: pydantic's (a negative amount, a misspelt key) and the
# cross-field checks' (a year outside the horizon, an unknown source, a share of a missing line).
MANY_PROBLEMS = """\
title: Many problems
horizon: {start: 2013, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
sources: {budget: Budget book}
targets:
  - {name: late, amount: 1, by: 2030}
  - {name: negative, amount: -1}
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10, source: budgt}
      - {name: Office, anual: 2}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 8, from: 2010}
      - {name: Client side, share_of: Contrat, rate: 0.02}
"""


def test_valid_files_exit_0() -> None:
    result = runner.invoke(app, ["validate", *map(str, SCENARIOS)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{path}: valid" for path in SCENARIOS]


def test_every_problem_in_every_file_at_once(write: Callable[..., Path]) -> None:
    bad = write(MANY_PROBLEMS, "bad.yaml")
    good = write(MINIMAL, "good.yaml")
    broken = write("title: [unclosed\n", "broken.yaml")
    result = runner.invoke(app, ["validate", str(bad), str(good), str(broken), "missing.yaml"])
    assert result.exit_code == 2
    assert result.stdout == f"{good}: valid\n"
    assert result.stderr.splitlines() == [
        f"{bad}:7:33: targets[0].by: year 2030 is outside the horizon 2013-2015",
        f"{bad}:8:30: targets[1].amount: should be greater than 0, not -1",
        f"{bad}:13:43: options.in_house.lines[0].source: 'budgt' is not a key of `sources`; did you mean 'budget'?",
        f"{bad}:14:24: options.in_house.lines[1].anual: unknown key 'anual'; did you mean 'annual'?",
        f"{bad}:18:43: options.outsource.lines[0].from: year 2010 is outside the horizon 2013-2015",
        f"{bad}:19:39: options.outsource.lines[1].share_of: no line of this option is called 'Contrat'; did you mean 'Contract'?",
        f"{broken}:2:1: invalid YAML: while parsing a flow sequence expected ',' or ']', but got '<stream end>'",
        "missing.yaml: no such file",
        "problems in 3 of 4 files",
    ]


def test_checks_skip_what_follows_from_a_refused_part(write: Callable[..., Path]) -> None:
    # The horizon is refused, so no year can be said to be outside it; the sources are refused,
    # so no citation can be said to be unknown; the line with a bad amount is not checked again.
    text = MANY_PROBLEMS.replace("years: 3", "years: 0").replace("sources: {budget: Budget book}", "sources: [budget]")
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 2
    messages = [line.split(": ", 2)[1:] for line in result.stderr.splitlines()[:-1]]
    assert [path for path, _ in messages] == [
        "horizon.years",
        "sources",
        "targets[1].amount",
        "options.in_house.lines[1].anual",
        "options.outsource.lines[1].share_of",
    ]


def test_a_misspelt_baseline_with_other_problems(write: Callable[..., Path]) -> None:
    text = MINIMAL.replace("baseline: in_house", "baseline: in_hose").replace("annual: 8", "annual: x")
    result = runner.invoke(app, ["validate", str(write(text))])
    assert [line.split(": ")[1] for line in result.stderr.splitlines()[:-1]] == [
        "baseline",
        "options.outsource.lines[0].annual",
    ]
    assert "no option is called 'in_hose'; did you mean 'in_house'?" in result.stderr


def test_no_file_is_a_usage_error() -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 2


def test_validate_does_not_import_numpy(tmp_path: Path) -> None:
    # Start-up time: validating a file without formulas reads YAML and pydantic models only. (A file with
    # formulas, as every shipped scenario now has, is checked by working them out, with numpy.)
    plain = tmp_path / "plain.yaml"
    plain.write_text(MINIMAL, encoding="utf-8")
    code = (
        "import sys; from barnetmodel.cli.app import app; from typer.testing import CliRunner; "
        f"r = CliRunner().invoke(app, ['validate', {str(plain)!r}]); "
        "print(r.exit_code, 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False"]
