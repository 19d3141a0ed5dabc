"""The workbook for analysts (openpyxl): inputs, each option's yearly cash flows as live formulas, a summary.

Sheets: Inputs (every line, risk and optimism bias with its numbers and source; money
settings; discount rates, factors and the price index by year), one sheet per option (each
line's nominal cost as a formula on the Inputs sheet, each line after optimism bias, each
risk's expected cost, then cost and saving nominal, real and present value), a Summary
(totals, savings, targets, risks, optimism bias, as formulas) and, when the results carry
Monte Carlo draws, an Uncertainty sheet of percentiles as values. Change a blue cell on the
Inputs sheet and every figure that depends on it follows. An uncertain input's blue cell
holds its mean (what the central run uses), and its distribution is described beside it.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from barnetmodel.data.reference import optimism_bias_upper
from barnetmodel.engine.projection import BASES, Projection
from barnetmodel.engine.targets import MET_TOLERANCE
from barnetmodel.output import xlsx_contracts, xlsx_formulas, xlsx_option, xlsx_uncertainty, xlsx_values
from barnetmodel.output.optional_sections import distribution_text
from barnetmodel.output.xlsx_cells import (
    BOLD,
    FACTOR_FORMAT,
    FIRST_YEAR_COLUMN,
    HEADING_FILL,
    INPUT,
    NOTE,
    RATE_FORMAT,
    SHARE_FORMAT,
    TITLE,
    WRAP,
    YEAR_FORMAT,
    InputsLayout,
    Live,
    OptionLayout,
    cell_value,
    centrals,
    heading_table,
    is_formula,
    labelled,
    money_format,
    put,
    quote_sheetname,
    ref,
    title_row,
    uncertain_text,
)
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.models import InflationSeries, Line, financial_year
from barnetmodel.scenario.paths import inflation_path, numbers

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
RISK_COLUMNS = [
    ("option", "Option"),
    ("risk", "Risk"),
    ("probability", "Probability"),
    ("per", "Per (year or horizon)"),
    ("cost", "Cost if it happens"),
    ("recovered", "Share recovered"),
    ("from", "From"),
    ("to", "To"),
    ("recurring", "Recurring"),
    ("prices", "Prices"),
    ("uncertain", "Uncertain (cells hold the mean)"),
    ("source", "Source"),
    ("source_text", "Source text"),
    ("note", "Note"),
]
BIAS_COLUMNS = [
    ("option", "Option"),
    ("category", "Green Book category"),
    ("uplift", "Uplift"),
    ("mitigated", "Share mitigated"),
    ("applied", "Applied = (1 - mitigated) x uplift"),
    ("income_shortfall", "Income shortfall (cut incomes too)"),
    ("lines", "Lines it applies to"),
    ("uncertain", "Uncertain (cells hold the mean)"),
    ("source", "Source"),
    ("source_text", "Source text"),
]
SUMMARY_HEADER_ROW = 7
# The workbook's own sheets, and History, which Excel reserves (for a shared workbook's change history).
RESERVED_SHEETS = {"inputs", "summary", "uncertainty", "history"}
LONGEST_SHEET_NAME = 31  # Excel's limit, counted in UTF-16 code units (an emoji is two)
LONGEST_OPTION_SHEET = 28  # an option's sheet, leaving room for a suffix (~2) to tell two apart

FIXED_DATE = datetime.datetime(1980, 1, 1)  # the earliest date a zip archive can record


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The longest start of `text` at most `units` UTF-16 code units long, never half a character."""
    text = text[:units]  # a character is one unit or two
    while _utf16_units(text) > units:
        text = text[:-1]
    return text


