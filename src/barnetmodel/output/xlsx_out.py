"""The workbook for analysts (openpyxl): inputs, each option's yearly cash flows as live formulas, a summary.

Sheets: Inputs (every line, its kind, numbers and source; money settings; discount rates,
factors and the price index by year), one sheet per option (each line's nominal cost as
a formula on the Inputs sheet, then cost and saving nominal, real and present value), a
Summary (totals, savings, targets, as formulas) and, when the results carry Monte Carlo
draws, an Uncertainty sheet of percentiles as values. Change a blue cell on the Inputs
sheet and every figure that depends on it follows.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from barnetmodel.engine import BASES, Projection
from barnetmodel.labels import financial_year
from barnetmodel.output import xlsx_formulas
from barnetmodel.output.optional_sections import bands
from barnetmodel.scenario import Line

FIRST_YEAR_COLUMN = 4  # D: year columns line up on every sheet, so column X of a sheet refers to Inputs!X
BASIS_NAMES = {"nominal": "nominal", "real": "real", "present_value": "present value"}
LINE_COLUMNS = [
    ("option", "Option"),
    ("line", "Line"),
    ("kind", "Kind"),
    ("annual", "Annual"),
    ("growth", "Growth a year"),
    ("from", "From"),
    ("to", "To"),
    ("total", "Total"),
    ("term_first", "Term from"),
    ("term_last", "Term to"),
    ("once", "Once in"),
    ("amount", "Amount"),
    ("share_of", "Share of"),
    ("rate", "Rate"),
    ("prices", "Prices"),
]
SUMMARY_HEADER_ROW = 7
RESERVED_SHEETS = {"inputs", "summary", "uncertainty"}

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
FIXED_DATE = datetime.datetime(1980, 1, 1)  # the earliest date a zip archive can record


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


def sheet_names(options: list[str]) -> dict[str, str]:
    """A valid, unique sheet name per option key (at most 31 characters, none of []:*?/\\)."""
    names: dict[str, str] = {}
    taken = set(RESERVED_SHEETS)
    for option in options:
        base = "".join("_" if c in "[]:*?/\\" else c for c in option)[:28] or "option"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base[:28]}~{n}"
        taken.add(name.lower())
        names[option] = name
    return names


def quote_sheetname(sheet: str) -> str:
    """A sheet's name as formulas write it: bare when it can be ('Inputs'), else in quotes."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _ref(sheet: str, column: int, row: int, absolute: str = "") -> str:
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


@dataclass
class OptionLayout:
    """Where things are on one option's sheet."""

    sheet: str
    line_rows: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # 'cost_nominal', 'saving_real', ... -> row
    total_column: int = 0


