"""The command line: formats, files written whole, reproducible output, the version."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from barnetmodel import __version__
from barnetmodel.cli.app import app
from barnetmodel.output import table_out
from conftest import MINIMAL, ROOT

runner = CliRunner()
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"barnetmodel {__version__}"


def test_python_dash_m() -> None:
    done = subprocess.run([sys.executable, "-m", "barnetmodel", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.strip() == f"barnetmodel {__version__}"


def test_json_is_byte_identical_across_runs_and_carries_provenance() -> None:
    first = runner.invoke(app, ["run", COUNCIL, "--format", "json"])
    second = runner.invoke(app, ["run", COUNCIL, "--format", "json"])
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["tool"]["version"] == __version__
    assert data["scenario"]["title"].startswith("One Barnet")
    assert len(data["scenario"]["sha256"]) == 64


def test_input_hash_changes_with_the_input(write: Callable[[str], Path]) -> None:
    a = json.loads(runner.invoke(app, ["run", str(write(MINIMAL, "a.yaml")), "-f", "json"]).stdout)
    b = json.loads(runner.invoke(app, ["run", str(write(MINIMAL + "# changed\n", "b.yaml")), "-f", "json"]).stdout)
    assert a["scenario"]["sha256"] != b["scenario"]["sha256"]


def test_table_shows_header_comparison_targets_and_years() -> None:
    result = runner.invoke(app, ["run", COUNCIL])
    assert result.exit_code == 0
    for text in ("One Barnet", "Green Book", "Options over the horizon", "Targets", "Year by year", "2022/23"):
        assert text in result.stdout


def test_table_is_readable_at_80_columns() -> None:
    data = json.loads(runner.invoke(app, ["run", COUNCIL, "-f", "json"]).stdout)
    buffer = io.StringIO()
    table_out.show(data, Console(file=buffer, width=80, no_color=True))
    lines = buffer.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    # Figures are not wrapped: the in-house total stands whole on one line.
    assert any("585.4" in line and "530.0" in line for line in lines)


def test_table_and_json_agree() -> None:
    data = json.loads(runner.invoke(app, ["run", COUNCIL, "-f", "json"]).stdout)
    table = runner.invoke(app, ["run", COUNCIL]).stdout
    outsource = next(o for o in data["options"] if o["name"] == "outsource")
    assert f"{outsource['total_saving']['present_value']:,.1f}" in table


def test_csv_has_a_row_per_option_and_year_and_a_total() -> None:
    result = runner.invoke(app, ["run", COUNCIL, "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 * 12  # eleven years (2013/14 to 2023/24) and a total, for each of two options
    total = next(r for r in rows if r["option"] == "outsource" and r["year"] == "total")
    yearly = [float(r["saving_nominal"]) for r in rows if r["option"] == "outsource" and r["year"] != "total"]
    assert float(total["saving_nominal"]) == pytest.approx(sum(yearly))
    assert rows[0]["unit"] == "£m" and rows[0]["price_base"] == "2013"


def test_csv_with_draws_says_where_the_uncertainty_figures_are(write: Callable[..., Path]) -> None:
    # The CSV is the central run's rows: with draws it is the same, and standard error says so.
    scenario = str(write(MINIMAL.replace("annual: 8}", "annual: {triangular: {low: 7, mode: 8, high: 10}}}")))
    plain = runner.invoke(app, ["run", scenario, "-f", "csv"])
    drawn = runner.invoke(app, ["run", scenario, "-f", "csv", "--draws", "2000"])
    assert drawn.exit_code == 0 and drawn.stdout == plain.stdout
    assert plain.stderr == ""
    assert drawn.stderr == (
        "note: the CSV holds the central run only; the uncertainty figures of the 2,000 draws are in "
        "--format json, markdown, table or xlsx\n"
    )
    assert runner.invoke(app, ["run", scenario, "-f", "json", "--draws", "2000"]).stderr == ""


def test_markdown_has_the_tables() -> None:
    result = runner.invoke(app, ["run", COUNCIL, "-f", "markdown"])
    assert result.stdout.startswith("# One Barnet")
    assert "| Option | Cost nominal |" in result.stdout
    assert "## Targets" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_output_file_is_written_whole(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(app, ["run", COUNCIL, "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "One Barnet" in text or fmt == "csv"
    assert "\x1b[" not in text  # no colour codes in files
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_output_to_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", COUNCIL, "-f", "json", "-o", str(tmp_path / "no" / "out.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["run", COUNCIL, "-f", "xml"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "command",
    [
        ["run", "{child}", "-f", "csv", "-o", "{parent}"],
        ["run", "{child}", "-o", "{child}"],
        ["sensitivity", "{child}", "-o", "{parent}"],
        ["compare", "{parent}", "{child}", "-o", "{child}"],
        ["report", "{child}", "-o", "{parent}"],
    ],
)
def test_no_command_writes_over_a_file_it_read(command: list[str], write: Callable[[str], Path]) -> None:
    parent = write(MINIMAL, "parent.yaml")
    child = write("extends: parent.yaml\ntitle: Child\n", "child.yaml")
    before = {p: p.read_bytes() for p in (parent, child)}
    args = [a.format(parent=parent, child=child) for a in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "is an input" in result.stderr and "the output is not written over it" in result.stderr
    assert {p: p.read_bytes() for p in (parent, child)} == before


def test_discount_factor_column_names_the_schedule_used(write: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["run", str(write(MINIMAL)), "-f", "markdown"])
    assert "DF: discount factor, Constant real rate of 3.5000% a year." in result.stdout
