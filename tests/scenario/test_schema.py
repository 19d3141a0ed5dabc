"""The JSON Schemas: the published files are current, and a JSON Schema validator (jsonschema,
a test-only oracle) agrees with barnetmodel about valid and invalid files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.schema import render, scenario_schema
from barnetmodel.scenario_tests.spec import scenario_test_schema
from conftest import MINIMAL, ROOT, SCENARIO_TESTS, SCENARIOS

runner = CliRunner()
PUBLISHED = {
    "scenario": ROOT / "schema" / "scenario.schema.json",
    "test": ROOT / "schema" / "scenario-test.schema.json",
}
MADE = {"scenario": scenario_schema, "test": scenario_test_schema}


@pytest.mark.parametrize("kind", ["scenario", "test"])
def test_published_schema_is_current(kind: str) -> None:
    """If this fails, regenerate: barnetmodel schema --for KIND -o schema/FILE (see README)."""
    assert PUBLISHED[kind].read_text(encoding="utf-8") == render(MADE[kind]())


@pytest.mark.parametrize("kind", ["scenario", "test"])
def test_the_command_prints_the_published_schema(kind: str) -> None:
    result = runner.invoke(app, ["schema", "--for", kind])
    assert result.exit_code == 0
    assert result.stdout == PUBLISHED[kind].read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["scenario", "test"])
def test_schemas_are_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(PUBLISHED[kind].read_text(encoding="utf-8")))


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(PUBLISHED[kind].read_text(encoding="utf-8")))


def data(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_published_scenarios_are_valid_under_the_schema(path: Path) -> None:
    assert list(validator("scenario").iter_errors(data(path))) == []


@pytest.mark.parametrize("path", SCENARIO_TESTS, ids=lambda p: p.stem)
def test_published_scenario_tests_are_valid_under_their_schema(path: Path) -> None:
    assert list(validator("test").iter_errors(data(path))) == []


def broken(change: str) -> Any:
    scenario = copy.deepcopy(data(ROOT / "scenarios" / "one_barnet_council_case.yaml"))
    line = scenario["options"]["outsource"]["lines"][0]
    if change == "unknown key":
        scenario["money"]["inflaton"] = 0.02
    elif change == "text for a number":
        line["annual"] = "32"  # a number in quotes: text, and not a formula either
    elif change == "two kinds of line":
        line["total"] = 320
    elif change == "no kind of line":
        del line["annual"]
    elif change == "unknown schedule":
        scenario["money"]["discount"] = "green_bok"
    elif change == "rate of 100%":
        scenario["money"]["discount"] = 1.0
    elif change == "year out of range":
        scenario["horizon"]["start"] = 1066
    return scenario


@pytest.mark.parametrize(
    "change",
    [
        "unknown key",
        "text for a number",
        "two kinds of line",
        "no kind of line",
        "unknown schedule",
        "rate of 100%",
        "year out of range",
    ],
)
def test_schema_and_barnetmodel_both_refuse(change: str, tmp_path: Path) -> None:
    scenario = broken(change)
    assert list(validator("scenario").iter_errors(scenario)) != []
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 2


def test_an_extending_file_may_drop_a_named_input_under_both(tmp_path: Path) -> None:
    # `name: null` under inputs drops the input from the file extended: barnetmodel and the schema agree.
    (tmp_path / "parent.yaml").write_text(
        MINIMAL.replace("baseline:", "inputs: {spare: 1, fee: 8}\nbaseline:").replace("annual: 8", "annual: fee"),
        encoding="utf-8",
    )
    child = {"extends": "parent.yaml", "inputs": {"spare": None}}
    assert list(validator("scenario").iter_errors(child)) == []
    (tmp_path / "child.yaml").write_text(yaml.safe_dump(child), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path / "child.yaml")])
    assert result.exit_code == 0 and "used nowhere" not in result.output


def test_schema_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == PUBLISHED["scenario"].read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_an_extending_file_may_drop_any_key_under_both(tmp_path: Path) -> None:
    # `key: null` drops the key from the file extended (here the parent's drawn inflation rate, for a
    # series in its place): barnetmodel and the schema agree. A whole file may not write null for a value.
    parent = MINIMAL.replace("inflation: 0.02", "inflation: {triangular: {low: 0.01, mode: 0.02, high: 0.03}}")
    (tmp_path / "parent.yaml").write_text(parent, encoding="utf-8")
    child = {"extends": "parent.yaml", "money": {"inflation": {"series": "gdp_deflator", "triangular": None}}}
    assert list(validator("scenario").iter_errors(child)) == []
    (tmp_path / "child.yaml").write_text(yaml.safe_dump(child), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path / "child.yaml")])
    assert result.exit_code == 0, result.output
    misspelt = {"extends": "parent.yaml", "money": {"inflaton": 0.02}}  # an unknown key with a value: refused
    assert list(validator("scenario").iter_errors(misspelt)) != []
    whole = yaml.safe_load(parent)
    whole["title"] = None
    assert list(validator("scenario").iter_errors(whole)) != []
