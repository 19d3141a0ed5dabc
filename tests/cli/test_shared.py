"""What the commands share (cli/shared.py): here, an --output that cannot be written is refused before the work."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app

runner = CliRunner()

# Each command that writes --output; the scenario does not exist, so an answer about the output shows that the
# output was judged first (before the scenario was read, the draws drawn or the report made).
COMMANDS = {
    "run": ["run", "missing.yaml", "-f", "json"],
    "sensitivity": ["sensitivity", "missing.yaml"],
    "compare": ["compare", "missing.yaml", "other.yaml"],
    "report": ["report", "missing.yaml"],
    "plot": ["plot", "missing.yaml"],
    "audit": ["audit", "missing.yaml", "payments", "--supplier", "Capita"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_in_a_missing_folder_is_refused_before_the_work(command: str, tmp_path: Path) -> None:
    """A fresh CI checkout has no results/ folder: `run -n 1000000 -o results/x.json` drew every draw and then
    said it could not write."""
    output = tmp_path / "results" / ("x.svg" if command == "plot" else "x.out")
    result = runner.invoke(app, [*COMMANDS[command], "-o", str(output)])
    assert result.exit_code == 2
    assert f"{output}: cannot write: no such folder" in result.stderr
    assert "missing.yaml" not in result.stderr


@pytest.mark.parametrize(("where", "message"), [("", "--output: the file name is empty"), (".", "is a directory")])
def test_an_output_that_is_no_file_is_refused_before_the_work(where: str, message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "missing.yaml", "-o", str(tmp_path / where) if where else ""])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "missing.yaml" not in result.stderr


def test_shell_completion_says_nothing_of_an_output_that_cannot_be_written(tmp_path: Path) -> None:
    words = ["barnetmodel", "run", "scenario.yaml", "-o", str(tmp_path / "no" / "x.json"), "--form"]
    result = runner.invoke(
        app,
        [],
        prog_name="barnetmodel",
        env={"_BARNETMODEL_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(words), "COMP_CWORD": "5"},
    )
    assert result.exit_code == 0, result.output
    assert "--format" in result.stdout
    assert result.stderr == ""  # nothing printed over the line being typed
