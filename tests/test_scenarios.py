"""Every published scenario runs, cites its sources, and says what it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.load import load
from conftest import ROOT, SCENARIOS

runner = CliRunner()
# The scenarios `init` writes: shipped figures as much as the scenarios' own.
TEMPLATES = sorted((ROOT / "src" / "barnetmodel" / "templates").glob("*.yaml"))


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


@pytest.mark.parametrize("path", SCENARIOS + TEMPLATES, ids=lambda p: p.stem)
def test_sources_are_documents_and_judgements_say_why(path: Path) -> None:
    """Sources are cited as the documents' own titles, never as the project's notes or seed files; a figure
    without a published source is marked `judgement` and its note says why."""
    scenario = load(str(path)).scenario
    for key, text in scenario.sources.items():
        for notebook in ("DOMAIN.md", "shared/", "seeds/", "seed-"):
            assert notebook not in text and notebook not in key, f"{path.name}: source {key} cites {notebook}"
    named = scenario.named_inputs
    for name, item in named.items():
        assert item.source, f"{path.name}: input {name} has no source"
        if item.source == "judgement":
            assert item.note, f"{path.name}: the judgement {name} does not say why"
    for option in scenario.options.values():
        for line in option.lines:
            if line.source == "judgement":
                assert line.note, f"{path.name}: the judgement {line.name} does not say why"
        for risk in option.risks:
            assert risk.source and (risk.source != "judgement" or risk.note), f"{path.name}: {risk.name}"
        bias = option.optimism_bias
        if bias is not None and bias.mitigated:
            # How much of the bias is mitigated is always a judgement, so its reason is in the note.
            assert bias.note, f"{path.name}: the optimism bias does not say why it is mitigated"
    for correlation in scenario.uncertainty.correlations:
        if correlation.source == "judgement":
            assert correlation.note, f"{path.name}: the judgement {correlation.between} does not say why"


def test_the_comparator_is_anchored_to_the_council_baselines() -> None:
    """The in-house cost is built from its drivers, not from the contracts: in 2014/15, the first full year, the
    CSG staff and running costs add up to the £38.8m baseline and Re is its £14.2m, grown 2% for a year."""
    data = json.loads(
        runner.invoke(app, ["run", str(SCENARIOS[0].parent / "one_barnet_council_case.yaml"), "-f", "json"]).stdout
    )
    in_house = next(o for o in data["options"] if o["name"] == "in_house")
    lines = {line["name"]: line["nominal"][1] for line in in_house["lines"]}
    assert lines["CSG staff"] + lines["CSG running costs"] == pytest.approx(38.8 * 1.02)
    assert lines["Re services"] == pytest.approx(14.2 * 1.02)


def test_what_was_paid_adds_up_to_the_reported_total() -> None:
    data = json.loads(runner.invoke(app, ["run", str(SCENARIOS[0].parent / "actually_paid.yaml"), "-f", "json"]).stdout)
    paid = next(o for o in data["options"] if o["name"] == "paid")
    reported = [line for line in paid["lines"] if line["name"].startswith(("Payments ", "Settlement "))]
    assert len(reported) == 9  # eight spans of payments and the settlement
    assert sum(sum(line["nominal"]) for line in reported) == pytest.approx(638 - 4.12)


@pytest.mark.parametrize("key", ["procurement_after_settlement", "finance_hr_share"])
def test_what_both_files_of_what_happened_judge_is_judged_alike(key: str) -> None:
    """actually_paid.yaml and what_happened.yaml each need these (neither extends the other): kept alike."""
    paid, happened = (
        load(str(ROOT / "scenarios" / name)).scenario for name in ("actually_paid.yaml", "what_happened.yaml")
    )
    same = ("value", "unit", "source")  # the notes differ only in the names their files give the same sources
    assert paid.inputs[key].model_dump(include=set(same)) == happened.inputs[key].model_dump(include=set(same))
