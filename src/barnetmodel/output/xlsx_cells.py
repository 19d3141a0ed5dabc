"""What every sheet of the workbook shares: styles, references, labels that follow the inputs, layouts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from barnetmodel.output.optional_sections import distribution_text
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.numbers import central

FIRST_YEAR_COLUMN = 4  # D: year columns line up on every sheet, so column X of a sheet refers to Inputs!X

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
INPUT = Font(color="0000FF")  # the modeller's convention: blue cells are inputs, black are formulas
NOTE = Font(italic=True, color="555555")
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
FACTOR_FORMAT = "0.0000"
RATE_FORMAT = "0.0%"
SHARE_FORMAT = "0.0%"
YEAR_FORMAT = "0"


class Live(str):
    """A formula the workbook's own code wrote (never a scenario's text), marked so: the one kind of text
    `put` writes live, and what `is_formula` tells from text that merely starts with '='."""


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value into a cell: a number as a number, a Live formula live, and any other text as text (a string
    cell), even when it starts with '=': text from a scenario (a title, a name, a source) never becomes a
    formula, which could fetch or run something when the workbook is opened (OWASP)."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and not isinstance(value, Live):
        cell.data_type = "s"
    return cell


# results.basis_label as a formula on the Unit and PriceBase inputs, so labels follow a changed price base.
PRICE_YEAR = 'PriceBase&"/"&RIGHT(PriceBase+1,2)'
BASIS_TEXT = {
    "nominal": 'Unit&", nominal"',
    "real": f'Unit&", real "&{PRICE_YEAR}&" prices"',
    "present_value": f'Unit&", present value, "&{PRICE_YEAR}&" prices"',
}


def labelled(before: str, basis: str, after: str = ")") -> str:
    """A label formula: `before`, the basis label (e.g. '£m, real 2013/14 prices'), `after`."""

    def text(literal: str) -> str:
        return '"' + literal.replace('"', '""') + '"'

    return f"={text(before)}&{BASIS_TEXT[basis]}&{text(after)}"


def money_format(unit: str) -> str:
    """A number format that shows the unit: '£m' gives £1,234.5m; other units follow the figure."""
    unit = unit.replace('"', "")
    if unit[:1] in "£$€":
        return f'"{unit[0]}"#,##0.0"{unit[1:]}";-"{unit[0]}"#,##0.0"{unit[1:]}"'
    return f'#,##0.0" {unit}"'


# A bare sheet name Excel would read as something else: a cell in A1 style (AB12), one in R1C1 style or
# starting with one (R1C1, R2, C3x, RC4, and R, C, RC alone), or a boolean. Excel quotes these.
LOOKS_LIKE_A_VALUE = re.compile(r"[A-Z]{1,3}[0-9]+|(R[0-9]+|R?C[0-9]+).*|R|C|RC|TRUE|FALSE", re.IGNORECASE)


def quote_sheetname(sheet: str) -> str:
    """A sheet's name as formulas write it: bare when it can be ('Inputs'), else in quotes ('Option 2',
    'R1C1', 'TRUE')."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) and not LOOKS_LIKE_A_VALUE.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def uncertain_text(values: dict[str, Any]) -> str | None:
    """The numbers written as distributions, described ('annual: PERT: low 0, mode 5, high 20'), or None."""
    found = [f"{key}: {distribution_text(v.describe())}" for key, v in values.items() if isinstance(v, Distribution)]
    return "; ".join(found) or None


def centrals(values: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The values as cells hold them: a distribution by its mean, which is what the central run uses, a
    formula as an Excel formula on the named inputs' defined `names`."""
    return {key: cell_value(v, names) for key, v in values.items()}


def cell_value(value: Any, names: Mapping[str, str]) -> Any:
    """A number of the scenario as a cell holds it: itself, a distribution's mean, or a formula."""
    if isinstance(value, Distribution):
        return central(value)
    if isinstance(value, Formula):
        from barnetmodel.output.xlsx_formulas import excel_formula

        return Live("=" + excel_formula(value.tree, names))
    return value


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def title_row(sheet: Worksheet, row: int, titles: list[str]) -> None:
    """A table's column titles, bold on a fill, wrapped."""
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row, column, title)
        cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP


def heading_table(sheet: Worksheet, row: int, heading: str, columns: list[tuple[str, str]]) -> dict[str, int]:
    """A table's heading, and its column titles under it; the column of each key."""
    sheet.cell(row, 1, heading).font = BOLD
    title_row(sheet, row + 1, [title for _, title in columns])
    return {key: i for i, (key, _) in enumerate(columns, start=1)}


def sum_of(column: str, rows: list[int]) -> str:
    """=SUM over some rows of one column, runs of consecutive rows as ranges: SUM(D5:D7,D10)."""
    parts, rows = [], sorted(rows)
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        parts.append(f"{column}{start}" if start == previous else f"{column}{start}:{column}{previous}")
        if row is not None:
            start = previous = row
    return f"=SUM({','.join(parts)})"


def ref(sheet: str, column: int, row: int, absolute: str = "") -> str:
    """'Inputs'!$D$7 style references; `absolute` is '', 'row', 'column' or 'both'."""
    col = ("$" if absolute in ("column", "both") else "") + get_column_letter(column)
    line = ("$" if absolute in ("row", "both") else "") + str(row)
    return f"{quote_sheetname(sheet)}!{col}{line}"


@dataclass
class InputsLayout:
    """Where things are on the Inputs sheet."""

    year_row: int = 0
    discount_rate_row: int = 0
    discount_factor_row: int = 0
    price_index_row: int = 0
    line_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (option, line) -> row
    line_columns: dict[str, int] = field(default_factory=dict)  # input key -> column
    target_amount: dict[int, str] = field(default_factory=dict)  # target index -> absolute reference
    risk_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (option, risk) -> row
    risk_columns: dict[str, int] = field(default_factory=dict)  # input key -> column
    bias_rows: dict[str, int] = field(default_factory=dict)  # option -> row
    bias_columns: dict[str, int] = field(default_factory=dict)  # input key -> column


@dataclass
class OptionLayout:
    """Where things are on one option's sheet."""

    sheet: str
    line_rows: dict[str, int] = field(default_factory=dict)  # before optimism bias
    biased_rows: dict[str, int] = field(default_factory=dict)  # line -> its row after optimism bias
    risk_rows: dict[str, int] = field(default_factory=dict)  # risk -> its expected cost's row
    guarantee_rows: dict[str, int] = field(default_factory=dict)  # guarantee -> its refunds' row
    real_rows: dict[str, int] = field(default_factory=dict)  # line or 'risk:' + risk -> its row in real prices
    rows: dict[str, int] = field(default_factory=dict)  # 'cost_nominal', 'saving_real', ... -> row
    total_column: int = 0

    def cost_rows(self) -> list[int]:
        """The rows that add up to the option's cost: each line (after optimism bias), each risk and guarantee."""
        lines = [self.biased_rows.get(line, row) for line, row in self.line_rows.items()]
        return lines + list(self.risk_rows.values()) + list(self.guarantee_rows.values())
