"""The header row, found by the names councils give their columns."""

from __future__ import annotations

import pytest

from barnetmodel.errors import ScenarioError
from barnetmodel.payments.headers import KNOWN_NAMES, check_columns, find_header, header_key


@pytest.mark.parametrize("name", ["Amount (£)", "AMOUNT", " amount_", "Amount £", "amount", "Amount  ", "(£) Amount"])
def test_names_compare_without_case_punctuation_or_pound(name: str) -> None:
    assert header_key(name) == "amount"


def test_underscores_and_dots_are_spaces() -> None:
    assert header_key("Supplier_Name") == header_key("Supplier Name") == "supplier name"
    assert header_key("Transaction No.") == "transaction no"


def test_every_known_name_belongs_to_one_field() -> None:
    owners: dict[str, str] = {}
    for field, names in KNOWN_NAMES.items():
        for name in names:
            assert owners.setdefault(header_key(name), field) == field, name


def rows(*lines: str) -> list[list[str]]:
    return [line.split(",") for line in lines]


def test_title_rows_and_notes_above_the_header_are_skipped() -> None:
    found = find_header(
        rows(
            "Expenditure over £500,,", ",,", "Note: net of VAT,,", "Supplier,Date Paid,Value", "Capita plc,01/04/2013,5"
        ),
        [1, 2, 3, 4, 5],
        {},
    )
    assert not isinstance(found, str)
    assert (found.row, found.line) == (3, 4)
    assert found.columns == {"payee": 0, "date": 1, "amount": 2}
    assert found.names == {"payee": "Supplier", "date": "Date Paid", "amount": "Value"}


def test_the_name_listed_first_wins_wherever_its_column_is() -> None:
    found = find_header(rows("Posting Date,Payment Date,Vendor,Total,Net Amount"), [1], {})
    assert not isinstance(found, str)
    assert found.columns == {"date": 1, "payee": 2, "amount": 4}


def test_a_column_the_list_does_not_know_can_be_named() -> None:
    # Cannock Chase's amount column, for one: SumOfAmount_Exc_VAT.
    header = rows("Paid On,Supplier,SumOfAmount_Exc_VAT,SumOfAmount_Inc_VAT")
    assert isinstance(find_header(header, [1], {}), str)
    found = find_header(header, [1], check_columns({"date": "Paid on", "amount": "sumofamount exc vat"}))
    assert not isinstance(found, str)
    assert found.columns == {"date": 0, "payee": 1, "amount": 2}


def test_no_header_says_what_is_missing_and_where_it_looked() -> None:
    message = find_header(rows("Title,,", "Date,Supplier Name,Cost"), [1, 3], {})
    assert isinstance(message, str)
    assert "line 3 has no amount column among 'Date', 'Supplier Name', 'Cost'" in message
    assert "--column" in message


def test_the_header_is_looked_for_in_the_first_50_rows_only() -> None:
    many = [["note"]] * 50 + [["Date", "Payee", "Amount"]]
    assert isinstance(find_header(many, list(range(1, 52)), {}), str)
    assert not isinstance(find_header(many[1:], list(range(1, 51)), {}), str)


def test_unknown_fields_are_an_error_naming_the_option() -> None:
    with pytest.raises(ScenarioError) as raised:
        check_columns({"amount": "Net Value", "cost": "Cost", "date": " "})
    messages = [str(problem) for problem in raised.value.problems]
    assert messages[0].startswith("--column cost=Cost: no field 'cost'")
    assert messages[1].startswith("--column date= :")
    assert check_columns({"Expense-Type": "Kind"}) == {"expense_type": "Kind"}


def test_docs_list_every_known_name() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "audit.md").read_text(encoding="utf-8")
    for field, names in KNOWN_NAMES.items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| {field} "))
        assert row.split("|")[2].strip() == ", ".join(names), field
