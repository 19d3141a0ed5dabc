"""`barnetmodel audit`'s figures (analysis.audit) against totals worked out by hand from two small files.

The fixture: a scenario in £m, nominal prices, price_base 2013/14, inflation 2%, horizon 2013/14 to
2015/16; baseline in_house (10 a year), first other option outsource (8 a year), a third, alt (9 a year).

2013.csv (UTF-8, a title row, "£1,234.56" amounts, an expense type):
  15/03/2013 Capita plc                    1,000,000.00  T0  Core Fee  -> 2012/13, before the horizon
  01/04/2013 CAPITA BUSINESS SERVICES LTD  2,000,000.00  T1  Core Fee  -> 2013/14
  01/05/2013 Capital Cleaning Ltd              5,000.00  T2  Cleaning  -> a decoy, never counted
  31/03/2014 Capita Symonds                  500,000.50  T3  Projects  -> 2013/14
  10/06/2013 CAPITA BUSINESS SERVICES LTD   -100,000.00  T4  Core Fee  -> 2013/14, a credit note
2014.csv (Windows-1252, other header names, plain amounts, a service area):
  31/03/2014 Capita Symonds                  500000.50   T3  Highways  -> the same payment again: dropped
  01/04/2014 Capita plc                      3000000     T5  Support   -> 2014/15
  01/04/2016 Capita plc                      250000      T6  Support   -> 2016/17, after the horizon

Worked out:
  paid 2013/14 = 2,000,000 + 500,000.50 - 100,000 = 2,400,000.50 pounds = 2.4000005 £m
  paid 2014/15 = 3.0 £m; 2015/16 = 0
  promised (nominal) 8, 8, 8; differences -5.5999995, -5.0, -8.0
  running paid 2.4000005, 5.4000005, 5.4000005; running promised 8, 16, 24
  deflators 1, 1/1.02, 1/1.02**2 = 1/1.0404
  real paid 2.4000005, 3/1.02 = 2.94117647..., 0; real promised 8, 7.84313725..., 7.68935025...
  totals nominal: paid 5.4000005, promised 24, baseline 30, difference -18.5999995
  outside: 2012/13 1.0 £m (real: 1.0 * 1.02 = 1.02), 2016/17 0.25 £m (real 0.25 / 1.02**3 = 0.23557998...)
  payees: Capita plc 3 rows, 1 + 3 + 0.25 = 4.25; CAPITA BUSINESS SERVICES LTD 2 rows, 2 - 0.1 = 1.9;
          Capita Symonds 1 row, 0.5000005; all: 4.25 + 1.9 + 0.5000005 = 6.6500005 = 5.4000005 + 1 + 0.25
  duplicates: 1 row dropped, 0.5000005 £m
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from barnetmodel.analysis.audit import audit
from barnetmodel.errors import ScenarioError
from barnetmodel.payments import read_payments
from barnetmodel.scenario.load import load

SCENARIO = """\
title: Audit fixture
horizon: {start: 2013, years: 3}
money: {unit: UNIT, prices: nominal, price_base: 2013, inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 8}
  alt:
    title: Another
    lines:
      - {name: Contract, annual: 9}
