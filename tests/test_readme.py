"""The README's examples are run, so they never go stale."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli import app
from barnetmodel.load import load
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def console_examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ barnetmodel ...` in a console block."""
    examples = []
    for block in blocks("console"):
        for chunk in block.split("$ ")[1:]:
            command, *expected = chunk.splitlines()
            examples.append((command, [line for line in expected if line.strip()]))
    return examples


def test_readme_has_examples() -> None:
    assert len(console_examples()) >= 2
    assert len(blocks("yaml")) >= 1


@pytest.mark.parametrize("command, expected", console_examples(), ids=lambda x: x if isinstance(x, str) else "")
def test_console_example(command: str, expected: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    program, *args = shlex.split(command)
    assert program == "barnetmodel"
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    for line in expected:
        assert line.rstrip() in lines, f"README line not in output: {line}"


def test_walkthrough_scenario_runs_and_its_typo_gives_the_error_shown(tmp_path: Path) -> None:
    (walkthrough,) = [b for b in blocks("yaml") if b.startswith("title:")]
    path = tmp_path / "payroll.yaml"
    path.write_text(walkthrough, encoding="utf-8")
    scenario = load(str(path)).scenario
    assert scenario.options["outsource"].lines[2].once == 2024
    assert runner.invoke(app, ["run", str(path)]).exit_code == 0

    path.write_text(walkthrough.replace("  inflation:", "  inflaton:"), encoding="utf-8")
    (shown,) = [b for b in blocks("text") if "inflaton" in b]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["run", "payroll.yaml"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [shown.strip()]  # the misspelling only, not also "missing"


def test_growth_example_in_conventions(tmp_path: Path) -> None:
    # "annual: 10, growth: 0.05 with price_base: 2013 is 10 in 2013/14 and 10.5 in 2014/15"
    assert "10 in 2013/14 and\n  10.5 in 2014/15" in README


def test_extends_example_runs_beside_the_council_case(tmp_path: Path) -> None:
    (example,) = [b for b in blocks("yaml") if b.startswith("extends:")]
    council = (ROOT / "scenarios" / "one_barnet_council_case.yaml").read_text(encoding="utf-8")
    (tmp_path / "one_barnet_council_case.yaml").write_text(council, encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(example, encoding="utf-8")
    scenario = load(str(tmp_path / "mine.yaml")).scenario
    names = [line.name for line in scenario.options["outsource"].lines]
    assert names[-1] == "Extra charges and variations"
    assert scenario.options["outsource"].risks[0].probability == 0.25
