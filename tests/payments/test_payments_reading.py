"""Reading councils' files, each total worked out by hand.

The fixtures in data/ (made up, in councils' layouts):
- council_a/: the Transparency Code's suggested layout, Windows-1252 (£ is byte 0xA3), three
  title rows above the header, amounts "£1,234.56" and "£-12,000.00", dates 01/04/2013. Its
  March 2014 file republishes a row of April 2013 (transaction 5100005) and ends in blank rows.
- council_b.csv: another layout (Payment Date, Vendor Name, Net Amount (£), Expenditure
  Category, Service Area, Invoice Number), UTF-8 with a BOM, notes above the header, credit
  notes in brackets, dates 01-Apr-2014, 15-APR-14 and 1 May 2014, a payee "Café Crème Ltd".
- council_c.csv: UTF-8 without a BOM, ISO dates, plain amounts, no transaction numbers, a
  description column, and one payment twice in the same file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from payment_helpers import DATA

from barnetmodel.payments import Ledger, match_supplier, read_payments, summarise
from barnetmodel.payments.summary import Summary


def capita(ledger: Ledger, exclude: list[str] = []) -> Summary:  # noqa: B006 (never changed)
    return summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], exclude))


def net(summary: Summary) -> dict[int, float]:
    return {year: amounts.net for year, amounts in summary.years.items()}


def test_council_a_windows_1252_title_rows_and_a_republished_row() -> None:
    ledger = read_payments([DATA / "council_a"])
    assert [(f.path.rsplit("/", 1)[-1], f.encoding, f.header_line) for f in ledger.files] == [
        ("2013_04.csv", "Windows-1252", 4),
        ("2014_03.csv", "Windows-1252", 4),
        ("2014_04.csv", "Windows-1252", 4),
    ]
    assert [(f.rows, f.repeated_rows, f.blank_rows) for f in ledger.files] == [(6, 0, 0), (4, 1, 3), (2, 0, 0)]
    assert ledger.files[0].columns == {
        "date": "Date",
        "payee": "Supplier Name",
        "amount": "Amount",
        "transaction": "Transaction Number",
        "expense_type": "Expenses Type",
        "service_area": "Service Area Categorisation",
    }
    # 12 rows read; transaction 5100005 (30/04/2013, -£12,000.00) again in March 2014: dropped.
    assert len(ledger) == 11
    assert (ledger.duplicates.rows, int(ledger.duplicates.pence.sum())) == (1, -1_200_000)

    summary = capita(ledger)
    # 2013/14: 2,663,000.00 + 1,050,000.00 (Symonds) + 12,345.67 (plc) - 12,000.00 (credit)
    #          + 2,663,000.00 (March) + 1,500.50 (31 March, "Capita Business Services Ltd") = 6,377,846.17
    # 2014/15: 2,700,000.00 (1 April 2014) - 250.00 (plc credit)                            = 2,699,750.00
    # Never counted: Capital Cleaning Ltd (4,500.00, 999.99), Capitol Hill Ltd (8,000.00).
    assert net(summary) == {2013: 6_377_846.17, 2014: 2_699_750.00}
    # Net 6,377,846.17 + 2,699,750.00 = 9,077,596.17: payments 9,089,846.17, credit notes -12,000.00 - 250.00.
    assert summary.total.net_pence == 907_759_617
    assert (summary.total.paid_pence, summary.total.credited_pence) == (908_984_617, -1_225_000)
    assert summary.repeated.rows == 1 and summary.repeated.net == -12_000.00
    assert {name: (a.rows, a.net) for name, a in summary.payees.items()} == {
        # 2,663,000.00 - 12,000.00 + 2,663,000.00 + 2,700,000.00
        "CAPITA BUSINESS SERVICES LTD": (4, 8_014_000.00),
        "Capita Symonds Ltd": (1, 1_050_000.00),
        "Capita plc": (2, 12_095.67),  # 12,345.67 - 250.00
        "Capita Business Services Ltd": (1, 1_500.50),
    }
    # What the payments were for, largest first: 2013/14 contract payments 2,663,000 + 1,050,000
    # - 12,000 + 2,663,000 = 6,364,000.00; projects 12,345.67 + 1,500.50 = 13,846.17.
    assert {k: v.net for k, v in summary.categories["expense_type"][2013].items()} == {
        "Contract Payments": 6_364_000.00,
        "Projects": 13_846.17,
    }
    assert list(summary.categories["service_area"][2014]) == ["Customer Support Group"]


def test_council_b_utf8_bom_brackets_and_named_months() -> None:
    ledger = read_payments([DATA / "council_b.csv"])
    (report,) = ledger.files
    assert (report.encoding, report.header_line, report.rows) == ("UTF-8 with BOM", 4, 7)
    assert report.columns["amount"] == "Net Amount (£)"
    assert "Café Crème Ltd" in ledger.payee.values
    summary = capita(ledger)
    # 2014/15: 1,000,000.00 (1 April 2014) + 25,000.00 (15-APR-14, Property and Infrastructure)
    #          - 5,000.00 ("(5,000.00)", 1 May 2014) + 2,000.00 ("£2,000.00", 31 March 2015) = 1,022,000.00
    # 2015/16: 300.00 (1-Apr-2015, Capita plc)
    assert net(summary) == {2014: 1_022_000.00, 2015: 300.00}
    # Core contract fee 1,000,000 - 5,000 + 2,000 = 997,000.00, then special projects 25,000.00.
    assert [(k, v.net) for k, v in summary.categories["expense_type"][2014].items()] == [
        ("Core Contract Fee", 997_000.00),
        ("Special Projects", 25_000.00),
    ]


def test_council_c_a_payment_twice_in_one_file_is_two_payments() -> None:
    ledger = read_payments([DATA / "council_c.csv"])
    assert ledger.files[0].encoding == "UTF-8"
    assert "transaction" not in ledger.files[0].columns
    assert ledger.duplicates.rows == 0
    summary = capita(ledger)
    # 500.00 + 500.00 (the same licence fee twice, both kept) - 100.00 (Capita Resourcing's refund);
    # "Capitalise Ltd" is not Capita.
    assert net(summary) == {2014: 900.00}
    assert summary.payees["Capita plc"].rows == 2
    assert {k: v.net for k, v in summary.categories["description"][2014].items()} == {
        "Licence fee": 1_000.00,
        "Refund of an overpayment": -100.00,
    }


def test_three_councils_at_once() -> None:
    ledger = read_payments([DATA / "council_a", DATA / "council_b.csv", DATA / "council_c.csv"])
    summary = capita(ledger)
    # 2013/14: council A's 6,377,846.17. 2014/15: 2,699,750.00 (A) + 1,022,000.00 (B) + 900.00 (C)
    # = 3,722,650.00. 2015/16: 300.00 (B).
    assert net(summary) == {2013: 6_377_846.17, 2014: 3_722_650.00, 2015: 300.00}
    assert set(ledger.categories) == {"expense_type", "service_area", "description"}
    # A file without a column gives "" there: council C's rows have no expense type.
    assert summary.categories["expense_type"][2014][""].net == 900.00


def test_excluding_a_company() -> None:
    ledger = read_payments([DATA / "council_a"])
    # Without Capita Symonds' 1,050,000.00 in 2013/14.
    assert net(capita(ledger, exclude=["Capita Symonds"])) == {2013: 5_327_846.17, 2014: 2_699_750.00}


def test_the_same_file_named_twice_is_read_once() -> None:
    ledger = read_payments([DATA / "council_c.csv", DATA / "council_c.csv", DATA / "." / "council_c.csv"])
    assert len(ledger.files) == 1 and len(ledger) == 4


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_file_order_changes_no_total(order: list[int]) -> None:
    files = sorted((DATA / "council_a").glob("*.csv"))
    ledger = read_payments([files[i] for i in order])
    assert net(capita(ledger)) == {2013: 6_377_846.17, 2014: 2_699_750.00}
    assert ledger.duplicates.rows == 1


def test_the_ledger_is_compact_columns() -> None:
    ledger = read_payments([DATA / "council_a"])
    assert ledger.day.dtype == "datetime64[D]" and ledger.pence.dtype == "int64"
    assert ledger.payee.codes.dtype == "int32" and ledger.file.dtype == "int32"
    assert ledger.day[0] == ledger.day.dtype.type("2013-04-01")
    assert ledger.payee.text(0) == "CAPITA BUSINESS SERVICES LTD"
    assert ledger.financial_year.tolist()[:1] == [2013]
    assert len({int(h) for h in ledger.transaction}) == len(ledger)  # every number distinct, none blank


def test_the_illustrative_files_in_scenarios() -> None:
    """scenarios/payments/: made up, and marked so in every file; totals as its README gives them."""
    folder = DATA.parent.parent.parent / "scenarios" / "payments"
    assert "not real payments" in (folder / "README.md").read_text(encoding="utf-8")
    for path in sorted(folder.glob("*.csv")):
        assert "Illustrative: not real payments" in path.read_bytes().decode("cp1252").splitlines()[0], path
    ledger = read_payments([folder])
    assert len(ledger.files) == 24 and ledger.duplicates.rows == 1
    both = summarise(ledger, match_supplier(ledger.payee.values, ["Capita", "Regional Enterprise"], []))
    assert net(both) == {2013: 49_925_000.04, 2014: 55_542_000.00}
    assert net(capita(ledger)) == {2013: 37_325_000.04, 2014: 42_690_000.00}


def test_keeping_only_the_suppliers_payments_changes_no_total() -> None:
    paths = [DATA / "council_a", DATA / "council_b.csv", DATA / "council_c.csv"]
    everyone = read_payments(paths)
    asked: list[list[str]] = []

    def capita_only(names: Sequence[str]) -> np.ndarray:
        asked.append(list(names))
        return match_supplier(names, ["Capita"], [])

    ledger = read_payments(paths, payees=capita_only)
    assert capita(ledger) == capita(everyone)
    # 23 payments read; to Capita's companies 9 in council A's files (one republished), 5 in
    # B's, 3 in C's: 17 kept, 16 once the repeat is dropped.
    assert sum(f.rows for f in ledger.files) == sum(f.kept for f in everyone.files) == 23
    assert sum(f.kept for f in ledger.files) == 17 and len(ledger) == 16
    assert "Capital Cleaning Ltd" not in {ledger.payee.values[code] for code in ledger.payee.codes}
    # Each name is asked about once: council A's first file is read twice (not UTF-8), and
    # what the first try asked was forgotten with it.
    names = [name for batch in asked for name in batch]
    assert len(names) == len(set(names))
