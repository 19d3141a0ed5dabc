"""Totals: financial years, payees and categories, largest first, credit notes netted off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from payment_helpers import write

from barnetmodel.payments import match_supplier, read_payments, summarise
from barnetmodel.payments.ledger import financial_year


@pytest.mark.parametrize(
    ("day", "year"),
    [
        ("2013-04-01", 2013),
        ("2014-03-31", 2013),
        ("2014-04-01", 2014),
        ("2014-01-01", 2013),
        ("2013-12-31", 2013),
        ("1969-03-31", 1968),
        ("1969-04-01", 1969),
    ],
)
def test_financial_years_run_april_to_march(day: str, year: int) -> None:
    assert financial_year(np.array([day], dtype="datetime64[D]")).tolist() == [year]


def test_largest_first_ties_by_name_and_credit_notes_net_off(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.csv",
        "Date,Supplier,Amount,Expense Type\r\n"
        "31/03/2014,Capita plc,100.00,Fees\r\n"  # 2013/14
        "01/04/2014,Capita plc,300.00,Fees\r\n"  # 2014/15 from here
        "02/04/2014,Capita plc,(50.00),Fees\r\n"
        "03/04/2014,CAPITA PLC,250.00,Projects\r\n"
        "04/04/2014,Capita Symonds,250.00,Pass-through\r\n"
        "05/04/2014,Capita Symonds,-400.00,Refunds\r\n"
        "06/04/2014,Capital Cleaning Ltd,999.00,Projects\r\n",
    )
    ledger = read_payments([path])
    summary = summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
    assert {y: (a.rows, a.paid, a.credited, a.net) for y, a in summary.years.items()} == {
        2013: (1, 100.00, 0.00, 100.00),
        2014: (5, 800.00, -450.00, 350.00),  # 300 - 50 + 250 + 250 - 400
    }
    assert [(name, a.net) for name, a in summary.payees.items()] == [
        ("Capita plc", 350.00),  # 100 + 300 - 50
        ("CAPITA PLC", 250.00),
        ("Capita Symonds", -150.00),
    ]
    # Fees 250.00, then Pass-through and Projects at 250.00 each (by name), then Refunds -400.00.
    assert [(k, v.net) for k, v in summary.categories["expense_type"][2014].items()] == [
        ("Fees", 250.00),
        ("Pass-through", 250.00),
        ("Projects", 250.00),
        ("Refunds", -400.00),
    ]
    assert (summary.repeated.rows, summary.skipped.rows, summary.skipped_without_amount) == (0, 0, 0)


def test_nothing_matched_is_all_zero(tmp_path: Path) -> None:
    ledger = read_payments([write(tmp_path, "p.csv", "Date,Supplier,Amount\r\n01/04/2014,Other Ltd,5\r\n")])
    summary = summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
    assert (summary.total.rows, summary.total.net, summary.years, summary.payees) == (0, 0.0, {}, {})


def test_pence_sums_are_exact(tmp_path: Path) -> None:
    # 0.10 + 0.20 is 0.30000000000000004 in floats; in pence it is 30.
    text = "Date,Supplier,Amount\r\n" + "01/04/2014,Capita plc,0.10\r\n01/04/2014,Capita plc,0.20\r\n" * 1000
    ledger = read_payments([write(tmp_path, "p.csv", text)])
    summary = summarise(ledger, np.ones(len(ledger.payee.values), dtype=bool))
    assert summary.total.net_pence == 30_000 and summary.total.net == 300.00


@pytest.mark.parametrize("supplier", ["Capita", "capita plc"])
def test_a_summary_is_the_same_every_time(tmp_path: Path, supplier: str) -> None:
    path = write(tmp_path, "p.csv", "Date,Supplier,Amount\r\n01/04/2014,Capita plc,5\r\n02/04/2014,Capita plc,6\r\n")
    first, second = (read_payments([path]) for _ in range(2))
    assert summarise(first, match_supplier(first.payee.values, [supplier], [])) == summarise(
        second, match_supplier(second.payee.values, [supplier], [])
    )
