"""`--help` speaks the user's words (FILE, N, ADDRESS=VALUE), not Python's (<str>, <list[str]>, <bool>); a
wrong choice says what the choices are, without pydantic's "Value error,"; shell completion is on, and
completes commands, options, choices, and the addresses and options of the scenario being typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()
COMMANDS = ["run", "sensitivity", "compare", "audit", "report", "plot", "validate", "test", "schema", "init"]
CRITICS = str(ROOT / "scenarios" / "critics_stress.yaml")
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_types(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    assert not re.findall(r"<(?:str|int|float|bool|list|path)[^>]*>", result.stdout), result.stdout


def test_help_names_what_each_value_is() -> None:
    text = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "140"}).stdout
    for placeholder in ("FILE", "--draws", " N ", "--seed", "SEED", "ADDRESS=VALUE", "--output", "table|json"):
        assert placeholder in text, placeholder
    assert "PATH" in runner.invoke(app, ["test", "--help"], env={"COLUMNS": "140"}).stdout


@pytest.mark.parametrize(
    "args, said",
    [
        (["run", COUNCIL, "--sampling", "latin"], "'latin' is not one of monte_carlo, latin_hypercube"),
        (
            ["run", COUNCIL, "--format", "jsn"],
            "'jsn' is not one of table, json, csv, markdown, xlsx; did you mean 'json'?",
        ),
        (["plot", COUNCIL, "--chart", "tornadoo", "-o", "x.svg"], "did you mean 'tornado'?"),
        (["sensitivity", COUNCIL, "--basis", "pv"], "is not one of nominal, real, present_value"),
        (["schema", "--for", "tests"], "did you mean 'test'?"),
    ],
)
def test_a_wrong_choice_lists_the_choices_without_pydantic_words(args: list[str], said: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Value error" not in result.output
    assert said in " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize("command", ["sensitivity", "compare", "audit"])
def test_only_run_offers_a_workbook(command: str, tmp_path: Path) -> None:
    # --help and completion offer the formats the command takes; xlsx, asked for, is refused saying who makes it.
    text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "140"}).stdout
    assert "table|json|csv|markdown " in text and "xlsx" not in text
    assert complete(f"barnetmodel {command} {COUNCIL} --format ") == ["table", "json", "csv", "markdown"]
    files = {"sensitivity": [COUNCIL], "compare": [COUNCIL, CRITICS], "audit": [COUNCIL, CRITICS, "--supplier", "X"]}
    result = runner.invoke(app, [command, *files[command], "-f", "xlsx", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    said = " ".join(result.stderr.replace("│", " ").split())
    assert "'xlsx' is not one of table, json, csv, markdown; a workbook is made by `barnetmodel run` only" in said
    assert not (tmp_path / "x.xlsx").exists()
    assert "table|json|csv|markdown|xlsx" in runner.invoke(app, ["run", "--help"], env={"COLUMNS": "140"}).stdout
    assert complete(f"barnetmodel run {COUNCIL} --format x") == ["xlsx"]


def complete(words: str) -> list[str]:
    """What bash completion offers for the last word of `words` (a trailing space: a new word)."""
    parts = words.split(" ")
    result = runner.invoke(
        app,
        [],
        prog_name="barnetmodel",
        env={"_BARNETMODEL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)},
    )
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_completion_can_be_installed() -> None:
    text = runner.invoke(app, ["--help"], env={"COLUMNS": "140"}).stdout
    assert "--install-completion" in text and "--show-completion" in text


def test_completion_of_commands_and_choices() -> None:
    assert {"run", "report", "init"} <= set(complete("barnetmodel r")) | set(complete("barnetmodel "))
    assert complete(f"barnetmodel run {COUNCIL} --sampling ") == ["monte_carlo", "latin_hypercube"]
    assert complete(f"barnetmodel run {COUNCIL} --format m") == ["markdown"]


def test_completion_of_addresses_and_options_from_the_scenario() -> None:
    offered = complete(f"barnetmodel run {CRITICS} --set options.outsource.lines.Re")
    assert "'options.outsource.lines.Re new income.annual'=" in offered  # quoted for the shell
    assert all(o.startswith("'options.outsource.lines.Re") for o in offered)
    assert "money.inflation=" in complete(f"barnetmodel run {CRITICS} --set money.")
    assert complete(f"barnetmodel sensitivity {CRITICS} --option ") == ["outsource"]


def test_completion_offers_no_name_with_a_bidirectional_formatting_character(tmp_path: Path) -> None:
    # U+202E in an option's name would reorder the list the shell shows ("Trojan Source"); shown as an escape
    # (\u202e) it would be inserted as a name the file does not have: it is not offered, the others are.
    scenario = tmp_path / "s.yaml"
    scenario.write_text(MINIMAL.replace("\n  outsource:", '\n  "out\u202esource":'), encoding="utf-8")
    assert complete(f"barnetmodel sensitivity {scenario} --option ") == []
    assert complete(f"barnetmodel run {scenario} --set options.out") == []
    assert complete(f"barnetmodel run {scenario} --set options.in")  # the baseline's addresses still are


def test_completion_of_a_file_that_is_not_there_offers_nothing() -> None:
    assert complete("barnetmodel run missing.yaml --set money.") == []
