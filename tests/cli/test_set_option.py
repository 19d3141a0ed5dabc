"""--set ADDRESS=VALUE: change a scenario's value from the command line, on every command that reads one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.address import AddressError
from barnetmodel.scenario.overrides import split_setting
from conftest import ROOT

runner = CliRunner()
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
CRITICS = str(ROOT / "scenarios" / "critics_stress.yaml")
CSG_TOTAL = "inputs.csg_contract"  # the CSG contract's value over ten years, a named input
# Its cash over the CSG's months: 7/12 of 2013/14, 2014/15 to 2022/23, 5/12 of 2023/24, at 2% inflation.
CSG_CASH = 7 / 12 + sum(1.02**t for t in range(1, 10)) + 5 / 12 * 1.02**10


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["run", *args, "-f", "json", "--draws", "0"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def saving(data: dict) -> float:
    return next(o for o in data["options"] if o["name"] == "outsource")["total_saving"]["nominal"]


def test_a_higher_contract_price_lowers_the_saving_by_the_difference() -> None:
    before = run_json(COUNCIL)
    after = run_json(COUNCIL, "--set", f"{CSG_TOTAL}=400")
    # £80m more over ten years: 8 a year (2013/14 prices), and 2% more client side, over the CSG's months.
    assert saving(before) - saving(after) == pytest.approx(8 * 1.02 * CSG_CASH)
    assert before["scenario"]["sha256"] != after["scenario"]["sha256"]


def test_repeatable_and_by_position_and_with_a_distribution() -> None:
    data = run_json(
        COUNCIL,
        "--set",
        "options.outsource.lines[0].annual=40",
        "--set",
        "money.inflation={triangular: {low: 0, mode: 0, high: 0}}",
    )
    assert data["money"]["inflation"] == 0.0
    assert data["options"][1]["total_cost"]["real"] == pytest.approx(data["options"][1]["total_cost"]["nominal"])


def test_on_a_file_that_extends_another() -> None:
    data = run_json(CRITICS, "--set", "options.outsource.risks.Fraud.probability=0")
    fraud = next(r for r in data["options"][1]["risks"] if r["name"] == "Fraud")
    assert fraud["expected_cost"]["nominal"] == 0.0


@pytest.mark.parametrize(
    "setting, message",
    [
        (
            "options.outsource.lines.CSG.total=400",
            "options.outsource.lines has no item 'CSG'. Choose a name (\"CSG contract charge\"",
        ),
        ("mony.inflation=0.02", "the top of the file has no 'mony'; did you mean 'money'?"),
        (f"{CSG_TOTAL}=lots", "inputs.csg_contract: unknown name 'lots' at character 1; the inputs are:"),
        ("options.outsource.lines[0].annual=[1]", "options.outsource.lines[0].annual: should be a number"),
        ("money.inflation=-3", "money.inflation: should be greater than -0.5, not -3"),
        ("money.inflation", "write --set ADDRESS=VALUE"),
        ("money.inflation=[0.02", "invalid YAML"),
    ],
)
def test_bad_settings_are_clear_errors(setting: str, message: str) -> None:
    result = runner.invoke(app, ["run", COUNCIL, "--set", setting])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"--set {setting}: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_every_command_that_reads_a_scenario_takes_it() -> None:
    setting = ["--set", f"{CSG_TOTAL}=400"]
    assert runner.invoke(app, ["validate", COUNCIL, *setting]).exit_code == 0
    assert runner.invoke(app, ["validate", COUNCIL, "--set", f"{CSG_TOTAL}=x"]).exit_code == 2
    sensitivity = json.loads(runner.invoke(app, ["sensitivity", COUNCIL, *setting, "-f", "json"]).stdout)
    contract = next(r for r in sensitivity["switching_values"] if r["input"] == "csg_contract")
    assert contract["central_value"] == 400
    compared = json.loads(runner.invoke(app, ["compare", COUNCIL, CRITICS, *setting, "-f", "json"]).stdout)
    assert not any("csg_contract" in row["name"] for row in compared["inputs_that_differ"])


def test_split_setting() -> None:
    assert split_setting('options.x."a=b".total = 4') == ('options.x."a=b".total', "4")
    with pytest.raises(AddressError):
        split_setting("no equals sign")


def test_extends_cannot_be_set() -> None:
    result = runner.invoke(app, ["validate", COUNCIL, "--set", "extends=other.yaml"])
    assert result.exit_code == 2
    assert "`extends` is read before any --set" in result.stderr


def test_report_and_plot_take_it_too(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    ok = runner.invoke(app, ["report", COUNCIL, "--draws", "0", "--set", f"{CSG_TOTAL}=400", "-o", str(report)])
    assert ok.exit_code == 0, ok.output
    # The nominal saving with the dearer contract: 116.108866 - 8 x 1.02 x 11.040969 = 26.0146.
    assert 'data-figure="outsource.total_saving.nominal">26.0<' in report.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["plot", COUNCIL, "-o", str(tmp_path / "c.svg"), "--set", "mony.inflation=0"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("--set mony.inflation=0: ")
    assert not (tmp_path / "c.svg").exists()
