"""Properties: the same payments give the same totals however they are split across files and written."""

from __future__ import annotations

import datetime
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnetmodel.payments import match_supplier, read_payments, summarise
from barnetmodel.payments.duplicates import first_copies
from barnetmodel.payments.ledger import financial_year

PAYEES = [
    "CAPITA BUSINESS SERVICES LTD",
    "Capita plc",
    "Capita Symonds",
    "Capital Cleaning Ltd",
    "Capitol Hill Ltd",
    "Café Ltd",
]
CAPITA = {"CAPITA BUSINESS SERVICES LTD", "Capita plc", "Capita Symonds"}

# How a file writes its header, dates and amounts: councils differ, and so may two files of one council.
LAYOUTS = [
    (("Date", "Supplier Name", "Amount", "Transaction Number"), "%d/%m/%Y", "£{:,.2f}", "utf-8-sig"),
    (("Payment Date", "Vendor Name", "Net Amount", "Reference"), "%d-%b-%Y", "{:.2f}", "cp1252"),
    (("Transaction Date", "Payee", "Amount (£)", "Invoice Number"), "%Y-%m-%d", "{:,.2f}", "utf-8"),
]

payment = st.tuples(
    st.dates(datetime.date(2012, 1, 1), datetime.date(2020, 12, 31)),
    st.sampled_from(PAYEES),
    st.integers(-500_000_00, 5_000_000_00),  # pence, credit notes among them
)


def amount(text_format: str, pence: int) -> str:
    if text_format == "{:.2f}" and pence < 0:  # this layout writes credit notes in brackets
        return f"({-pence / 100:,.2f})"
    return text_format.format(pence / 100)


def write_files(
    folder: Path, payments: list[tuple[datetime.date, str, int]], file_of: list[int], layout_of: list[int]
) -> None:
    """Each payment, numbered, in the file it is given to; each file in its layout, under a title row."""
    for file in sorted(set(file_of)):
        names, date_format, amount_format, encoding = LAYOUTS[layout_of[file % len(layout_of)]]
        lines = ["Payments over £500 (test: not real payments)", ",".join(names)]
        for number, ((day, payee, pence), where) in enumerate(zip(payments, file_of, strict=True)):
            if where == file:
                lines.append(f'{day.strftime(date_format)},{payee},"{amount(amount_format, pence)}",T{number}')
        (folder / f"file_{file:02}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


@settings(max_examples=60, deadline=None)
@given(
    payments=st.lists(payment, min_size=1, max_size=60),
    files=st.integers(1, 6),
    data=st.data(),
)
def test_totals_do_not_depend_on_how_payments_are_split_across_files(
    payments: list[tuple[datetime.date, str, int]], files: int, data: st.DataObject
) -> None:
    file_of = data.draw(st.lists(st.integers(0, files - 1), min_size=len(payments), max_size=len(payments)))
    layout_of = data.draw(st.lists(st.integers(0, len(LAYOUTS) - 1), min_size=files, max_size=files))
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), payments, file_of, layout_of)
        ledger = read_payments([Path(folder)])
        kept = read_payments([Path(folder)], payees=lambda names: match_supplier(names, ["Capita"], []))
    summary = summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
    assert summarise(kept, match_supplier(kept.payee.values, ["Capita"], [])) == summary

    years: Counter[int] = Counter()
    by_payee: Counter[str] = Counter()
    for day, payee, pence in payments:
        if payee in CAPITA:
            years[int(financial_year(np.array([day], dtype="datetime64[D]"))[0])] += pence
            by_payee[payee] += pence
    assert {year: a.net_pence for year, a in summary.years.items()} == dict(years)
    assert {name: a.net_pence for name, a in summary.payees.items()} == dict(by_payee)
    assert summary.total.net_pence == sum(years.values())
    assert len(ledger) == len(payments) and ledger.duplicates.rows == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=40))
def test_repeats_keep_as_many_copies_as_the_fullest_file(rows: list[tuple[int, int, int]]) -> None:
    """A payment in several files is counted as often as the file holding it most often holds it."""
    rows = sorted(rows, key=lambda row: row[2])  # in file order
    keys = [np.array([row[i] for row in rows]) for i in range(2)]
    file = np.array([row[2] for row in rows])
    most: Counter[tuple[int, int]] = Counter()
    for one_file in set(file.tolist()):
        for key, count in Counter(row[:2] for row in rows if row[2] == one_file).items():
            most[key] = max(most[key], count)
    seen: Counter[tuple[int, int]] = Counter()
    expected = []
    for row in rows:
        seen[row[:2]] += 1
        expected.append(seen[row[:2]] <= most[row[:2]])
    assert first_copies(keys, file).tolist() == expected


def test_both_ways_of_finding_shared_numbers_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from barnetmodel.payments import duplicates

    rng = np.random.default_rng(7)
    mixed = rng.integers(0, 2**63, 5000).astype(np.uint64)
    mixed[[3, 4000, 4999]] = mixed[17]  # one number four times
    mixed[100] = mixed[2500]
    fast = duplicates._sharing_a_number(mixed)
    monkeypatch.setattr(duplicates, "_ROW_BITS", 4)  # 5,000 rows are too many for 4 bits: the argsort way
    assert fast.tolist() == duplicates._sharing_a_number(mixed).tolist() == [3, 17, 100, 2500, 4000, 4999]


AUDITED = """\
title: Property
horizon: {start: 2013, years: 5}
money: {unit: £k, prices: nominal, price_base: 2013, inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house: {title: In-house, lines: [{name: Staff, annual: 10}]}
  outsource: {title: Outsourced, lines: [{name: Contract, annual: 8}]}
"""


@settings(max_examples=25, deadline=None)
@given(payments=st.lists(payment, min_size=1, max_size=40), splits=st.data())
def test_the_audits_figures_do_not_depend_on_how_payments_are_split_across_files(
    payments: list[tuple[datetime.date, str, int]], splits: st.DataObject
) -> None:
    """The whole of `audit`'s results but the list of files read: the same, split into one file or many,
    in any layout; and its paid figures are the payments' own sums (in £k: pence / 100,000)."""
    from barnetmodel.analysis.audit import audit
    from barnetmodel.scenario.load import load

    found = []
    for files in (1, splits.draw(st.integers(2, 6))):
        file_of = splits.draw(st.lists(st.integers(0, files - 1), min_size=len(payments), max_size=len(payments)))
        layout_of = splits.draw(st.lists(st.integers(0, len(LAYOUTS) - 1), min_size=files, max_size=files))
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "scenario.yaml").write_text(AUDITED, encoding="utf-8")
            (payments_folder := Path(folder) / "payments").mkdir()
            write_files(payments_folder, payments, file_of, layout_of)
            result = audit(load(str(Path(folder) / "scenario.yaml")), read_payments([payments_folder]), ["Capita"])
        found.append({key: value for key, value in result.items() if key not in {"files", "scenario"}})
    assert found[0] == found[1]

    years: Counter[int] = Counter()
    for day, payee, pence in payments:
        if payee in CAPITA:
            years[int(financial_year(np.array([day], dtype="datetime64[D]"))[0])] += pence
    shown = {row["year"]: row["nominal"]["paid"] for row in found[0]["years"]}
    shown |= {row["year"]: row["nominal"]["net"] for row in found[0]["outside_horizon"]["years"]}
    assert {year: value for year, value in shown.items() if value} == {
        year: pence / 100_000 for year, pence in years.items() if pence
    }