class WorkbookBuilder:
    def __init__(self, projection: Projection, results: dict[str, Any]):
        self.projection = projection
        self.scenario = projection.scenario
        self.results = results
        self.years = [int(y) for y in projection.years]
        self.money = money_format(self.scenario.money.unit)
        self.units = results["money"]["units"]
        self.book = Workbook()
        self.sheets = sheet_names(list(self.scenario.options))
        self.inputs = InputsLayout()
        self.options: dict[str, OptionLayout] = {}

    def year_column(self, year: int) -> int:
        return FIRST_YEAR_COLUMN + year - self.years[0]

    @property
    def last_year_column(self) -> int:
        return FIRST_YEAR_COLUMN + len(self.years) - 1

    def build(self) -> Workbook:
        inputs = self.book.active
        assert inputs is not None
        inputs.title = "Inputs"
        self._write_inputs(inputs)
        for name in self.scenario.options:
            self.options[name] = self._layout_option(name)
        for name in self.scenario.options:
            self._write_option(self.book.create_sheet(self.sheets[name]), name)
        self._write_summary(self.book.create_sheet("Summary"))
        if self.results.get("uncertainty"):
            self._write_uncertainty(self.book.create_sheet("Uncertainty"))
        self.book.move_sheet("Summary", offset=-(len(self.book.sheetnames) - 1))
        self.book.active = 0
        return self.book

    # Inputs ------------------------------------------------------------------------------

    def _name(self, name: str, sheet: Worksheet, cell: str) -> None:
        column, row = cell.rstrip("0123456789"), cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        self.book.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet.title)}!${column}${row}")

    def _write_inputs(self, sheet: Worksheet) -> None:
        s = self.scenario
        sheet["A1"] = s.title
        sheet["A1"].font = TITLE
        sheet["A2"] = s.description
        sheet["A3"] = "Blue cells are inputs: change one and every formula that depends on it follows."
        sheet["A3"].font = NOTE
        settings: list[tuple[str, Any, str | None, str | None]] = [
            ("Unit", s.money.unit, None, "Unit"),
            ("Amounts written in (unless a line says)", s.money.prices, None, None),
            ("Price base (financial year, by its start)", s.price_base, YEAR_FORMAT, "PriceBase"),
            ("Inflation (GDP deflator, a year)", s.money.inflation, RATE_FORMAT, "Inflation"),
            ("Horizon start (year 0, undiscounted)", s.horizon.start, YEAR_FORMAT, "HorizonStart"),
            ("Horizon years", s.horizon.years, YEAR_FORMAT, None),
            ("Baseline option", s.baseline, None, None),
        ]
        sheet["A5"] = "Money"
        sheet["A5"].font = BOLD
        row = 6
        for label, value, number_format, name in settings:
            sheet.cell(row, 1, label)
            cell = sheet.cell(row, 2, value)
            cell.font = INPUT
            if number_format:
                cell.number_format = number_format
            if name:
                self._name(name, sheet, cell.coordinate)
            row += 1
        schedule = self.projection.schedule
        sheet.cell(row, 1, "Discounting")
        sheet.cell(row, 2, f"{schedule.title} ({schedule.source}{', ' + schedule.as_of if schedule.as_of else ''})")
        row += 2
        row = self._write_by_year(sheet, row)
        row = self._write_lines(sheet, row + 1)
        row = self._write_targets(sheet, row + 1)
        self._write_sources(sheet, row + 1)
        sheet.column_dimensions["A"].width = 42
        sheet.column_dimensions["B"].width = 34
        for column in range(3, max(self.last_year_column, len(LINE_COLUMNS) + 6) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 12
        sheet.freeze_panes = "A5"

    def _write_by_year(self, sheet: Worksheet, row: int) -> int:
        sheet.cell(row, 1, "By year").font = BOLD
        layout = self.inputs
        layout.year_row, labels_row = row + 1, row + 2
        layout.discount_rate_row, layout.discount_factor_row, layout.price_index_row = row + 3, row + 4, row + 5
        sheet.cell(layout.year_row, 1, "Year (by its start)")
        sheet.cell(labels_row, 1, "Financial year")
        sheet.cell(layout.discount_rate_row, 1, "Discount rate (real, in force that year)")
        sheet.cell(layout.discount_factor_row, 1, "Discount factor (year 0 undiscounted)")
        sheet.cell(layout.price_index_row, 1, "Price index (nominal / real)")
        rates = self.projection.schedule.rates_for(len(self.years))
        for i, year in enumerate(self.years):
            column = FIRST_YEAR_COLUMN + i
            letter = get_column_letter(column)
            sheet.cell(layout.year_row, column, year).number_format = YEAR_FORMAT
            sheet.cell(labels_row, column, financial_year(year)).font = BOLD
            rate = sheet.cell(layout.discount_rate_row, column, float(rates[i]))
            rate.font, rate.number_format = INPUT, RATE_FORMAT
            if i == 0:
                factor = "=1"
            else:
                previous = get_column_letter(column - 1)
                factor = f"={previous}{layout.discount_factor_row}/(1+{letter}{layout.discount_rate_row})"
            sheet.cell(layout.discount_factor_row, column, factor).number_format = FACTOR_FORMAT
            index = f"=(1+Inflation)^({letter}{layout.year_row}-PriceBase)"
            sheet.cell(layout.price_index_row, column, index).number_format = FACTOR_FORMAT
        return layout.price_index_row + 1

    def _line_values(self, option: str, line: Line) -> dict[str, Any]:
        has_growth = line.annual is not None or line.total is not None
        return {
            "option": option,
            "line": line.name,
            "kind": line.kind,
            "annual": line.annual,
            "growth": (line.growth or 0.0) if has_growth else None,
            "from": line.from_,
            "to": line.to,
            "total": line.total,
            "term_first": line.term[0] if line.term else None,
            "term_last": line.term[1] if line.term else None,
            "once": line.once,
            "amount": line.amount,
            "share_of": line.share_of,
            "rate": line.rate,
            "prices": None if line.share_of is not None else self.scenario.line_prices(line),
        }

    def _write_lines(self, sheet: Worksheet, row: int) -> int:
        sheet.cell(
            row, 1, f"Lines (amounts in {self.scenario.money.unit}; costs positive, income negative)"
        ).font = BOLD
        longest_ramp = max(
            (len(line.ramp or []) for o in self.scenario.options.values() for line in o.lines), default=0
        )
        keys = [key for key, _ in LINE_COLUMNS] + [f"ramp{j + 1}" for j in range(longest_ramp)]
        titles = [title for _, title in LINE_COLUMNS] + [f"Ramp year {j + 1}" for j in range(longest_ramp)]
        keys += ["source", "source_text", "note"]
        titles += ["Source", "Source text", "Note"]
        self.inputs.line_columns = {key: i + 1 for i, key in enumerate(keys)}
        row += 1
        for i, title in enumerate(titles, start=1):
            cell = sheet.cell(row, i, title)
            cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP
        for option_name, option in self.scenario.options.items():
            for line in option.lines:
                row += 1
                self.inputs.line_rows[(option_name, line.name)] = row
                values = self._line_values(option_name, line)
                values |= {f"ramp{j + 1}": value for j, value in enumerate(line.ramp or [])}
                values |= {
                    "source": line.source,
                    "source_text": self.scenario.sources.get(line.source or "", None),
                    "note": line.note,
                }
                for key, column in self.inputs.line_columns.items():
                    value = values.get(key)
                    if value is None:
                        continue
                    cell = sheet.cell(row, column, value)
                    if key in ("annual", "total", "amount"):
                        cell.number_format = self.money
                    elif key in ("growth", "rate") or key.startswith("ramp"):
                        cell.number_format = RATE_FORMAT
                    elif key in ("from", "to", "term_first", "term_last", "once"):
                        cell.number_format = YEAR_FORMAT
                    if key not in ("option", "line", "kind", "source_text", "share_of"):
                        cell.font = INPUT
        return row + 1

    def _write_targets(self, sheet: Worksheet, row: int) -> int:
        if not self.scenario.targets:
            return row
        sheet.cell(row, 1, "Targets").font = BOLD
        row += 1
        titles = ["Target", "Option", "Measure", "By (year)", "Prices", "Amount", "Source", "Source text"]
        for i, title in enumerate(titles, start=1):
            cell = sheet.cell(row, i, title)
            cell.font, cell.fill = BOLD, HEADING_FILL
        for index, (target, summary) in enumerate(zip(self.scenario.targets, self.results["targets"], strict=True)):
            row += 1
            options = ", ".join(result["option"] for result in summary["results"])
            values = [target.name, options, summary["measure"], summary["by"], summary["prices"], target.amount]
            values += [target.source, self.scenario.sources.get(target.source or "", None)]
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row, column, value)
            sheet.cell(row, 4).number_format = YEAR_FORMAT
            amount = sheet.cell(row, 6)
            amount.number_format, amount.font = self.money, INPUT
            self.inputs.target_amount[index] = _ref(sheet.title, 6, row, "both")
        return row + 1

    def _write_sources(self, sheet: Worksheet, row: int) -> None:
        if not self.scenario.sources:
            return
        sheet.cell(row, 1, "Sources").font = BOLD
        for key, text in self.scenario.sources.items():
            row += 1
            sheet.cell(row, 1, key)
            sheet.cell(row, 2, text)

    # Option sheets -----------------------------------------------------------------------

    def _layout_option(self, name: str) -> OptionLayout:
        layout = OptionLayout(self.sheets[name], total_column=self.last_year_column + 1)
        row = 5
        for line in self.scenario.options[name].lines:
            layout.line_rows[line.name] = row
            row += 1
        for basis in BASES:
            layout.rows[f"cost_{basis}"] = row
            row += 1
        if name != self.scenario.baseline:
            row += 1
            for measure in ("saving", "cumulative_saving"):
                for basis in BASES:
                    layout.rows[f"{measure}_{basis}"] = row
                    row += 1
        layout.rows["real_lines_heading"] = row + 1
        return layout

    def _row_label(self, sheet: Worksheet, row: int, label: str, bold: bool = False) -> None:
        cell = sheet.cell(row, 1, label)
        if bold:
            cell.font = BOLD

    def _write_option(self, sheet: Worksheet, name: str) -> None:
        option = self.scenario.options[name]
        layout = self.options[name]
        inputs = self.inputs
        baseline = name == self.scenario.baseline
        sheet["A1"] = option.title + (" (baseline)" if baseline else "")
        sheet["A1"].font = TITLE
        sheet["A2"] = labelled("Each line's cost a year (", "nominal", "): formulas on the Inputs sheet.")
        sheet["A2"].font = NOTE
        for i, title in enumerate(["Line", "Kind", "Source"], start=1):
            sheet.cell(4, i, title).font = BOLD
        for i, year in enumerate(self.years):
            sheet.cell(4, FIRST_YEAR_COLUMN + i, financial_year(year)).font = BOLD
        sheet.cell(4, layout.total_column, "Total").font = BOLD
        first, last = get_column_letter(FIRST_YEAR_COLUMN), get_column_letter(self.last_year_column)

        def money_row(row: int, formulas: list[str], total: bool = True) -> None:
            for i, formula in enumerate(formulas):
                sheet.cell(row, FIRST_YEAR_COLUMN + i, formula).number_format = self.money
            if total:
                cell = sheet.cell(row, layout.total_column, f"=SUM({first}{row}:{last}{row})")
                cell.number_format, cell.font = self.money, BOLD

        def year_ref(row: int, i: int) -> str:
            return _ref("Inputs", FIRST_YEAR_COLUMN + i, row, "row")

        for line in option.lines:
            row = layout.line_rows[line.name]
            line_row = inputs.line_rows[(name, line.name)]

            def cell(key: str, line_row: int = line_row) -> str:
                return _ref("Inputs", inputs.line_columns[key], line_row, "both")

            sheet.cell(row, 1, line.name)
            sheet.cell(row, 2, line.kind)
            sheet.cell(row, 3, line.source)
            formulas = []
            for i in range(len(self.years)):
                shared = None
                if line.share_of is not None:
                    shared = f"{get_column_letter(FIRST_YEAR_COLUMN + i)}{layout.line_rows[line.share_of]}"
                body = xlsx_formulas.nominal(
                    line, cell, year_ref(inputs.year_row, i), year_ref(inputs.price_index_row, i), shared
                )
                formulas.append("=" + body)
            money_row(row, formulas)

        lines = [layout.line_rows[line.name] for line in option.lines]
        columns = [get_column_letter(FIRST_YEAR_COLUMN + i) for i in range(len(self.years))]
        rows = layout.rows
        self._row_label(sheet, rows["cost_nominal"], labelled("Cost (", "nominal"), bold=True)
        money_row(rows["cost_nominal"], [f"=SUM({c}{lines[0]}:{c}{lines[-1]})" for c in columns])
        self._row_label(sheet, rows["cost_real"], labelled("Cost (", "real"), bold=True)
        money_row(
            rows["cost_real"],
            [f"={c}{rows['cost_nominal']}/{year_ref(inputs.price_index_row, i)}" for i, c in enumerate(columns)],
        )
        self._row_label(sheet, rows["cost_present_value"], labelled("Cost (", "present_value"), bold=True)
        money_row(
            rows["cost_present_value"],
            [f"={c}{rows['cost_real']}*{year_ref(inputs.discount_factor_row, i)}" for i, c in enumerate(columns)],
        )
        if not baseline:
            base = self.options[self.scenario.baseline]
            for basis in BASES:
                row = rows[f"saving_{basis}"]
                self._row_label(sheet, row, labelled(f"Saving against {self.scenario.baseline} (", basis))
                money_row(
                    row,
                    [
                        f"={quote_sheetname(base.sheet)}!{c}{base.rows[f'cost_{basis}']}-{c}{rows[f'cost_{basis}']}"
                        for c in columns
                    ],
                )
            for basis in BASES:
                row, saving = rows[f"cumulative_saving_{basis}"], rows[f"saving_{basis}"]
                self._row_label(sheet, row, labelled("Cumulative saving (", basis))
                formulas = [f"={columns[0]}{saving}"]
                formulas += [f"={columns[i - 1]}{row}+{c}{saving}" for i, c in enumerate(columns) if i > 0]
                money_row(row, formulas, total=False)

        heading = rows["real_lines_heading"]
        sheet.cell(heading, 1, labelled("Lines in real prices (", "real")).font = BOLD
        for offset, line in enumerate(option.lines, start=1):
            source_row = layout.line_rows[line.name]
            sheet.cell(heading + offset, 1, line.name)
            money_row(
                heading + offset,
                [f"={c}{source_row}/{year_ref(inputs.price_index_row, i)}" for i, c in enumerate(columns)],
            )
        sheet.column_dimensions["A"].width = 46
        sheet.column_dimensions["B"].width = 9
        sheet.column_dimensions["C"].width = 14
        for column in range(FIRST_YEAR_COLUMN, layout.total_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 11
        sheet.freeze_panes = f"{get_column_letter(FIRST_YEAR_COLUMN)}5"

    # Summary and uncertainty -------------------------------------------------------------

    def _write_summary(self, sheet: Worksheet) -> None:
        schedule = self.projection.schedule
        baseline = self.scenario.options[self.scenario.baseline].title
        sheet["A1"] = self.scenario.title
        sheet["A1"].font = TITLE
        sheet["A2"] = f"Savings are against: {baseline}. Every figure follows the Inputs sheet."
        sheet["A2"].font = NOTE
        facts = [
            ("Price base", "=PriceBase", YEAR_FORMAT),
            ("Inflation (GDP deflator, a year)", "=Inflation", RATE_FORMAT),
            ("Discounting", f"{schedule.title}; the rates by year are on the Inputs sheet", None),
        ]
        for row, (label, value, number_format) in enumerate(facts, start=3):
            sheet.cell(row, 1, label)
            cell = sheet.cell(row, 2, value)
            if number_format:
                cell.number_format = number_format
        row = SUMMARY_HEADER_ROW
        titles = ["Option", "Key"]
        titles += [labelled("Cost over the horizon (", b) for b in BASES]
        titles += [labelled("Saving against the baseline (", b) for b in BASES]
        for column, title in enumerate(titles, start=1):
            cell = sheet.cell(row, column, title)
            cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP
        base = self.options[self.scenario.baseline]
        for name, option in self.scenario.options.items():
            row += 1
            layout = self.options[name]
            sheet.cell(row, 1, option.title + (" (baseline)" if name == self.scenario.baseline else ""))
            sheet.cell(row, 2, name)
            for i, basis in enumerate(BASES):
                own = _ref(layout.sheet, layout.total_column, layout.rows[f"cost_{basis}"])
                theirs = _ref(base.sheet, base.total_column, base.rows[f"cost_{basis}"])
                sheet.cell(row, 3 + i, f"={own}").number_format = self.money
                sheet.cell(row, 6 + i, f"={theirs}-{own}").number_format = self.money
        if self.results["targets"]:
            row += 2
            sheet.cell(row, 1, "Targets").font = BOLD
            row += 1
            titles = ["Target", "Option", "Measure", "By", "Prices", f"Needed ({self.scenario.money.unit})"]
            titles += [f"Saved ({self.scenario.money.unit})", "Share met", "Met"]
            for column, title in enumerate(titles, start=1):
                cell = sheet.cell(row, column, title)
                cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP
            for index, target in enumerate(self.results["targets"]):
                for result in target["results"]:
                    row += 1
                    layout = self.options[result["option"]]
                    measure = "saving" if target["measure"] == "annual" else "cumulative_saving"
                    saved = _ref(
                        layout.sheet, self.year_column(target["by"]), layout.rows[f"{measure}_{target['prices']}"]
                    )
                    values = [target["name"], result["option"], target["measure"], financial_year(target["by"])]
                    values += [target["prices"], f"={self.inputs.target_amount[index]}", f"={saved}"]
                    values += [f"=G{row}/F{row}", f"=G{row}>=F{row}"]
                    for column, value in enumerate(values, start=1):
                        sheet.cell(row, column, value)
                    sheet.cell(row, 6).number_format = self.money
                    sheet.cell(row, 7).number_format = self.money
                    sheet.cell(row, 8).number_format = SHARE_FORMAT
        sheet.column_dimensions["A"].width = 44
        for column in range(2, 10):
            sheet.column_dimensions[get_column_letter(column)].width = 16
        sheet.row_dimensions[SUMMARY_HEADER_ROW].height = 62  # four lines of heading

    def _write_uncertainty(self, sheet: Worksheet) -> None:
        """Monte Carlo percentiles, as values: the draws are not in the workbook, so no formula can make them."""
        uncertainty = self.results["uncertainty"]
        sheet["A1"] = f"Uncertainty: percentiles of {uncertainty['draws']:,} Monte Carlo draws (values, not formulas)"
        sheet["A1"].font = TITLE
        row = 3
        for column, title in enumerate(["Option", "Saving over the horizon, basis", "P10", "P50", "P90"], start=1):
            sheet.cell(row, column, title).font = BOLD
        for option, figures in uncertainty.get("options", {}).items():
            for basis, percentiles in figures.get("total_saving", {}).items():
                row += 1
                sheet.cell(row, 1, option)
                sheet.cell(row, 2, self.units[basis])
                for column, key in enumerate(("p10", "p50", "p90"), start=3):
                    sheet.cell(row, column, percentiles[key]).number_format = self.money
        for basis in BASES:
            found = bands(self.results, "cumulative_saving", basis)
            for option, band in found.items():
                row += 2
                sheet.cell(row, 1, f"Cumulative saving of {option}, {self.units[basis]}").font = BOLD
                for i, year in enumerate(self.years):
                    sheet.cell(row, FIRST_YEAR_COLUMN + i, financial_year(year)).font = BOLD
                for label, values in (("P10", band.p10), ("P90", band.p90)):
                    row += 1
                    sheet.cell(row, 1, label)
                    for i, value in enumerate(values):
                        sheet.cell(row, FIRST_YEAR_COLUMN + i, value).number_format = self.money
        if uncertainty.get("targets"):
            row += 2
            for column, title in enumerate(["Target", "Option", "Chance it is met"], start=1):
                sheet.cell(row, column, title).font = BOLD
            for entry in uncertainty["targets"]:
                row += 1
                sheet.cell(row, 1, entry["name"])
                sheet.cell(row, 2, entry["option"])
                sheet.cell(row, 3, entry["probability_met"]).number_format = SHARE_FORMAT
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 34


def _reproducible(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01: the same run gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return buffer.getvalue()


def render(projection: Projection, results: dict[str, Any]) -> bytes:
    """The workbook as .xlsx bytes."""
    book = WorkbookBuilder(projection, results).build()
    # A fixed date, not the time of the run, in the document properties: the same run gives the same file.
    book.properties.creator = f"barnetmodel {results['tool']['version']}"
    book.properties.created = book.properties.modified = FIXED_DATE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _reproducible(buffer.getvalue())
