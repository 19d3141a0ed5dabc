"""The workbook: its formulas, worked out by an independent evaluator (the `formulas` library), give the
engine's numbers; nothing in the JSON is lost; changing an input flows through like the engine."""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from barnetmodel.analysis.results import summarise
from barnetmodel.cli.app import app
from barnetmodel.engine.projection import BASES, project
from barnetmodel.output import xlsx_out
from barnetmodel.output.xlsx_cells import quote_sheetname
from barnetmodel.scenario.models import KINDS, Scenario
from conftest import ROOT, SCENARIOS, computed

runner = CliRunner()
FIRST_YEAR_COLUMN = 4  # D, on every sheet
CELL = re.compile(r"'\[[^\]]+\](.+)'!([A-Z]+[0-9]+)")


class Evaluated:
    """Every cell of a workbook, its formulas worked out by the `formulas` library."""

    def __init__(self, data: bytes, folder: Path):
        path = folder / "model.xlsx"
        path.write_bytes(data)
        self.book = openpyxl.load_workbook(io.BytesIO(data))  # formulas as written, for finding cells
        self.model = formulas.ExcelModel().loads(str(path)).finish()
        self.values = self.solve()

    def solve(self, changes: dict[tuple[str, str], float] | None = None) -> dict[tuple[str, str], Any]:
        """(SHEET, 'B7') -> value, with some input cells changed as an analyst would change them."""
        inputs = {f"'[model.xlsx]{sheet.upper()}'!{cell}": value for (sheet, cell), value in (changes or {}).items()}
        found = {}
        for key, ranges in self.model.calculate(inputs=inputs).items():
            match = CELL.fullmatch(key)
            if match:
                value = ranges.value[0][0]
                found[(match[1], match[2])] = value.item() if isinstance(value, np.generic) else value
        return found

    def rows(self, sheet: str, label: str, values: dict[tuple[str, str], Any] | None = None) -> list[int]:
        """Rows whose column A reads `label` (labels may be formulas too: they follow the price base)."""
        values = values or self.values
        return sorted(
            int(cell[1:])
            for (name, cell), value in values.items()
            if name == sheet.upper() and re.fullmatch(r"A[0-9]+", cell) and value == label
        )

    def row(
        self, sheet: str, label: str, values: dict[tuple[str, str], Any] | None = None, which: int = 0
    ) -> list[Any]:
        values = values or self.values
        number = self.rows(sheet, label, values)[which]
        width = self.book[sheet].max_column
        return [
            values.get((sheet.upper(), f"{openpyxl.utils.get_column_letter(c)}{number}")) for c in range(1, width + 1)
        ]

    def years(self, sheet: str, label: str, count: int, which: int = 0, values: Any = None) -> list[float]:
        return self.row(sheet, label, values, which)[FIRST_YEAR_COLUMN - 1 : FIRST_YEAR_COLUMN - 1 + count]

    def find(self, sheet: str, header: tuple[str, ...], row_labels: tuple[str, ...], column_title: str) -> str:
        """The address of the cell under `column_title` of the table whose heading row starts with `header`,
        in its first row whose first cells read `row_labels`."""
        rows = list(self.book[sheet].iter_rows())
        start = next(i for i, r in enumerate(rows) if tuple(c.value for c in r[: len(header)]) == header)
        column = next(c.column_letter for c in rows[start] if c.value == column_title)
        target = next(r for r in rows[start:] if tuple(c.value for c in r[: len(row_labels)]) == row_labels)
        return f"{column}{target[0].row}"


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def evaluated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict, Evaluated]:
    projection, results = computed(request.param)
    return projection, results, Evaluated(xlsx_out.render(projection, results), tmp_path_factory.mktemp("book"))


def close(actual: list[Any], expected: list[float]) -> bool:
    return actual == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_option_sheets_give_the_engine_cash_flows(evaluated: tuple[Any, dict, Evaluated]) -> None:
    projection, results, book = evaluated
    units, n = results["money"]["units"], len(results["years"])
    sheets = xlsx_out.sheet_names([o["name"] for o in results["options"]])
    for option in results["options"]:
        sheet = sheets[option["name"]]
        for basis in BASES:
            assert close(book.years(sheet, f"Cost ({units[basis]})", n), option["yearly"][f"cost_{basis}"])
            if not option["is_baseline"]:
                label = f"Saving against {results['baseline']} ({units[basis]})"
                assert close(book.years(sheet, label, n), option["yearly"][f"saving_{basis}"])
                label = f"Cumulative saving ({units[basis]})"
                assert close(book.years(sheet, label, n), option["yearly"][f"cumulative_saving_{basis}"])
        assert_lines_and_risks(book, projection, option)


