"""Find the header row of a payments file by the names councils give their columns.

Councils title the same column differently ("Supplier Name", "Vendor", "Beneficiary") and put
titles and notes above the header, so the header is the first row, among the first
HEADER_SEARCH_ROWS, that names a date, a payee and an amount column. Names are compared
ignoring case, punctuation, spaces and "(£)"; where several columns of a row match one field,
the name listed first below wins (so "Payment Date" beats "Posting Date").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from barnetmodel.errors import Problem, ScenarioError

HEADER_SEARCH_ROWS = 50

REQUIRED = ("date", "payee", "amount")
OPTIONAL = ("transaction", "expense_type", "service_area", "description")
FIELDS = REQUIRED + OPTIONAL
CATEGORIES = ("expense_type", "service_area", "description")

# The names each field goes by, most specific first: docs/audit.md lists them for users.
KNOWN_NAMES: dict[str, tuple[str, ...]] = {
    "date": (
        "Payment Date",
        "Date Paid",
        "Paid Date",
        "Date of Payment",
        "Pay Date",
        "Transaction Date",
        "Date",
        "Posting Date",
        "Posted Date",
    ),
    "payee": (
        "Supplier Name",
        "Supplier",
        "Vendor Name",
        "Vendor",
        "Payee Name",
        "Payee",
        "Beneficiary Name",
        "Beneficiary",
        "Creditor Name",
        "Creditor",
        "Merchant Name",
        "Recipient",
    ),
    "amount": (
        "Amount",
        "Amount (£)",
        "Amount GBP",
        "Net Amount",
        "Amount Paid",
        "Payment Amount",
        "Transaction Amount",
        "Value",
        "Net Value",
        "Amount Excluding VAT",
        "Amount Excl VAT",
        "Amount Ex VAT",
        "Net",
        "Total",
        "Total Amount",
        "Gross",
        "Gross Amount",
        "Gross Value",
    ),
    "transaction": (
        "Transaction Number",
        "Transaction No",
        "Transaction ID",
        "Transaction Reference",
        "Payment Reference",
        "Payment Number",
        "Reference",
        "Invoice Number",
        "Invoice No",
        "Invoice Reference",
        "Document Number",
        "Document No",
        "Voucher Number",
    ),
    "expense_type": (
        "Expense Type",
        "Expenses Type",
        "Expenditure Type",
        "Expenditure Category",
        "Expense Category",
        "Detailed Expenses Type",
        "Merchant Category",
        "Account Description",
        "Subjective Description",
        "Category",
    ),
    "service_area": (
        "Service Area",
        "Service Area Categorisation",
        "Service Label",
        "Service Division",
        "Service Division Label",
        "Service",
        "Expense Area",
        "Department",
        "Directorate",
        "Responsible Unit",
        "Organisational Unit",
        "Cost Centre",
    ),
    "description": (
        "Description",
        "Narrative",
        "Purpose",
        "Purpose of Expenditure",
        "Summary of Purpose",
        "Extended Description",
        "Details",
        "Line Description",
    ),
}

_PUNCTUATION = re.compile(r"[\W_]+")


def header_key(text: str) -> str:
    """How a column name is compared: "Amount (£)", "AMOUNT" and " amount_" are all "amount"."""
    return " ".join(_PUNCTUATION.sub(" ", text.replace("(£)", " ").replace("£", " ").casefold()).split())


_KEYS = {field: tuple(dict.fromkeys(header_key(name) for name in names)) for field, names in KNOWN_NAMES.items()}


@dataclass(frozen=True)
class Header:
    """Where the header row is and which column holds each field (a field absent is not in `columns`)."""

    row: int  # 0-based, among the file's CSV records
    line: int  # the line it starts on, 1-based
    columns: dict[str, int]  # field -> 0-based column index
    names: dict[str, str]  # field -> the column's name as the file writes it


def field_of(option: str) -> str:
    """A `columns` key as users write it ("Expense-Type") -> the field name ("expense_type")."""
    return option.strip().lower().replace("-", "_").replace(" ", "_")


def check_columns(columns: Mapping[str, str]) -> dict[str, str]:
    """The user's column names by field, header keys made; a field we do not know is an error."""
    problems = []
    chosen: dict[str, str] = {}
    for option, name in columns.items():
        field = field_of(option)
        if field not in FIELDS:
            message = f"no field {option!r}: the fields are {', '.join(FIELDS)}"
            problems.append(Problem(f"--column {option}={name}", message))
        elif not header_key(name):
            problems.append(Problem(f"--column {option}={name}", 'name the column\'s header, e.g. amount="Net Value"'))
        else:
            chosen[field] = name
    if problems:
        raise ScenarioError(problems)
    return chosen


def match_row(row: Sequence[str], chosen: Mapping[str, str]) -> dict[str, int]:
    """The column index of each field this row names: the user's names first, then the known ones."""
    keys = [header_key(cell) for cell in row]
    found: dict[str, int] = {}
    for field in FIELDS:
        wanted = (header_key(chosen[field]),) if field in chosen else _KEYS[field]
        for key in wanted:
            if key in keys and keys.index(key) not in found.values():
                found[field] = keys.index(key)
                break
    return found


def find_header(rows: Sequence[Sequence[str]], lines: Sequence[int], chosen: Mapping[str, str]) -> Header | str:
    """The header among the first rows of a file (each starting on the line in `lines`), or why
    there is none: a message for the user."""
    best: tuple[int, dict[str, int]] | None = None
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_row(row, chosen)
        if all(field in found for field in REQUIRED) and all(field in found for field in chosen):
            return Header(number, lines[number], found, {field: row[index].strip() for field, index in found.items()})
        if found and (best is None or len(found) > len(best[1])):
            best = (number, found)
    article = {"amount": "an", "expense_type": "an"}
    wanted = [
        f"{article.get(field, 'a')} {field} column" + (f" named {chosen[field]!r}" if field in chosen else "")
        for field in (*REQUIRED, *(f for f in chosen if f not in REQUIRED))
    ]
    message = f"no header row in the first {HEADER_SEARCH_ROWS} rows: looked for {', '.join(wanted)}"
    if best is not None:
        number, found = best
        missing = [field for field in (*REQUIRED, *chosen) if field not in found]
        names = ", ".join(repr(cell.strip()) for cell in rows[number] if cell.strip())
        message += f"; line {lines[number]} has no {' or '.join(dict.fromkeys(missing))} column among {names}"
    return message + "; name a column the list does not know with --column FIELD=HEADER (see docs/audit.md)"
