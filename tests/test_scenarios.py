"""Every published scenario runs, cites its sources, and says what it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.load import load
from conftest import SCENARIOS

runner = CliRunner()


def test_there_are_scenarios() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"one_barnet_council_case", "in_house_improvement", "actually_paid"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_in_every_format(path: Path) -> None:
    for fmt in ("table", "json", "csv", "markdown"):
        result = runner.invoke(app, ["run", str(path), "-f", fmt])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_line_and_target_cites_a_source(path: Path) -> None:
    scenario = load(str(path)).scenario
    for option in scenario.options.values():
        for line in option.lines:
            assert line.source, f"{path.name}: {line.name} has no source"
    for target in scenario.targets:
        assert target.source


def test_council_case_reproduces_the_council_claim() -> None:
    """Contract values plus promised savings and income give back the £164.5m promised (125.4 + 5.3 + 33.8),
    less the expected cost of provider failure: £18m, half recovered, 0.5% a year, at most once."""
    data = json.loads(
        runner.invoke(app, ["run", str(SCENARIOS[0].parent / "one_barnet_council_case.yaml"), "-f", "json"]).stdout
    )
    outsource = next(o for o in data["options"] if o["name"] == "outsource")
    expected_failure = 18 * 0.5 * (1 - 0.995**10)  # P(it happens within ten years) x net cost
    assert outsource["total_saving"]["nominal"] == pytest.approx(125.4 + 5.3 + 33.8 - expected_failure)
    gap = data["targets"][0]["results"][0]
    # One year's saving against the £56m gap: 16.45 less the 2014/15 expected failure cost, 9 x 0.005 x 0.995.
    assert gap["achieved"] == pytest.approx(16.45 - 9 * 0.005 * 0.995)
    assert gap["met"] is False


def test_what_was_paid_adds_up_to_the_reported_total() -> None:
    data = json.loads(runner.invoke(app, ["run", str(SCENARIOS[0].parent / "actually_paid.yaml"), "-f", "json"]).stdout)
    paid = next(o for o in data["options"] if o["name"] == "paid")
    assert paid["total_cost"]["nominal"] == pytest.approx(638 - 4.12)