def assert_lines_and_risks(
    book: Evaluated, projection: Any, option: dict, values: dict | None = None, sheet: str | None = None
) -> None:
    """Each line before and after optimism bias, each risk, and the cost before optimism bias, against the engine."""
    sheet = sheet or option["name"]
    n, name = len(projection.years), option["name"]
    label = f"Cost before optimism bias ({projection.scenario.money.unit}, nominal)"
    for line in option["lines"]:
        before = projection.line_nominal_before_bias[name][line["name"]][0]
        assert close(book.years(sheet, line["name"], n, which=0, values=values), list(before)), line["name"]
        assert close(book.years(sheet, line["name"], n, which=1, values=values), line["real"]), line["name"]
        biased = f"{line['name']}, after optimism bias"
        if book.rows(sheet, biased, values):
            assert close(book.years(sheet, biased, n, values=values), line["nominal"]), biased
        else:
            assert line["nominal"] == pytest.approx(list(before), rel=1e-15)  # no optimism bias on it
    for risk in option["risks"]:
        real = projection.convert(projection.risk_nominal[name][risk["name"]], "real")[0]
        assert close(book.years(sheet, f"Risk: {risk['name']}", n, which=0, values=values), risk["nominal"])
        assert close(book.years(sheet, f"Risk: {risk['name']}", n, which=1, values=values), list(real))
    labels = book.rows(sheet, label, values)
    assert bool(labels) == (option["optimism_bias"] is not None)
    if labels:
        before_bias = projection.cost(name, "nominal", before_bias=True)[0]
        assert close(book.years(sheet, label, n, values=values), list(before_bias))