"""

FILE_2013 = """\
Spending over £500 (test fixture: made up, not real payments),,,,
Date,Supplier Name,Amount,Transaction Number,Expenses Type
15/03/2013,Capita plc,"£1,000,000.00",T0,Core Fee
01/04/2013,CAPITA BUSINESS SERVICES LTD,"£2,000,000.00",T1,Core Fee
01/05/2013,Capital Cleaning Ltd,"£5,000.00",T2,Cleaning
31/03/2014,Capita Symonds,"£500,000.50",T3,Projects
10/06/2013,CAPITA BUSINESS SERVICES LTD,"-£100,000.00",T4,Core Fee
"""

FILE_2014 = """\
Payment Date,Vendor Name,Net Amount,Transaction Number,Service Area
31/03/2014,Capita Symonds,500000.50,T3,Highways
01/04/2014,Capita plc,3000000,T5,Support
01/04/2016,Capita plc,250000,T6,Support
"""


def fixture(folder: Path, unit: str = "£m") -> tuple[str, list[Path]]:
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO.replace("UNIT", unit), encoding="utf-8")
    payments = folder / "payments"
    payments.mkdir()
    (payments / "2013.csv").write_text(FILE_2013, encoding="utf-8")
    (payments / "2014.csv").write_bytes(FILE_2014.encode("cp1252"))
    return str(scenario), [payments / "2013.csv", payments / "2014.csv"]


def audited(folder: Path, unit: str = "£m", **options: Any) -> dict[str, Any]:
    scenario, files = fixture(folder, unit)
    return audit(load(scenario), read_payments(files), ["Capita"], **options)


def test_paid_promised_differences_and_running_totals(tmp_path: Path) -> None:
    result = audited(tmp_path)
    years = result["years"]
    assert [y["label"] for y in years] == ["2013/14", "2014/15", "2015/16"]
    nominal = [y["nominal"] for y in years]
    assert [n["paid"] for n in nominal] == pytest.approx([2.4000005, 3.0, 0.0], abs=1e-12)
    assert [n["promised"] for n in nominal] == pytest.approx([8, 8, 8])
    assert [n["difference"] for n in nominal] == pytest.approx([-5.5999995, -5.0, -8.0], abs=1e-12)
    assert [n["paid_to_date"] for n in nominal] == pytest.approx([2.4000005, 5.4000005, 5.4000005], abs=1e-12)
    assert [n["promised_to_date"] for n in nominal] == pytest.approx([8, 16, 24])
    assert [n["baseline"] for n in nominal] == pytest.approx([10, 10, 10])
    assert result["totals"]["nominal"] == pytest.approx(
        {"paid": 5.4000005, "promised": 24, "baseline": 30, "difference": -18.5999995}, abs=1e-12
    )


def test_real_terms_with_the_scenarios_deflator(tmp_path: Path) -> None:
    result = audited(tmp_path)
    years = result["years"]
    assert [y["deflator"] for y in years] == pytest.approx([1, 1 / 1.02, 1 / 1.0404])
    real = [y["real"] for y in years]
    assert [r["paid"] for r in real] == pytest.approx([2.4000005, 3 / 1.02, 0.0])
    assert [r["promised"] for r in real] == pytest.approx([8, 8 / 1.02, 8 / 1.0404])
    assert [r["difference"] for r in real] == pytest.approx([2.4000005 - 8, (3 - 8) / 1.02, -8 / 1.0404])
    assert real[-1]["paid_to_date"] == pytest.approx(2.4000005 + 3 / 1.02)
    assert real[-1]["promised_to_date"] == pytest.approx(8 + 8 / 1.02 + 8 / 1.0404)
    assert result["totals"]["real"]["baseline"] == pytest.approx(10 + 10 / 1.02 + 10 / 1.0404)
    assert result["money"]["units"] == {"nominal": "£m, nominal", "real": "£m, real 2013/14 prices"}


def test_payments_outside_the_horizon_are_shown_apart(tmp_path: Path) -> None:
    outside = audited(tmp_path)["outside_horizon"]
    assert [(y["label"], y["before_horizon"], y["nominal"]["rows"]) for y in outside["years"]] == [
        ("2012/13", True, 1),
        ("2016/17", False, 1),
    ]
    assert [y["nominal"]["net"] for y in outside["years"]] == pytest.approx([1.0, 0.25])
    assert [y["real"] for y in outside["years"]] == pytest.approx([1.02, 0.25 / 1.02**3])
    assert outside["nominal"] == pytest.approx(1.25)
    assert outside["real"] == pytest.approx(1.02 + 0.25 / 1.02**3)


def test_payees_matched_duplicates_and_the_whole(tmp_path: Path) -> None:
    result = audited(tmp_path)
    assert [(p["name"], p["rows"], p["net"]) for p in result["payees"]] == [
        ("Capita plc", 3, pytest.approx(4.25)),
        ("CAPITA BUSINESS SERVICES LTD", 2, pytest.approx(1.9)),
        ("Capita Symonds", 1, pytest.approx(0.5000005)),
    ]
    business = result["payees"][1]
    assert (business["paid"], business["credited"], business["net_pounds"]) == (2.0, -0.1, 1_900_000.0)
    assert result["all_payments"]["nominal"]["net"] == pytest.approx(6.6500005)
    assert result["all_payments"]["nominal"]["net"] == pytest.approx(
        result["totals"]["nominal"]["paid"] + result["outside_horizon"]["nominal"]
    )
    assert result["duplicates"]["rows_dropped"] == 1
    assert result["duplicates"]["matched"]["rows"] == 1
    assert result["duplicates"]["matched"]["net"] == pytest.approx(0.5000005)


def test_largest_categories_each_year(tmp_path: Path) -> None:
    categories = audited(tmp_path)["categories"]
    by_year = {y["label"]: [(c["name"], c["net"]) for c in y["categories"]] for y in categories["expense_type"]}
    # 2013/14: Core Fee 2,000,000 - 100,000 = 1.9; Projects 0.5000005; the decoy's Cleaning is not there
    assert by_year["2013/14"] == [("Core Fee", pytest.approx(1.9)), ("Projects", pytest.approx(0.5000005))]
    assert by_year["2014/15"] == [("", pytest.approx(3.0))]  # 2014.csv has no expense type
    areas = {y["label"]: [(c["name"], c["net"]) for c in y["categories"]] for y in categories["service_area"]}
    assert areas["2014/15"] == [("Support", pytest.approx(3.0))]


@pytest.mark.parametrize(
    "unit, per_pound",
    [("£", 1), ("£k", 1e-3), ("£m", 1e-6), ("£bn", 1e-9)],
)
def test_pounds_converted_to_the_scenarios_unit(tmp_path: Path, unit: str, per_pound: float) -> None:
    result = audited(tmp_path, unit)
    # 2013/14 paid: 2,400,000.50 pounds
    assert result["years"][0]["nominal"]["paid"] == pytest.approx(2_400_000.50 * per_pound)
    assert result["money"]["units"]["nominal"] == f"{unit}, nominal"


def test_a_unit_the_audit_cannot_convert_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as error:
        audited(tmp_path, "$m")
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == (("money", "unit"), 3)
    assert "cannot convert them to '$m'" in problem.message


def test_the_promise_is_the_first_other_option_unless_named(tmp_path: Path) -> None:
    first = audited(tmp_path)
    assert first["promised"] == {"option": "outsource", "title": "Outsourced"}
    assert first["baseline"] == {"option": "in_house", "title": "In-house"}
    (named_folder := tmp_path / "named").mkdir()
    named = audited(named_folder, option="alt")
    assert [y["nominal"]["promised"] for y in named["years"]] == pytest.approx([9, 9, 9])
    (wrong := tmp_path / "wrong").mkdir()
    with pytest.raises(ScenarioError, match="'alts' is not an option to audit; did you mean 'alt'"):
        audited(wrong, option="alts")


def test_the_deflator_is_the_engines(tmp_path: Path) -> None:
    from conftest import computed

    scenario, _ = fixture(tmp_path)
    _, results = computed(Path(scenario), draws=0)
    result = audit(load(scenario), read_payments([tmp_path / "payments"]), ["Capita"])
    assert [y["deflator"] for y in result["years"]] == [1 / index for index in results["price_index"]]
    assert [y["nominal"]["promised"] for y in result["years"]] == results["options"][1]["yearly"]["cost_nominal"]


def series_audited(folder: Path, inflation: str) -> dict[str, Any]:
    """The fixture with `money.inflation` a deflator series instead of 2% a year."""
    scenario, files = fixture(folder)
    text = Path(scenario).read_text(encoding="utf-8").replace("inflation: 0.02", f"inflation: {inflation}")
    Path(scenario).write_text(text, encoding="utf-8")
    return audit(load(scenario), read_payments(files), ["Capita"])


def test_payments_outside_the_horizon_in_real_terms_by_a_deflator_series(tmp_path: Path) -> None:
    # The run's JSON has no inflation rate for a series (null): the years outside the horizon are deflated by the
    # series itself, D(2013) / D(year), as the horizon's are (it raised a TypeError).
    from barnetmodel.data.series import series

    deflator = series("gdp_deflator")
    result = series_audited(tmp_path, "{series: gdp_deflator}")
    outside = result["outside_horizon"]["years"]
    expected = [deflator.value(2013) / deflator.value(2012), deflator.value(2013) / deflator.value(2016)]
    assert [y["deflator"] for y in outside] == pytest.approx(expected)
    assert [y["real"] for y in outside] == pytest.approx([1.0 * expected[0], 0.25 * expected[1]])
    assert result["years"][1]["deflator"] == pytest.approx(deflator.value(2013) / deflator.value(2014))


def test_a_payment_year_a_deflator_series_cannot_price_is_a_located_error(tmp_path: Path) -> None:
    from barnetmodel.data.series import series

    last = series("gdp_deflator").last
    scenario, _ = fixture(tmp_path)
    text = Path(scenario).read_text(encoding="utf-8").replace("inflation: 0.02", "inflation: {series: gdp_deflator}")
    Path(scenario).write_text(text, encoding="utf-8")
    late = tmp_path / "late.csv"
    late.write_text(f"Date,Supplier Name,Amount\n01/06/{last + 1},Capita plc,1000\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        audit(load(scenario), read_payments([late]), ["Capita"])
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == (("money", "inflation"), 3)
    assert "cannot be put in real terms" in problem.message and "give `after`" in problem.message
    # With `after`, the years past the series take it: D(2013) / (D(last) x 1.03).
    text = text.replace("{series: gdp_deflator}", "{series: gdp_deflator, after: 0.03}")
    Path(scenario).write_text(text, encoding="utf-8")
    (year,) = audit(load(scenario), read_payments([late]), ["Capita"])["outside_horizon"]["years"]
    found = series("gdp_deflator")
    assert year["deflator"] == pytest.approx(found.value(2013) / (found.value(last) * 1.03))
