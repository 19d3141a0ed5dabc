"""The examples of the README and of every page in docs/ are run, so they never go stale."""

from __future__ import annotations

import glob
import os
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.load import load
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
# Everything a user reads: the README first, then each page of docs/.
DOCUMENTS = "\n".join([README, *PAGES.values()])
runner = CliRunner()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCUMENTS, flags=re.DOTALL)


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
        assert line.rstrip() in lines, f"documented line not in output: {line}"


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
    assert "10 in 2013/14 and\n  10.5 in 2014/15" in PAGES["conventions.md"]


def test_extends_example_runs_beside_the_council_case(tmp_path: Path) -> None:
    (example,) = [b for b in blocks("yaml") if b.startswith("extends:")]
    council = (ROOT / "scenarios" / "one_barnet_council_case.yaml").read_text(encoding="utf-8")
    (tmp_path / "one_barnet_council_case.yaml").write_text(council, encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(example, encoding="utf-8")
    scenario = load(str(tmp_path / "mine.yaml")).scenario
    names = [line.name for line in scenario.options["outsource"].lines]
    assert names[-1] == "Extra charges and variations"
    assert scenario.options["outsource"].risks[0].probability == 0.25


def test_the_scenario_test_example_passes_and_its_failure_reads_as_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (example,) = [b for b in blocks("yaml") if "- name: headline figures" in b]
    (shown,) = [b.strip() for b in blocks("text") if ": test 'headline figures': output" in b]
    tests = tmp_path / "scenarios" / "tests"
    tests.mkdir(parents=True)
    council = "one_barnet_council_case.yaml"
    (tmp_path / "scenarios" / council).write_text((ROOT / "scenarios" / council).read_text("utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    (tests / council).write_text(example, encoding="utf-8")
    assert runner.invoke(app, ["test", "scenarios/tests"]).exit_code == 0
    (tests / council).write_text(example.replace(": 116.11", ": 170"), encoding="utf-8")
    result = runner.invoke(app, ["test", "scenarios/tests"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == shown


def ci_commands() -> list[str]:
    """Every `barnetmodel ...` command of the CI section's shell and YAML snippets."""
    section = PAGES["ci-and-tests.md"].split("## Using barnetmodel in CI")[1].split("\n## ")[0]
    snippets = re.findall(r"```(?:sh|yaml)\n(.*?)```", section, flags=re.DOTALL)
    found = re.findall(r"^\s*(?:- (?:run: )?)?(barnetmodel .*)$", "\n".join(snippets), flags=re.MULTILINE)
    return list(dict.fromkeys(found))


def test_ci_section_has_both_commands() -> None:
    assert ci_commands() == [
        "barnetmodel validate --strict scenarios/*.yaml",
        "barnetmodel test scenarios/tests/ --junit-xml report.xml",
    ]


@pytest.mark.parametrize("command", ci_commands())
def test_ci_commands_pass_on_this_repository(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, *args = shlex.split(command)
    # The shell expands the glob in CI; the report goes to a temporary folder here.
    expanded = [p for a in args for p in (sorted(glob.glob(a)) if "*" in a else [a])]
    expanded = [str(tmp_path / a) if a == "report.xml" else a for a in expanded]
    result = runner.invoke(app, expanded)
    assert result.exit_code == 0, result.output
    if "--junit-xml" in args:
        assert ET.parse(tmp_path / "report.xml").getroot().get("failures") == "0"


def test_inputs_page_example_gives_the_figures_it_states(tmp_path: Path) -> None:
    page = PAGES["inputs-and-formulas.md"]
    example = page.split("## An example")[1].split("```yaml\n")[1].split("```")[0]
    # The page shows the inputs and the lines that use them; the rest of a file around them:
    whole = (
        "title: t\nsources: {seed-000: s, judgement: j}\nhorizon: {start: 2013, years: 3}\n"
        "money: {inflation: 0.0, discount: 0.0}\nbaseline: in_house\n"
        + example.replace("  in_house:\n", "  in_house:\n    title: In-house\n").replace(
            "  outsource:\n", "  outsource:\n    title: Outsourced\n"
        )
    )
    path = tmp_path / "example.yaml"
    path.write_text(whole, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    import json

    options = json.loads(result.stdout)["options"]
    staff = options[0]["lines"][0]["nominal"]
    # "staff_cost is 514 x 0.031333 x 1.29 = 20.776 ..., grown by pay_award's mean, 1.1667% a year"
    assert "514 x 0.031333 x 1.29 = 20.776" in page and "1.1667% a year" in page
    assert round(staff[0], 3) == 20.776
    assert round((staff[1] / staff[0] - 1) * 100, 4) == 1.1667
    # "the redundancy line is 175 x 0.025 = 4.375 in 2013/14"
    assert "175 x 0.025 = 4.375 in 2013/14" in page
    assert options[1]["lines"][0]["nominal"][0] == 4.375
    # The variances of a total over 5 years quoted for draw: yearly are worked out in tests/engine/test_yearly_draws.py.
    assert "over 5 years with sd 1, 25, 5 and 11.125" in page