def test_inputs_sheet_gives_discount_factors_and_price_index(evaluated: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = evaluated
    n = len(results["years"])
    assert close(book.years("Inputs", "Discount factor (year 0 undiscounted)", n), results["discount_factor"])
    assert close(book.years("Inputs", "Price index (nominal / real)", n), results["price_index"])
    assert book.years("Inputs", "Year (by its start)", n) == results["years"]


def test_summary_gives_totals_savings_and_targets(evaluated: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = evaluated
    for option in results["options"]:
        title = option["title"] + (" (baseline)" if option["is_baseline"] else "")
        row = book.row("Summary", title)
        assert row[1] == option["name"]
        assert close(row[2:5], [option["total_cost"][b] for b in BASES])
        assert close(row[5:8], [option["total_saving"][b] for b in BASES])
    summary_rows = list(book.book["Summary"].iter_rows(values_only=True))
    for target in results["targets"]:
        for result in target["results"]:
            number = next(
                i for i, r in enumerate(summary_rows, 1) if r[0] == target["name"] and r[1] == result["option"]
            )
            needed, saved, share, met = (book.values[("SUMMARY", f"{c}{number}")] for c in "FGHI")
            assert close([needed, saved, share], [target["amount"], result["achieved"], result["share_met"]])
            assert met is result["met"]


def numbers_in(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers_in(v)]
    if isinstance(value, list):
        return [x for v in value for x in numbers_in(v)]
    return []


def test_nothing_in_the_json_is_lost(evaluated: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = evaluated
    shown = sorted(float(v) for v in book.values.values() if isinstance(v, (int, float)) and not isinstance(v, bool))
    expected = numbers_in(results["options"]) + numbers_in(results["targets"])
    if "uncertainty" in results:  # the distributions' parameters are written out as text beside their means
        expected += numbers_in({k: v for k, v in results["uncertainty"].items() if k not in ("inputs", "yearly")})
        expected += [entry["mean"] for entry in results["uncertainty"]["inputs"]]
        baseline = results["baseline"]
        for option, bands in results["uncertainty"]["yearly"].items():
            measures = ["cost_nominal"] + ([] if option == baseline else ["cumulative_saving_nominal"])
            expected += numbers_in({measure: bands[measure] for measure in measures})
    assert len(expected) > 100
    for number in expected:
        i = bisect.bisect_left(shown, number - 1e-9 - 1e-12 * abs(number))
        assert i < len(shown) and shown[i] == pytest.approx(number, rel=1e-12, abs=1e-9), number


def test_cash_flows_are_formulas_on_the_inputs_and_money_is_formatted(evaluated: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = evaluated
    sheets = xlsx_out.sheet_names([o["name"] for o in results["options"]])
    for option in results["options"]:
        sheet = book.book[sheets[option["name"]]]
        for line in option["lines"]:
            (row, _) = book.rows(sheets[option["name"]], line["name"])
            cell = sheet.cell(row, FIRST_YEAR_COLUMN)
            assert isinstance(cell.value, str) and cell.value.startswith("=") and "Inputs!" in cell.value
            assert "£" in cell.number_format
        (real,) = book.rows(sheets[option["name"]], f"Cost ({results['money']['units']['real']})")
        assert "Inputs!" in sheet.cell(real, FIRST_YEAR_COLUMN).value  # divided by the price index there
    headers = book.row("Summary", "Option")
    assert "Cost over the horizon (£m, real 2013/14 prices)" in headers
    assert "Saving against the baseline (£m, present value, 2013/14 prices)" in headers


def test_inputs_sheet_lists_every_line_with_its_source(evaluated: tuple[Any, dict, Evaluated]) -> None:
    _, results, book = evaluated
    everything = list(book.book["Inputs"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(everything) if r[0] == "Option" and r[1] == "Line")
    header = everything[start]
    end = next((i for i in range(start, len(everything)) if everything[i][0] is None), len(everything))
    rows = everything[start + 1 : end]  # the lines table alone (amounts year by year name lines too)
    based_on = {option["name"]: option.get("based_on") for option in results["options"]}
    for option in results["options"]:
        homes, name = [], option["name"]  # an option based on another lists the lines it inherits under it
        while name is not None:
            homes.append(name)
            name = based_on[name]
        for line in option["lines"]:
            (row,) = [r for r in rows if r[0] in homes and r[1] == line["name"]]
            entry = dict(zip(header, row, strict=True))
            assert entry["Source"] == line["source"]
            assert entry["Source text"] == results["scenario"]["sources"][line["source"]]
            assert entry["Kind"] in KINDS


# A scenario that uses every kind of line and every key that changes a cash flow.
EVERY_FEATURE = {
    "title": "Every feature",
    "horizon": {"start": 2013, "years": 8},
    "money": {"inflation": 0.025, "price_base": 2015, "discount": 0.04},
    "targets": [
        {"name": "Annual, real", "amount": 1.5, "by": 2016, "prices": "real"},
        {"name": "Added up", "amount": 9, "measure": "cumulative", "by": 2019, "option": "outsource"},
    ],
    "baseline": "in_house",
    "options": {
        "in_house": {
            "title": "In-house",
            "lines": [
                {"name": "Staff", "annual": 10.0, "growth": 0.03},
                {"name": "Pensions", "share_of": "Staff", "rate": 0.2, "from": 2014, "to": 2018, "ramp": [0.5, 0.75]},
                {"name": "Estates", "annual": 2.0, "prices": "real", "to": 2017},
            ],
        },
        "outsource": {
            "title": "Outsourced",
            "lines": [
                {"name": "Contract", "total": 60.0, "term": [2014, 2019], "growth": 0.05, "prices": "real"},
                {"name": "Client side", "share_of": "Contract", "rate": 0.04},
                {"name": "Transition", "once": 2013, "amount": 3.0, "prices": "real"},
                {"name": "Income", "annual": -1.0, "from": 2015, "ramp": [0.25, 0.5, 0.75], "prices": "real"},
                {"name": "Flat total", "total": 4.0, "term": [2013, 2016]},
            ],
            # Every kind of risk: a year or over a window, once or recurring, nominal or real.
            "risks": [
                {
                    "name": "Failure",
                    "probability": 0.3,
                    "per": "horizon",
                    "cost": 5,
                    "recovered": 0.2,
                    "from": 2014,
                    "to": 2018,
                },
                {
                    "name": "Variations",
                    "probability": 0.1,
                    "cost": 1.5,
                    "recurring": True,
                    "prices": "real",
                    "from": 2015,
                },
                {"name": "Fraud", "probability": 0.05, "cost": 2},
                {"name": "Dispute", "probability": 0.4, "per": "horizon", "cost": 3, "recurring": True, "to": 2017},
            ],
            # On a share_of line too: a share of the contract before its bias, then biased itself.
            "optimism_bias": {
                "category": "outsourcing",
                "mitigated": 0.5,
                "lines": ["Contract", "Client side", "Income"],
                "income_shortfall": True,
            },
        },
    },
}
EVERY_FEATURE["options"]["in_house"]["optimism_bias"] = {"uplift": 0.1}


def run_engine(document: dict) -> tuple[Any, dict]:
    projection = project(Scenario.model_validate(document))
    return projection, summarise(projection, file_name="every.yaml", sha256="0")


def test_every_feature_has_what_it_says() -> None:
    """The example is only worth its name if the engine sees risks and bias on every option that has them."""
    projection, results = run_engine(EVERY_FEATURE)
    outsource = next(o for o in results["options"] if o["name"] == "outsource")
    assert [r["expected_cost"]["nominal"] > 0 for r in outsource["risks"]] == [True] * 4
    assert outsource["optimism_bias"]["applied"] == pytest.approx(0.205)
    contract = projection.line_nominal["outsource"]["Contract"][0]
    assert contract == pytest.approx(projection.line_nominal_before_bias["outsource"]["Contract"][0] * 1.205)


@pytest.fixture(scope="module")
def every_feature(tmp_path_factory: pytest.TempPathFactory) -> Evaluated:
    projection, results = run_engine(EVERY_FEATURE)
    return Evaluated(xlsx_out.render(projection, results), tmp_path_factory.mktemp("every"))


def assert_book_matches(book: Evaluated, projection: Any, results: dict, values: dict | None = None) -> None:
    n = len(results["years"])
    for option in results["options"]:
        assert_lines_and_risks(book, projection, option, values)
        for basis in BASES:
            label = f"Cost ({results['money']['units'][basis]})"
            assert close(book.years(option["name"], label, n, values=values), option["yearly"][f"cost_{basis}"])
    for option in results["options"]:
        title = option["title"] + (" (baseline)" if option["is_baseline"] else "")
        assert close(book.row("Summary", title, values)[5:8], [option["total_saving"][b] for b in BASES])


def test_every_kind_of_line_as_a_formula(every_feature: Evaluated) -> None:
    projection, results = run_engine(EVERY_FEATURE)
    assert_book_matches(every_feature, projection, results)


def changed(document: dict, path: tuple, value: Any) -> dict:
    import copy

    document = copy.deepcopy(document)
    place = document
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    return document


@pytest.mark.parametrize(
    "what, scenario_path, value",
    [
        ("inflation", ("money", "inflation"), 0.05),
        ("price base", ("money", "price_base"), 2013),
        ("an annual amount", ("options", "in_house", "lines", 0, "annual"), 12.5),
        ("a growth rate", ("options", "outsource", "lines", 0, "growth"), 0.0),
        ("a ramp", ("options", "outsource", "lines", 3, "ramp", 1), 1.0),
        ("a share", ("options", "in_house", "lines", 1, "rate"), 0.3),
        ("a once year", ("options", "outsource", "lines", 2, "once"), 2016),
        ("a line's prices", ("options", "in_house", "lines", 0, "prices"), "real"),
        ("a risk's probability", ("options", "outsource", "risks", 0, "probability"), 0.6),
        ("a risk's cost", ("options", "outsource", "risks", 1, "cost"), 4.0),
        ("a risk's share recovered", ("options", "outsource", "risks", 0, "recovered"), 0.5),
        ("a risk's window", ("options", "outsource", "risks", 0, "to"), 2019),
        ("a risk's window opening", ("options", "outsource", "risks", 3, "from"), 2014),
        ("a risk per horizon", ("options", "outsource", "risks", 2, "per"), "horizon"),
        ("a risk per year", ("options", "outsource", "risks", 0, "per"), "year"),
        ("a risk recurring", ("options", "outsource", "risks", 2, "recurring"), True),
        ("a risk in real prices", ("options", "outsource", "risks", 2, "prices"), "real"),
        ("a certain risk", ("options", "outsource", "risks", 2, "probability"), 1.0),
        ("the share mitigated", ("options", "outsource", "optimism_bias", "mitigated"), 0.9),
        ("a stated uplift", ("options", "in_house", "optimism_bias", "uplift"), 0.3),
        ("income shortfall", ("options", "outsource", "optimism_bias", "income_shortfall"), False),
    ],
)
def test_change_an_input_and_watch_it_flow(
    every_feature: Evaluated, what: str, scenario_path: tuple, value: Any
) -> None:
    """An analyst changes one blue cell; the workbook then agrees with the engine run on the changed file."""
    book = every_feature
    if scenario_path[0] == "money":
        label = {
            "inflation": "Inflation (GDP deflator, a year)",
            "price_base": "Price base (financial year, by its start)",
        }
        (row,) = book.rows("Inputs", label[scenario_path[1]])
        cell = f"B{row}"
    elif scenario_path[2] == "optimism_bias":
        _, option, _, key = scenario_path
        titles = {
            "mitigated": "Share mitigated",
            "uplift": "Uplift",
            "income_shortfall": "Income shortfall (cut incomes too)",
        }
        cell = book.find("Inputs", ("Option", "Green Book category"), (option,), titles[key])
    elif scenario_path[2] == "risks":
        _, option, _, index, key = scenario_path
        risk = EVERY_FEATURE["options"][option]["risks"][index]
        titles = {"probability": "Probability", "cost": "Cost if it happens", "recovered": "Share recovered"}
        titles |= {"from": "From", "to": "To", "per": "Per (year or horizon)", "recurring": "Recurring"}
        titles |= {"prices": "Prices"}
        cell = book.find("Inputs", ("Option", "Risk"), (option, risk["name"]), titles[key])
    else:
        _, option, _, index, key, *rest = scenario_path
        line = EVERY_FEATURE["options"][option]["lines"][index]
        title = {"annual": "Annual", "growth": "Growth a year", "rate": "Rate", "once": "Once in", "prices": "Prices"}
        title |= {"ramp": f"Ramp year {rest[0] + 1}" if rest else ""}
        cell = book.find("Inputs", ("Option", "Line"), (option, line["name"]), title[key])
    values = book.solve({("Inputs", cell): value})
    projection, results = run_engine(changed(EVERY_FEATURE, scenario_path, value))
    assert_book_matches(book, projection, results, values)


def test_change_a_discount_rate(every_feature: Evaluated) -> None:
    book = every_feature
    (row,) = book.rows("Inputs", "Discount rate (real, in force that year)")
    values = book.solve({("Inputs", f"F{row}"): 0.1})  # year 2 (2015/16) only
    factors = book.years("Inputs", "Discount factor (year 0 undiscounted)", 8, values=values)
    expected = [1.0, 1 / 1.04, 1 / 1.04 / 1.1] + [1 / 1.04 / 1.1 / 1.04**k for k in range(1, 6)]
    assert close(factors, expected)


def test_the_same_run_gives_the_same_bytes() -> None:
    projection, results = computed(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    first = xlsx_out.render(projection, results)
    assert first == xlsx_out.render(projection, results)
    assert zipfile.ZipFile(io.BytesIO(first)).testzip() is None


def test_monte_carlo_percentiles_as_values() -> None:
    council = ROOT / "scenarios" / "one_barnet_council_case.yaml"
    projection, results = computed(council)
    assert "Uncertainty" not in openpyxl.load_workbook(io.BytesIO(xlsx_out.render(projection, results))).sheetnames
    projection, drawn = computed(council, draws=2000)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_out.render(projection, drawn)))
    rows = [r for r in book["Uncertainty"].iter_rows(values_only=True) if any(v is not None for v in r)]
    outsource = next(o for o in drawn["uncertainty"]["options"] if o["name"] == "outsource")
    saving = outsource["saving_present_value"]
    title = "Capita contracts (CSG and Re)"
    (row,) = [r for r in rows if r[:2] == (title, "Saving against the baseline (£m, present value, 2013/14 prices)")]
    keys = ["mean", "standard_error", "p5", "p10", "p50", "p90", "p95"]
    # Values keep 15 significant digits, as Excel does.
    assert list(row[2:9]) == pytest.approx([saving[k] for k in keys], rel=1e-14)
    (row,) = [r for r in rows if r[:2] == (title, "Saving against the baseline (£m, nominal)")]
    assert list(row[2:9]) == pytest.approx([outsource["saving_nominal"][k] for k in keys], rel=1e-14)
    band = drawn["uncertainty"]["yearly"]["outsource"]["cumulative_saving_nominal"]
    heading = next(i for i, r in enumerate(rows) if r[0] == f"Cumulative saving of {title} (£m, nominal)")
    assert [r[0] for r in rows[heading + 1 : heading + 6]] == ["P5", "P10", "P50", "P90", "P95"]
    p10 = rows[heading + 2][FIRST_YEAR_COLUMN - 1 : FIRST_YEAR_COLUMN - 1 + len(band["p10"])]
    assert list(p10) == pytest.approx(band["p10"], rel=1e-14)
    (target,) = [
        r for r in rows if r[:2] == ("Savings these contracts were to make in the 2013-15 budget", "outsource")
    ]
    assert target[2] == drawn["uncertainty"]["targets"][0]["probability_met"]
    assert target[3] == drawn["uncertainty"]["targets"][0]["probability_met_standard_error"]
    heading = next(i for i, r in enumerate(rows) if r[1] == "Chance it is the cheapest (PV)")
    (chances,) = [r for r in rows[heading + 1 : heading + 3] if r[0] == title]
    assert chances[1:5] == (
        outsource["probability_cheapest"],
        outsource["probability_cheapest_standard_error"],
        outsource["probability_cheaper_than_baseline"],
        outsource["probability_cheaper_than_baseline_standard_error"],
    )
    (inflation,) = [r for r in rows if r[0] == "money.inflation"]
    assert inflation[1:3] == ("triangular: low 0.01, mode 0.02, high 0.03", pytest.approx(0.02))


EMOJI = "\N{GRINNING FACE}"  # one character to Python, two UTF-16 code units to Excel


def test_sheet_names_are_valid_and_unique() -> None:
    # Excel's rules for a sheet's name: at most 31 characters (UTF-16 code units: an emoji is two), none of
    # []:*?/\\, no apostrophe first or last, not History (reserved), unique whatever the case.
    keys = ["summary", "a/b", "x" * 40, "x" * 40 + "y", "Inputs", "History", "'quoted'", EMOJI * 20, "''"]
    keys += [EMOJI * 13 + "x" + EMOJI, EMOJI * 13 + "x" + EMOJI + "y", "ab'" + "c" * 25 + "'d"]
    names = xlsx_out.sheet_names(keys)
    assert len(set(n.lower() for n in names.values())) == len(keys)
    for name in names.values():
        assert 0 < len(name.encode("utf-16-le")) // 2 <= 31 and not set(name) & set("[]:*?/\\"), name
        assert not name.startswith("'") and not name.endswith("'"), name
        assert name.lower() not in ("summary", "inputs", "uncertainty", "history"), name
    assert names["History"] == "History~2" and names["'quoted'"] == "quoted" and names["''"] == "option"
    assert names[EMOJI * 20] == EMOJI * 14  # 28 units, never half an emoji
    assert names[EMOJI * 13 + "x" + EMOJI + "y"] == EMOJI * 13 + "x~2"
    assert names["ab'" + "c" * 25 + "'d"] == "ab'" + "c" * 25  # cut at 28, then its last apostrophe off


@pytest.mark.parametrize(
    "sheet, written",
    [
        ("Inputs", "Inputs"),
        ("in_house", "in_house"),
        ("Sheet1", "Sheet1"),
        ("Rates", "Rates"),
        ("Costs", "Costs"),
        ("TRUEish", "TRUEish"),
        ("Option 2", "'Option 2'"),
        ("History~2", "'History~2'"),
        ("it's", "'it''s'"),
        ("2024", "'2024'"),
        (EMOJI, f"'{EMOJI}'"),
        # What Excel reads as a cell (A1 or R1C1 style, or starting with an R1C1 one) or a boolean.
        ("AB12", "'AB12'"),
        ("xfd1", "'xfd1'"),
        ("R1C1", "'R1C1'"),
        ("r2", "'r2'"),
        ("C3x", "'C3x'"),
        ("RC4", "'RC4'"),
        ("R", "'R'"),
        ("c", "'c'"),
        ("RC", "'RC'"),
        ("TRUE", "'TRUE'"),
        ("false", "'false'"),
    ],
)
def test_sheet_names_in_formulas_are_quoted_as_excel_quotes_them(sheet: str, written: str) -> None:
    assert quote_sheetname(sheet) == written


def test_formulas_refer_to_awkwardly_named_sheets(tmp_path: Path) -> None:
    # Options whose sheets need renaming or quoting: the workbook, worked out by the `formulas` library and
    # by its cached values, gives the engine's totals.
    options = ["History", "'quoted'", EMOJI * 20, "R1C1", "TRUE"]
    document = {
        "title": "Sheet names",
        "horizon": {"start": 2024, "years": 3},
        "money": {"inflation": 0.02, "discount": 0.035},
        "baseline": "History",
        "options": {
            key: {"title": f"Option {i}", "lines": [{"name": "a", "annual": i + 1}]} for i, key in enumerate(options)
        },
    }
    projection, results = run_engine(document)
    data = xlsx_out.render(projection, results)
    book = Evaluated(data, tmp_path)
    assert book.book.sheetnames == ["Summary", "Inputs", "History~2", "quoted", EMOJI * 14, "R1C1", "TRUE"]
    written = {r[1]: r[2] for r in book.book["Summary"].iter_rows(values_only=True) if r[1] in options}
    assert written["History"].startswith("='History~2'!") and written["'quoted'"].startswith("=quoted!")
    assert written["R1C1"].startswith("='R1C1'!") and written["TRUE"].startswith("='TRUE'!")
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Summary"]
    worked_out = {r[1]: r[2:8] for r in cached.iter_rows(values_only=True) if r[1] in options}
    for option in results["options"]:
        expected = [option["total_cost"][b] for b in BASES] + [option["total_saving"][b] for b in BASES]
        title = option["title"] + (" (baseline)" if option["is_baseline"] else "")
        assert close(book.row("Summary", title)[2:8], expected), option["name"]
        assert close(list(worked_out[option["name"]]), expected), option["name"]


@pytest.mark.parametrize(
    "unit, shown", [("£m", '"£"#,##0.0"m"'), ("€k", '"€"#,##0.0"k"'), ("tonnes", '#,##0.0" tonnes"')]
)
def test_money_format_shows_the_unit(unit: str, shown: str) -> None:
    assert xlsx_out.money_format(unit).split(";")[0] == shown


def test_run_writes_the_workbook_only_to_a_file(tmp_path: Path) -> None:
    council = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    refused = runner.invoke(app, ["run", council, "-f", "xlsx"])
    assert refused.exit_code == 2
    assert "--output" in refused.stderr and "Traceback" not in refused.output
    out = tmp_path / "model.xlsx"
    written = runner.invoke(app, ["run", council, "-f", "xlsx", "-o", str(out)])
    assert written.exit_code == 0 and written.stdout == ""
    assert openpyxl.load_workbook(out).sheetnames == ["Summary", "Inputs", "in_house", "outsource"]


def test_every_formula_carries_its_value_for_programs_that_do_not_calculate(
    evaluated: tuple[Any, dict, Evaluated],
) -> None:
    # Read as pandas and previews read it (values only, nothing calculated), every formula cell has a value,
    # the one the `formulas` library works out from the formula; and the option sheets give the engine's cash
    # flows, the Summary its totals.
    projection, results, book = evaluated
    data = xlsx_out.render(projection, results)
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    checked = 0
    for sheet in book.book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    value = cached[sheet.title][cell.coordinate].value
                    expected = book.values[(sheet.title.upper(), cell.coordinate)]
                    where = f"{sheet.title}!{cell.coordinate} {cell.value}"
                    if isinstance(expected, (bool, str)):
                        assert value == expected, where
                    else:
                        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12), where
                    checked += 1
    assert checked > 100
    units, n = results["money"]["units"], len(results["years"])
    sheets = xlsx_out.sheet_names([o["name"] for o in results["options"]])
    for option in results["options"]:
        rows = {r[0]: r for r in cached[sheets[option["name"]]].iter_rows(values_only=True) if r[0]}
        for basis in BASES:
            shown = rows[f"Cost ({units[basis]})"][FIRST_YEAR_COLUMN - 1 : FIRST_YEAR_COLUMN - 1 + n]
            assert close(list(shown), option["yearly"][f"cost_{basis}"])
        (summary,) = [r for r in cached["Summary"].iter_rows(values_only=True) if r[1] == option["name"]][:1]
        assert close(list(summary[2:5]), [option["total_cost"][b] for b in BASES])


def test_a_cached_value_is_left_out_when_a_formula_cannot_be_worked_out() -> None:
    # A division by nought has no value to cache: the cell keeps its empty value, for the spreadsheet to fill.
    from barnetmodel.output.xlsx_values import with_values

    xml = b'<row r="1"><c r="A1" s="2"><f>1/0</f><v /></c><c r="B1"><f>"a"&amp;"b"</f><v /></c></row>'
    assert with_values(xml, {"B1": "ab"}) == (
        b'<row r="1"><c r="A1" s="2"><f>1/0</f><v /></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
    )


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("=1+2*3^2", 19.0),  # ^ before *, * before +
        ("=-2^2", 4.0),  # negation before ^, as spreadsheets do
        ('=RIGHT(A1+1,2)&"/"&A1', "14/2013"),  # a whole number written into text without ".0"
        ("=IF(A2>0,A1/A2,1/0)", 671.0),  # only the branch taken is worked out
        ('=IF(B1="REAL",1,2)', 1.0),  # text compared regardless of case
        ("=AND(A1>2000,B2)", True),
        ("=SUM(A1:A2,1)+SUMPRODUCT(A1:A2,A1:A2)/MAX(1,ABS(-2))", 2017.0 + (2013**2 + 9) / 2),
        ("=SUM(A1:B2)", 2016.0),  # text and TRUE in a range do not count
        ("=Base*2", 4026.0),  # a defined name
        ("=MIN(A1,A2,5)*MAX(A2,1)", 9.0),  # 3 x 3: the smallest and the largest
    ],
)
def test_cached_values_work_formulas_out_as_a_spreadsheet_does(formula: str, expected: Any) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    from barnetmodel.output.xlsx_values import cached_values

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Inputs"
    sheet["A1"], sheet["A2"], sheet["B1"], sheet["B2"], sheet["C1"] = 2013, 3, "real", True, formula
    book.defined_names["Base"] = DefinedName("Base", attr_text="Inputs!$A$1")
    assert cached_values(book)["Inputs"]["C1"] == expected


# Named inputs, formulas in every kind of place, and names Excel would read otherwise: pay1 is a cell (column
# PAY, row 1), inflation is the workbook's own name, c is a column in R1C1 terms, Pay is pay to Excel.
NAMED = {
    "title": "Named inputs",
    "sources": {"judgement": "Our judgement"},
    "inputs": {
        "posts": {"value": 514, "source": "judgement", "note": "posts", "unit": "posts"},
        "pay": {"value": {"pert": {"low": 0.028, "mode": 0.031, "high": 0.036}}, "note": "£m a post"},
        "on_costs": 0.29,
        "staff_cost": "posts * pay * (1 + on_costs)",
        "pay1": 0.02,
        "inflation": 0.021,
        "c": 3,
        "Pay": "-c ** 2 + 2 ** 3 ** 0.5",  # -(3^2) + 2^(3^0.5): Excel reads -3^2 as 9 and 2^3^0.5 as 8^0.5
        "share": "min(0.5, max(pay1 * 10, 0.1))",
    },
    "horizon": {"start": 2013, "years": 4},
    "money": {"inflation": "inflation", "discount": 0.035},
    "targets": [{"name": "Saving", "amount": "c * 2", "by": 2015}],
    "baseline": "in_house",
    "options": {
        "in_house": {
            "title": "In-house",
            "lines": [
                {"name": "Staff", "annual": "staff_cost", "growth": "pay1"},
                {"name": "Odd", "annual": "Pay / (c - 1)", "ramp": ["share"]},
            ],
            "optimism_bias": {"uplift": "share / 5", "mitigated": 0.5},
        },
        "outsource": {
            "title": "Outsourced",
            "lines": [
                {"name": "Contract", "total": "c * 20", "term": [2013, 2016]},
                {"name": "Redundancy", "once": 2013, "amount": "175 * 0.025"},
            ],
            "risks": [{"name": "Failure", "probability": "share / 10", "cost": "staff_cost / 2"}],
        },
    },
}


@pytest.fixture(scope="module")
def named_book(tmp_path_factory: pytest.TempPathFactory) -> Evaluated:
    projection, results = run_engine(NAMED)
    return Evaluated(xlsx_out.render(projection, results), tmp_path_factory.mktemp("named"))


def test_named_inputs_are_named_cells_and_formulas_read_as_written(named_book: Evaluated) -> None:
    projection, results = run_engine(NAMED)
    assert_book_matches(named_book, projection, results)
    inputs = named_book.book["Inputs"]
    rows = {r[0]: r for r in inputs.iter_rows(values_only=True) if r[0] in NAMED["inputs"]}
    assert rows["staff_cost"][1] == "=posts*pay*(1+on_costs)"
    assert rows["Pay"][1] == "=-(c_^2)+2^(3^0.5)"
    assert rows["share"][1] == "=MIN(0.5,MAX(pay1_*10,0.1))"
    assert rows["posts"][1:7] == (514, "posts", None, "judgement", "Our judgement", "posts")
    assert rows["pay"][3] == "PERT: low 0.028, mode 0.031, high 0.036"
    defined = named_book.book.defined_names
    assert {"posts", "pay", "on_costs", "staff_cost", "pay1_", "inflation_", "c_", "Pay_", "share"} <= set(defined)
    # The central values, worked out by the workbook: -(3^2) + 2^(3^0.5) = -9 + 3.32199 = -5.67801.
    (row,) = named_book.rows("Inputs", "Pay")
    assert named_book.values[("INPUTS", f"B{row}")] == pytest.approx(-9 + 2 ** (3**0.5), rel=1e-12)
    lines = next(r for r in inputs.iter_rows(values_only=True) if r[:2] == ("in_house", "Staff"))
    assert lines[3:5] == ("=staff_cost", "=pay1_")


@pytest.mark.parametrize("name, value", [("pay", 0.034), ("c", 2.5), ("pay1", 0.04), ("inflation", 0.0)])
def test_change_a_named_input_and_watch_it_flow(named_book: Evaluated, name: str, value: float) -> None:
    (row,) = named_book.rows("Inputs", name)
    values = named_book.solve({("Inputs", f"B{row}"): value})
    changed_inputs = changed(NAMED, ("inputs", name), value)
    projection, results = run_engine(changed_inputs)
    assert_book_matches(named_book, projection, results, values)


def test_named_inputs_carry_their_values_for_programs_that_do_not_calculate(named_book: Evaluated) -> None:
    projection, results = run_engine(NAMED)
    cached = openpyxl.load_workbook(io.BytesIO(xlsx_out.render(projection, results)), data_only=True)
    checked = 0
    for sheet in named_book.book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    expected = named_book.values[(sheet.title.upper(), cell.coordinate)]
                    value = cached[sheet.title][cell.coordinate].value
                    if isinstance(expected, (bool, str)):
                        assert value == expected, cell.value
                    else:
                        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12), cell.value
                    checked += 1
    assert checked > 100
