"""Terminal tables at 60, 80 and 120 columns: a figure is never cut or dropped. Labels wrap, and a
table too wide for the terminal is split into stacked tables that repeat its first column."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT, SCENARIOS

runner = CliRunner()
WIDTHS = (60, 80, 120)
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
CRITICS = str(ROOT / "scenarios" / "critics_stress.yaml")


def numbers(text: str) -> Counter[str]:
    """Every number written in `text`, as written, with how often."""
    return Counter(NUMBER.findall(text))


def invoke(args: list[str], width: int | None = None) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width)} if width else {})
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_whole(table: str, markdown: str, width: int) -> None:
    """Every number of the Markdown (the same figures, rounded the same way) is in the table as often, and
    no line of the table is wider than the terminal."""
    missing = numbers(markdown) - numbers(table)
    assert not missing, f"at {width} columns the table drops or cuts {sorted(missing)}"
    assert max(len(line) for line in table.splitlines()) <= width


def money(value: float) -> str:
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def run_figures(results: dict[str, Any]) -> Iterator[str]:
    """The figures of `run`'s JSON that its tables show, rounded as the tables round them, worked out from
    the JSON alone (not from the code that makes the tables)."""
    for option in results["options"]:
        yield from (money(option["total_cost"][b]) for b in ("nominal", "real", "present_value"))
        if not option["is_baseline"]:
            yield from (money(option["total_saving"][b]) for b in ("nominal", "present_value"))
            yield from (money(v) for v in option["yearly"]["cumulative_saving_nominal"])
        yield from (money(v) for v in option["yearly"]["cost_nominal"])
        for risk in option["risks"]:
            yield f"{risk['probability']:.1%}"
            yield money(risk["expected_cost"]["present_value"])
    yield from (f"{factor:.4f}" for factor in results["discount_factor"])
    for target in results["targets"]:
        yield money(target["amount"])
        for result in target["results"]:
            yield from (money(result["achieved"]), f"{result['share_met']:.1%}")
    uncertainty = results.get("uncertainty")
    if uncertainty:
        for option in uncertainty["options"]:
            for key in ("cost_present_value", "saving_present_value"):
                if key in option:
                    yield from (money(option[key][p]) for p in ("mean", "p10", "p50", "p90"))
            yield f"{option['probability_cheapest']:.1%}"
        for target in uncertainty["targets"]:
            yield from (money(target["achieved"][p]) for p in ("mean", "p10", "p90"))
            yield f"{target['probability_met']:.1%}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_run_shows_every_figure_at_every_width(path: Path, width: int) -> None:
    table = invoke(["run", str(path)], width)
    assert_whole(table, invoke(["run", str(path), "-f", "markdown"]), width)
    found = numbers(table)
    results = json.loads(invoke(["run", str(path), "-f", "json"]))
    assert [figure for figure in run_figures(results) if figure not in found] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_run_with_draws_shows_every_figure(width: int) -> None:
    args = ["run", COUNCIL, "--draws", "2000"]
    table = invoke(args, width)
    assert_whole(table, invoke([*args, "-f", "markdown"]), width)
    found = numbers(table)
    assert [figure for figure in run_figures(json.loads(invoke([*args, "-f", "json"]))) if figure not in found] == []


def long_keys(count: int) -> str:
    """MINIMAL with `count` options besides the baseline, each with a 21-character key."""
    text = MINIMAL.replace("  outsource:\n    title: Outsourced\n    lines:\n      - {name: Contract, annual: 8}\n", "")
    for k in range(count):
        key = f"outsource_option_{k:03d}_"[:21]
        assert len(key) == 21
        text += f"  {key}:\n    title: Outsourced to provider {k}\n    lines:\n      - {{name: Contract, annual: {8 + k}}}\n"
    return text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("count", [1, 2], ids=["two options", "three options"])
def test_long_option_keys_keep_every_column(write: Callable[[str], Path], count: int, width: int) -> None:
    path = str(write(long_keys(count)))
    for args in (["run", path], ["run", path, "--draws", "200"], ["sensitivity", path]):
        table = invoke(args, width)
        assert_whole(table, invoke([*args, "-f", "markdown"]), width)
        if args[0] == "sensitivity":
            continue
        # The discount factors whole (3.5%: 1, 1/1.035, 1/1.035^2), never "1.00…"
        assert all(f"{1 / 1.035**t:.4f}" in table for t in range(3)) and "…" not in table
        assert "2013/14" in table and "2015/16" in table


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_shows_every_figure(width: int) -> None:
    args = ["compare", COUNCIL, CRITICS]
    table = invoke(args, width)
    assert_whole(table, invoke([*args, "-f", "markdown"]), width)
    data = json.loads(invoke([*args, "-f", "json"]))
    found = numbers(table)
    for figure in data["figures"]:
        for value in [*figure["values"], *figure["differences"]]:
            if value is None:
                continue
            if figure["unit"] in {"share", "probability"}:
                assert f"{value:.1%}" in found or f"{value * 100:+.1f}" in found, figure["key"]
            else:
                assert money(value) in found or f"{value:+,.1f}" in found, figure["key"]
    difference = next(f for f in data["figures"] if f["key"] == "outsource.saving.present_value")["differences"][0]
    assert f"{difference:+,.1f}" in found  # -119.4: the column the issue found blank


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_of_three_files_with_long_keys(write: Callable[[str, str], Path], width: int) -> None:
    files = [str(write(long_keys(2).replace("annual: 10}", f"annual: {10 + k}}}"), f"s{k}.yaml")) for k in range(3)]
    args = ["compare", *files]
    assert_whole(invoke(args, width), invoke([*args, "-f", "markdown"]), width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_sensitivity_shows_every_figure(path: Path, width: int) -> None:
    args = ["sensitivity", str(path)]
    table = invoke(args, width)
    assert_whole(table, invoke([*args, "-f", "markdown"]), width)
    data = json.loads(invoke([*args, "-f", "json"]))
    found = numbers(table)
    for row in data["tornado"]:
        assert money(row["saving_at_low"]) in found and money(row["saving_at_high"]) in found
    for row in data["switching_values"]:
        for text in (row["central_text"], row["switching_text"] or ""):
            assert numbers(text) <= found, text


WHAT_HAPPENED = str(ROOT / "scenarios" / "what_happened.yaml")  # tables wider than 100 columns if let


def widest_line(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_a_file_of_tables_is_100_columns_wherever_it_is_made(tmp_path: Path) -> None:
    out = tmp_path / "tables.txt"
    for columns in (None, "140", "60"):
        result = runner.invoke(app, ["run", WHAT_HAPPENED, "-o", str(out)], env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        assert widest_line(out.read_text(encoding="utf-8")) == 100


def test_in_a_pipe_tables_are_as_wide_as_the_terminal_else_100(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's standard output is a pipe: COLUMNS first, then the terminal of standard error or input (as
    in `run FILE | less`), else 100; never under 40."""
    import os

    def widest(columns: str | None) -> int:
        result = runner.invoke(app, ["run", WHAT_HAPPENED], env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        return widest_line(result.stdout)

    def no_terminal(descriptor: int) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    assert widest(None) == 100
    assert widest("nonsense") == 100  # not a width: as if unset
    assert 100 < widest("140") <= 140  # as wide as the tables need, within COLUMNS
    assert widest("10") <= 40  # too narrow to be meant: 40
    monkeypatch.setattr(os, "get_terminal_size", lambda descriptor: os.terminal_size((90, 40)))
    assert widest(None) <= 90 and widest("120") > 90
