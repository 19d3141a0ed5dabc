"""The workbook of a scenario with every contract mechanic: its formulas, worked out by an independent
evaluator (the `formulas` library), give the engine's figures; changing a blue cell of a mechanism that
is a live formula flows through as the engine would have it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_workbook import Evaluated, assert_lines_and_risks, close, numbers_in

from barnetmodel.engine.projection import BASES, project
from barnetmodel.output import xlsx_out
from barnetmodel.scenario.load import load
from conftest import ROOT, computed

CONTRACTS = ROOT / "tests" / "data" / "contracts_workbook.yaml"


@pytest.fixture(scope="module")
def contract_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict, Evaluated]:
    projection, results = computed(CONTRACTS, draws=2000)
    return projection, results, Evaluated(xlsx_out.render(projection, results), tmp_path_factory.mktemp("book"))


def test_option_sheets_give_the_engine_figures(contract_book: tuple[Any, dict, Evaluated]) -> None:
    projection, results, book = contract_book
    units, n = results["money"]["units"], len(results["years"])
    sheets = xlsx_out.sheet_names([o["name"] for o in results["options"]])
    for option in results["options"]:
        sheet = sheets[option["name"]]
        for basis in BASES:
            assert close(book.years(sheet, f"Cost ({units[basis]})", n), option["yearly"][f"cost_{basis}"]), basis
            if not option["is_baseline"]:
                label = f"Saving against {results['baseline']} ({units[basis]})"
                assert close(book.years(sheet, label, n), option["yearly"][f"saving_{basis}"])
        assert_lines_and_risks(book, projection, option, sheet=sheet)
        for guarantee in option.get("guarantees", []):
            assert close(book.years(sheet, f"Guarantee: {guarantee['name']}", n), guarantee["nominal"])


def test_the_price_index_follows_the_deflator_series(contract_book: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = contract_book
    n = len(results["years"])
    assert close(book.years("Inputs", "Price index (nominal / real)", n), results["price_index"])


def test_summary_totals_guarantees_and_transfers(contract_book: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = contract_book
    for option in results["options"]:
        title = option["title"] + (" (baseline)" if option["is_baseline"] else "")
        row = book.row("Summary", title)
        assert close(row[2:5], [option["total_cost"][b] for b in BASES])
        transfers = option.get("transfers")
        if transfers:
            row = book.row("Summary", option["name"])
            expected = [transfers["nominal"], transfers["real"], transfers["present_value_left_out"]]
            assert close(row[1:4], expected)
    outsource = next(o for o in results["options"] if o["name"] == "outsource")
    for guarantee in outsource["guarantees"]:
        (number,) = [
            i
            for i, r in enumerate(book.book["Summary"].iter_rows(values_only=True), 1)
            if r[0] == guarantee["name"] and r[1] == "outsource"
        ]
        values = [book.values[("SUMMARY", f"{c}{number}")] for c in "CDE"]
        assert close(values, [guarantee["total"][b] for b in BASES])


def test_nothing_in_the_json_is_lost(contract_book: tuple[Any, dict, Evaluated]) -> None:
    import bisect

    _, results, book = contract_book
    shown = sorted(float(v) for v in book.values.values() if isinstance(v, (int, float)) and not isinstance(v, bool))
    expected = numbers_in(results["options"]) + numbers_in(results["targets"])
    assert len(expected) > 200
    for number in expected:
        i = bisect.bisect_left(shown, number - 1e-9 - 1e-12 * abs(number))
        assert i < len(shown) and shown[i] == pytest.approx(number, rel=1e-12, abs=1e-9), number


def test_live_formulas_and_central_values_are_told_apart(contract_book: tuple[Any, dict, Evaluated]) -> None:
    _, _, book = contract_book
    sheet = book.book["outsource"]
    fees = book.rows("outsource", "Guarantee: Fee guarantee")[0]
    income = book.rows("outsource", "Guarantee: Income guarantee")[0]
    assert str(sheet.cell(fees, 4).value).startswith("=-IF(AND(")  # a formula on the Fees row
    assert isinstance(sheet.cell(income, 4).value, float)  # its provider can fail: the central run's values
    assert "values of the central run" in sheet.cell(income, 11).value


def _engine_after(settings: list[str]) -> dict[str, Any]:
    from barnetmodel.analysis.results import summarise

    loaded = load(str(CONTRACTS), settings)
    return summarise(project(loaded.scenario), file_name="x", sha256="0")


@pytest.mark.parametrize(
    ("table_header", "row_labels", "column", "value", "setting"),
    [
        # The index cap: 3% -> 1%, each year's uplift held lower.
        (("Option", "Line", "Series"), ("outsource", "Charge"), "Cap a year", 0.01, "index.cap=0.01"),
        # The guarantee's level: 1.2 -> 1.0, more paid back (capped at 0.5 a year and 1.8 in all).
        (("Option", "Guarantee"), ("outsource", "Fee guarantee"), "Level a year", 1.0, None),
        # The year finance comes back: 2017 -> 2016.
        (("Option", "Change"), ("back_in_house", "Insource"), "From (year)", 2016, None),
    ],
)
def test_change_a_contract_input_and_watch_it_flow(
    contract_book: tuple[Any, dict, Evaluated],
    table_header: tuple[str, ...],
    row_labels: tuple[str, ...],
    column: str,
    value: float,
    setting: str | None,
) -> None:
    _, results, book = contract_book
    address = book.find("Inputs", table_header, row_labels, column)
    changed = book.solve({("Inputs", address): value})
    settings = {
        "Cap a year": ["options.outsource.lines.Charge.index.cap=0.01"],
        "Level a year": ['options.outsource.guarantees."Fee guarantee".level=1.0'],
        "From (year)": ["options.back_in_house.changes.Insource.year=2016"],
    }[column]
    expected = _engine_after(settings)
    n = len(results["years"])
    units = results["money"]["units"]
    sheets = xlsx_out.sheet_names([o["name"] for o in results["options"]])
    for option in expected["options"]:
        label = f"Cost ({units['nominal']})"
        assert close(book.years(sheets[option["name"]], label, n, values=changed), option["yearly"]["cost_nominal"])


def test_the_scenario_uses_every_mechanic() -> None:
    """The fixture is only worth its name if every mechanic is in it."""
    scenario = load(str(CONTRACTS)).scenario
    lines = [line for option in scenario.options.values() for line in option.lines]
    assert {line.kind for line in lines} >= {"annual", "once", "total", "share_of", "by_year", "credits", "variations"}
    assert any(line.index for line in lines) and any(line.transfer for line in lines)
    assert any(line.profile for line in lines) and any(line.scale is not None for line in lines)
    outsource = scenario.options["outsource"]
    assert outsource.guarantees and any(r.is_switch for r in outsource.risks)
    assert scenario.options["back_in_house"].changes and scenario.options["back_in_house"].based_on


def test_bytes_are_reproducible(tmp_path: Path) -> None:
    projection, results = computed(CONTRACTS)
    assert xlsx_out.render(projection, results) == xlsx_out.render(projection, results)