def sheet_names(options: list[str]) -> dict[str, str]:
    """A sheet name Excel accepts per option key, each unique whatever its case: at most 31 UTF-16 units,
    none of []:*?/\\, not starting or ending with an apostrophe, none of Excel's reserved names or the
    workbook's own sheets."""
    names: dict[str, str] = {}
    taken = set(RESERVED_SHEETS)
    for option in options:
        cleaned = "".join("_" if c in "[]:*?/\\" else c for c in option)
        base = _cut(cleaned.strip("'"), LONGEST_OPTION_SHEET).strip("'") or "option"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = _cut(base, LONGEST_SHEET_NAME - len(suffix)) + suffix
        taken.add(name.lower())
        names[option] = name
    return names


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
        self.contracts = xlsx_contracts.ContractLayout()
        self.extra_keys: set[str] = set()  # the lines table's columns that only some scenarios need
        self.options: dict[str, OptionLayout] = {}
        # Each named input's defined name: formulas in cells refer to them, as the scenario does.
        self.names = xlsx_formulas.excel_names(list(self.scenario.inputs))

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
            self.options[name] = xlsx_option.layout(self.scenario, name, self.sheets[name], len(self.years))
        for name in self.scenario.options:
            sheet = xlsx_option.OptionSheet(
                self.scenario, name, self.years, self.money, self.inputs, self.options, self.contracts, self.projection
            )
            sheet.write(self.book.create_sheet(self.sheets[name]))
        self._write_summary(self.book.create_sheet("Summary"))
        if self.results.get("uncertainty"):
            xlsx_uncertainty.write(self.book.create_sheet("Uncertainty"), self.results, self.money)
        self.book.move_sheet("Summary", offset=-(len(self.book.sheetnames) - 1))
        self.book.active = 0
        return self.book

    # Inputs ------------------------------------------------------------------------------

    def _name(self, name: str, sheet: Worksheet, cell: str) -> None:
        column, row = cell.rstrip("0123456789"), cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        self.book.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet.title)}!${column}${row}")

    def _write_inputs(self, sheet: Worksheet) -> None:
        s = self.scenario
        put(sheet, 1, 1, s.title).font = TITLE
        put(sheet, 2, 1, s.description)
        sheet["A3"] = "Blue cells are inputs: change one and every formula that depends on it follows."
        sheet["A3"].font = NOTE
        written = numbers(s).get(inflation_path(s))  # a series with no rate after it: no rate to write
        inflation = 0.0 if written is None else written
        settings: list[tuple[str, Any, str | None, str | None]] = [
            ("Unit", s.money.unit, None, "Unit"),
            ("Amounts written in (unless a line says)", s.money.prices, None, None),
            ("Price base (financial year, by its start)", s.price_base, YEAR_FORMAT, "PriceBase"),
            ("Inflation (GDP deflator, a year)", cell_value(inflation, self.names), RATE_FORMAT, "Inflation"),
            ("Horizon start (year 0, undiscounted)", s.horizon.start, YEAR_FORMAT, "HorizonStart"),
            ("Horizon years", s.horizon.years, YEAR_FORMAT, None),
            ("Baseline option", s.baseline, None, None),
        ]
        settings += xlsx_contracts.deflator_settings(s)
        sheet["A5"] = "Money"
        sheet["A5"].font = BOLD
        row = 6
        for label, value, number_format, name in settings:
            sheet.cell(row, 1, label)
            cell = put(sheet, row, 2, value)
            if not is_formula(value):
                cell.font = INPUT
            if number_format:
                cell.number_format = number_format
            if name:
                self._name(name, sheet, cell.coordinate)
            if name == "Inflation":
                described = uncertain_text({"inflation": numbers(s).get(inflation_path(s))})
                if described:
                    put(sheet, row, 3, f"Uncertain, the cell holds the mean: {described}").font = NOTE
            row += 1
        schedule = self.projection.schedule
        sheet.cell(row, 1, "Discounting")
        put(sheet, row, 2, f"{schedule.title} ({schedule.source}{', ' + schedule.as_of if schedule.as_of else ''})")
        row += 2
        row = self._write_by_year(sheet, row)
        row = self._write_named_inputs(sheet, row + 1)
        row = self._write_lines(sheet, row + 1)
        row = self._write_targets(sheet, row + 1)
        row = self._write_risks(sheet, row + 1)
        row = self._write_biases(sheet, row + 1)
        contracts = xlsx_contracts.ContractInputs(
            s, self.projection, self.results, self.names, self.money, self.years, self.contracts
        )
        row = contracts.write(sheet, row, self.inputs.year_row)
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
            if isinstance(self.scenario.money.inflation, InflationSeries):  # the series' deflator, on its row
                index = f"={letter}{layout.price_index_row + 1}/DeflatorBase"
            sheet.cell(layout.price_index_row, column, index).number_format = FACTOR_FORMAT
        deflator = xlsx_contracts.deflator_row(
            self.scenario, sheet, layout.price_index_row + 1, self.years, layout.year_row
        )
        return (deflator or layout.price_index_row) + 1

    def _write_named_inputs(self, sheet: Worksheet, row: int) -> int:
        """The named inputs, one a row, each value cell a defined name: a number or a distribution's mean in
        blue, a formula on the others in black, e.g. =posts*pay*(1+on_costs)."""
        if not self.scenario.inputs:
            return row - 1
        sheet.cell(row, 1, "Named inputs (formulas anywhere in the workbook use them by name)").font = BOLD
        titles = ["Name", "Value", "Unit", "Uncertain (the cell holds the mean)", "Source", "Source text", "Note"]
        row += 1
        self._headings(sheet, row, titles)
        for name, named in self.scenario.named_inputs.items():
            row += 1
            value = cell_value(named.value, self.names)
            drawn = distribution_text(named.value.describe()) if isinstance(named.value, Distribution) else None
            values = [name, value, named.unit, drawn, named.source]
            values += [self.scenario.sources.get(named.source or ""), named.note]
            for column, item in enumerate(values, start=1):
                if item is not None:
                    put(sheet, row, column, item)
            if not is_formula(value):
                sheet.cell(row, 2).font = INPUT
            self._name(self.names[name], sheet, f"B{row}")
        return row + 1

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
            # A share takes its line's prices; variations of an amount a year are in money.prices.
            "prices": None if line.base_line is not None and line.amount is None else self.scenario.line_prices(line),
        } | {key: value for key, value in xlsx_contracts.extra_line_values(line).items() if key in self.extra_keys}

    def _write_lines(self, sheet: Worksheet, row: int) -> int:
        sheet.cell(
            row, 1, f"Lines (amounts in {self.scenario.money.unit}; costs positive, income negative)"
        ).font = BOLD
        longest_ramp = max(
            (len(line.ramp or []) for o in self.scenario.options.values() for line in o.lines), default=0
        )
        columns = LINE_COLUMNS + xlsx_contracts.extra_line_columns(self.scenario)
        self.extra_keys = {key for key, _ in columns} - {key for key, _ in LINE_COLUMNS}
        keys = [key for key, _ in columns] + [f"ramp{j + 1}" for j in range(longest_ramp)]
        titles = [title for _, title in columns] + [f"Ramp year {j + 1}" for j in range(longest_ramp)]
        keys += ["uncertain", "source", "source_text", "note"]
        titles += ["Uncertain (cells hold the mean)", "Source", "Source text", "Note"]
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
                values = centrals(values, self.names) | {
                    "uncertain": uncertain_text(values),
                    "source": line.source,
                    "source_text": self.scenario.sources.get(line.source or "", None),
                    "note": line.note,
                }
                for key, column in self.inputs.line_columns.items():
                    value = values.get(key)
                    if value is None:
                        continue
                    cell = put(sheet, row, column, value)
                    if key in ("annual", "total", "amount"):
                        cell.number_format = self.money
                    elif key in ("growth", "rate", "share") or key.startswith("ramp"):
                        cell.number_format = RATE_FORMAT
                    elif key in ("from", "to", "term_first", "term_last", "once"):
                        cell.number_format = YEAR_FORMAT
                    texts = ("option", "line", "kind", "uncertain", "source_text", "share_of", "note", "base")
                    if key not in texts and not is_formula(value):
                        cell.font = INPUT
        return row + 1

    def _table(self, sheet: Worksheet, row: int, heading: str, columns: list[tuple[str, str]]) -> dict[str, int]:
        """A table's heading and column titles; the column of each key."""
        return heading_table(sheet, row, heading, columns)

    def _fill(self, sheet: Worksheet, row: int, places: dict[str, int], values: dict[str, Any]) -> None:
        """One row of a table: inputs in blue, with number formats by kind of figure."""
        texts = ("option", "risk", "lines", "uncertain", "source_text", "note", "category")
        for key, value in values.items():
            if value is None:
                continue
            cell = put(sheet, row, places[key], value)
            if key == "cost":
                cell.number_format = self.money
            elif key in ("probability", "recovered", "uplift", "mitigated", "applied"):
                cell.number_format = "0.00%"
            elif key in ("from", "to"):
                cell.number_format = YEAR_FORMAT
            if key not in texts and not is_formula(value):
                cell.font = INPUT

    def _write_risks(self, sheet: Worksheet, row: int) -> int:
        """Each risk's inputs, one row a risk: the option sheets work out its expected cost from them."""
        risks = [(name, risk) for name, option in self.scenario.options.items() for risk in option.risks]
        if not risks:
            return row
        places = self._table(sheet, row, f"Risks (costs in {self.scenario.money.unit})", RISK_COLUMNS)
        row += 1
        summaries = {(o["name"], r["name"]): r for o in self.results["options"] for r in o["risks"]}
        for name, risk in risks:
            row += 1
            self.inputs.risk_rows[(name, risk.name)] = row
            summary = summaries[(name, risk.name)]
            numbers = {"probability": risk.probability, "cost": risk.cost, "recovered": risk.recovered}
            values = {"option": name, "risk": risk.name, **centrals(numbers, self.names), "per": risk.per}
            values |= {"from": summary["from"], "to": summary["to"], "recurring": risk.recurring}
            values |= {"prices": summary["prices"], "uncertain": uncertain_text(numbers), "source": risk.source}
            values |= {"source_text": self.scenario.sources.get(risk.source or ""), "note": risk.note}
            self._fill(sheet, row, places, values)
        self.inputs.risk_columns = places
        return row + 1

    def _write_biases(self, sheet: Worksheet, row: int) -> int:
        """Each option's optimism bias: its uplift and share mitigated, and the share applied as a formula."""
        biased = [(name, option) for name, option in self.scenario.options.items() if option.optimism_bias]
        if not biased:
            return row
        places = self._table(sheet, row, "Optimism bias (HM Treasury Green Book)", BIAS_COLUMNS)
        row += 1
        for name, option in biased:
            bias = option.optimism_bias
            assert bias is not None
            row += 1
            self.inputs.bias_rows[name] = row
            uplift = optimism_bias_upper(bias.category) if bias.category is not None else bias.uplift
            numbers = {"uplift": uplift, "mitigated": bias.mitigated}
            column = {key: get_column_letter(place) for key, place in places.items()}
            applied = Live(f"=(1-{column['mitigated']}{row})*{column['uplift']}{row}")
            values = {"option": name, "category": bias.category or "(a stated uplift)", **centrals(numbers, self.names)}
            values |= {"applied": applied, "income_shortfall": bias.income_shortfall}
            values |= {"lines": "every line" if bias.lines is None else "; ".join(bias.lines)}
            values |= {"uncertain": uncertain_text(numbers), "source": bias.source}
            values |= {"source_text": self.scenario.sources.get(bias.source or "")}
            self._fill(sheet, row, places, values)
        self.inputs.bias_columns = places
        return row + 1

    def _write_targets(self, sheet: Worksheet, row: int) -> int:
        if not self.scenario.targets:
            return row
        sheet.cell(row, 1, "Targets").font = BOLD
        row += 1
        titles = ["Target", "Option", "Measure", "By (year)", "Prices", "Amount", "Source", "Source text"]
        titles += ["Uncertain (the cell holds the mean)"]
        for i, title in enumerate(titles, start=1):
            cell = sheet.cell(row, i, title)
            cell.font, cell.fill = BOLD, HEADING_FILL
        for index, (target, summary) in enumerate(zip(self.scenario.targets, self.results["targets"], strict=True)):
            row += 1
            options = ", ".join(result["option"] for result in summary["results"])
            values = [
                target.name,
                options,
                summary["measure"],
                summary["by"],
                summary["prices"],
                cell_value(target.amount, self.names),
            ]
            values += [target.source, self.scenario.sources.get(target.source or "", None)]
            values += [uncertain_text({"amount": target.amount})]
            for column, value in enumerate(values, start=1):
                if value is not None:
                    put(sheet, row, column, value)
            sheet.cell(row, 4).number_format = YEAR_FORMAT
            amount = sheet.cell(row, 6)
            amount.number_format = self.money
            if not is_formula(amount.value):
                amount.font = INPUT
            self.inputs.target_amount[index] = ref(sheet.title, 6, row, "both")
        return row + 1

    def _write_sources(self, sheet: Worksheet, row: int) -> None:
        if not self.scenario.sources:
            return
        sheet.cell(row, 1, "Sources").font = BOLD
        for key, text in self.scenario.sources.items():
            row += 1
            put(sheet, row, 1, key)
            put(sheet, row, 2, text)

    # Option sheets -----------------------------------------------------------------------

    # Summary and uncertainty -------------------------------------------------------------

    def _write_summary(self, sheet: Worksheet) -> None:
        schedule = self.projection.schedule
        baseline = self.scenario.options[self.scenario.baseline].title
        put(sheet, 1, 1, self.scenario.title).font = TITLE
        put(sheet, 2, 1, f"Savings are against: {baseline}. Every figure follows the Inputs sheet.").font = NOTE
        facts = [
            ("Price base", Live("=PriceBase"), YEAR_FORMAT),
            ("Inflation (GDP deflator, a year)", Live("=Inflation"), RATE_FORMAT),
            ("Discounting", f"{schedule.title}; the rates by year are on the Inputs sheet", None),
        ]
        for row, (label, value, number_format) in enumerate(facts, start=3):
            sheet.cell(row, 1, label)
            cell = put(sheet, row, 2, value)
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
            put(sheet, row, 1, option.title + (" (baseline)" if name == self.scenario.baseline else ""))
            put(sheet, row, 2, name)
            for i, basis in enumerate(BASES):
                own = ref(layout.sheet, layout.total_column, layout.rows[f"cost_{basis}"])
                theirs = ref(base.sheet, base.total_column, base.rows[f"cost_{basis}"])
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
                    saved = ref(
                        layout.sheet, self.year_column(target["by"]), layout.rows[f"{measure}_{target['prices']}"]
                    )
                    values = [target["name"], result["option"], target["measure"], financial_year(target["by"])]
                    values += [target["prices"], Live(f"={self.inputs.target_amount[index]}"), Live(f"={saved}")]
                    values += [
                        Live(f"=G{row}/F{row}"),
                        Live(f"=G{row}>=F{row}-{MET_TOLERANCE}*MAX(1,ABS(F{row}))"),
                    ]
                    for column, value in enumerate(values, start=1):
                        put(sheet, row, column, value)
                    sheet.cell(row, 6).number_format = self.money
                    sheet.cell(row, 7).number_format = self.money
                    sheet.cell(row, 8).number_format = SHARE_FORMAT
        row = self._summary_risks(sheet, row + 2)
        row = self._summary_biases(sheet, row + 2)
        row = self._summary_guarantees(sheet, row + 2)
        self._summary_transfers(sheet, row + 2)
        sheet.column_dimensions["A"].width = 44
        for column in range(2, 10):
            sheet.column_dimensions[get_column_letter(column)].width = 16
        sheet.row_dimensions[SUMMARY_HEADER_ROW].height = 62  # four lines of heading

    def _headings(self, sheet: Worksheet, row: int, titles: list[str]) -> None:
        title_row(sheet, row, titles)

    def _totals(self, layout: OptionLayout, nominal_row: int, real_row: int) -> list[Live]:
        """Formulas of a row's total nominal, real and present value, given its nominal and real rows."""
        first, last = get_column_letter(FIRST_YEAR_COLUMN), get_column_letter(self.last_year_column)
        factors = self.inputs.discount_factor_row
        discount = f"Inputs!${first}${factors}:${last}${factors}"
        real = f"{quote_sheetname(layout.sheet)}!{first}{real_row}:{last}{real_row}"
        return [
            Live(f"={ref(layout.sheet, layout.total_column, nominal_row)}"),
            Live(f"={ref(layout.sheet, layout.total_column, real_row)}"),
            Live(f"=SUMPRODUCT({real},{discount})"),
        ]

    def _summary_guarantees(self, sheet: Worksheet, row: int) -> int:
        """Each guarantee's refunds over the horizon (an income: negative), as formulas on the option sheets."""
        guarantees = [(name, g.name) for name in self.scenario.options for _, g in self.scenario.guarantees_of(name)]
        if not guarantees:
            return row - 2
        sheet.cell(row, 1, "Guaranteed savings paid back (an income)").font = BOLD
        row += 1
        self._headings(sheet, row, ["Guarantee", "Option", *(labelled("Paid back (", basis) for basis in BASES)])
        for name, guarantee in guarantees:
            row += 1
            layout = self.options[name]
            key = xlsx_contracts.GUARANTEE_PREFIX + guarantee
            values = [guarantee, name, *self._totals(layout, layout.guarantee_rows[guarantee], layout.real_rows[key])]
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value).number_format = self.money
        return row

    def _summary_transfers(self, sheet: Worksheet, row: int) -> None:
        """Each option's transfers: in its cash figures, left out of its present value (the economic case)."""
        options = [name for name in self.scenario.options if "transfers" in self.options[name].rows]
        if not options:
            return
        sheet.cell(row, 1, "Transfers: in the cash figures, left out of present values (Green Book)").font = BOLD
        row += 1
        titles = ["Option", *(labelled("Transfers (", basis) for basis in ("nominal", "real"))]
        self._headings(sheet, row, [*titles, labelled("Left out of the cost (", "present_value")])
        for name in options:
            row += 1
            layout = self.options[name]
            rows = layout.rows
            values = [name, *self._totals(layout, rows["transfers"], rows["transfers_real"])]
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value).number_format = self.money

    def _summary_risks(self, sheet: Worksheet, row: int) -> int:
        """Each risk's inputs and its expected cost over the horizon, as formulas."""
        risks = [
            (name, home, risk.name) for name in self.scenario.options for home, risk in self.scenario.risks_of(name)
        ]
        if not risks:
            return row - 2
        sheet.cell(row, 1, "Risks at their expected cost (net of recoveries)").font = BOLD
        row += 1
        titles = ["Risk", "Option", "Probability", "Per", "Share recovered"]
        titles += [labelled("Expected cost (", basis) for basis in BASES]
        self._headings(sheet, row, titles)
        columns = self.inputs.risk_columns
        for name, home, risk in risks:
            row += 1
            layout = self.options[name]
            inputs_row = self.inputs.risk_rows[(home, risk)]
            values: list[str] = [risk, name]
            values += [
                Live(f"={ref('Inputs', columns[key], inputs_row)}") for key in ("probability", "per", "recovered")
            ]
            real_row = layout.real_rows[xlsx_option.RISK_PREFIX + risk]
            values += self._totals(layout, layout.risk_rows[risk], real_row)
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value)
            for column in (3, 5):
                sheet.cell(row, column).number_format = "0.00%"
            for column in (6, 7, 8):
                sheet.cell(row, column).number_format = self.money
        return row

    def _summary_biases(self, sheet: Worksheet, row: int) -> int:
        """Each option's optimism bias, and its cost over the horizon before and after it, as formulas."""
        biased = [name for name in self.scenario.options if self.scenario.bias_of(name) is not None]
        if not biased:
            return row - 2
        sheet.cell(row, 1, "Optimism bias").font = BOLD
        row += 1
        titles = ["Option", "Uplift", "Share mitigated", "Applied"]
        titles += [labelled("Cost before optimism bias (", basis) for basis in BASES]
        titles += [labelled("Cost after optimism bias (", basis) for basis in BASES]
        self._headings(sheet, row, titles)
        columns = self.inputs.bias_columns
        for name in biased:
            row += 1
            layout = self.options[name]
            found = self.scenario.bias_of(name)
            assert found is not None
            inputs_row = self.inputs.bias_rows[found[0]]
            values = [self.scenario.options[name].title]
            values += [
                Live(f"={ref('Inputs', columns[key], inputs_row)}") for key in ("uplift", "mitigated", "applied")
            ]
            for key in ("cost_before_bias", "cost"):
                values += [Live(f"={ref(layout.sheet, layout.total_column, layout.rows[f'{key}_{b}'])}") for b in BASES]
            for column, value in enumerate(values, start=1):
                cell = put(sheet, row, column, value)
                cell.number_format = "0.00%" if column <= 4 else self.money
        return row


def _reproducible(data: bytes, rewrite: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The same archive with every member dated 1980-01-01 (the same run gives the same bytes), and the
    members named in `rewrite` rewritten (the sheets, with their formulas' cached values)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            target.writestr(member, rewrite[info.filename](content) if info.filename in rewrite else content)
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
    # Each formula with its value, worked out, for programs that read values without calculating.
    return _reproducible(buffer.getvalue(), xlsx_values.sheet_parts(book))
