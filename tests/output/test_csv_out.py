"""The run's CSV: the transfers that its present values leave out, year by year, so that every row's present
value follows from its real cost."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL

runner = CliRunner()

TRANSFERRED = MINIMAL.replace(
    "      - {name: Contract, annual: 8}",
    "      - {name: Contract, annual: 8}\n"
    "      - {name: Redundancy pay, once: 2014, amount: 0.4, transfer: true}\n"
    "      - {name: Pension strain, annual: 0.1, prices: real, transfer: true}",
)


def _rows(path: Path) -> list[dict[str, str]]:
    result = runner.invoke(app, ["run", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_the_transfers_columns_explain_present_values(write: Callable[[str], Path]) -> None:
    path = write(TRANSFERRED)
    rows = _rows(path)
    assert list(rows[0])[-2:] == ["transfers_nominal", "transfers_real"]
    outsource = [r for r in rows if r["option"] == "outsource" and r["year"] != "total"]
    assert [float(r["transfers_nominal"]) for r in outsource] == pytest.approx(
        [0.1 * 1.0, 0.1 * 1.02 + 0.4, 0.1 * 1.02**2]
    )
    for row in outsource:
        # Present values are the economic case's: the cost in real terms, less transfers, discounted.
        real, moved, factor = (float(row[k]) for k in ("cost_real", "transfers_real", "discount_factor"))
        assert float(row["cost_present_value"]) == pytest.approx((real - moved) * factor)
        assert moved > 0
    (total,) = [r for r in rows if r["option"] == "outsource" and r["year"] == "total"]
    transfers = json.loads(runner.invoke(app, ["run", str(path), "-f", "json"]).stdout)["options"][1]["transfers"]
    assert float(total["transfers_nominal"]) == pytest.approx(transfers["nominal"])
    assert float(total["transfers_real"]) == pytest.approx(transfers["real"])
    assert float(total["transfers_real"]) == pytest.approx(sum(float(r["transfers_real"]) for r in outsource))


def test_an_option_without_transfers_has_none_in_every_row(write: Callable[[str], Path]) -> None:
    rows = _rows(write(TRANSFERRED))
    in_house = [r for r in rows if r["option"] == "in_house"]
    assert len(in_house) == 4 and {(r["transfers_nominal"], r["transfers_real"]) for r in in_house} == {("0.0", "0.0")}
