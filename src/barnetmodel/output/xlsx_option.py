"""One option's sheet of the workbook: its cash flows a year, every figure a formula on the Inputs sheet.

From the top: each line's nominal cost (before optimism bias), each line the bias applies to
after it, each risk's expected cost, each guarantee's refunds, the option's transfers (if it
has any), its cost before optimism bias (if it has any), its cost nominal, real and present
value, for options other than the baseline the saving and cumulative saving in each basis, and
last each line, risk and guarantee in real prices. An option based on another shows the lines,
risks and guarantees it inherits too, on the other option's inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from barnetmodel.engine.projection import BASES, Projection
from barnetmodel.output import xlsx_contracts, xlsx_formulas
from barnetmodel.output.xlsx_cells import (
    BOLD,
    FIRST_YEAR_COLUMN,
    NOTE,
    TITLE,
    InputsLayout,
    OptionLayout,
    labelled,
    put,
    quote_sheetname,
    ref,
    sum_of,
)
from barnetmodel.output.xlsx_contracts import GUARANTEE_PREFIX, TRANSFERS, ContractLayout
from barnetmodel.scenario.models import Scenario, financial_year

RISK_PREFIX = "Risk: "  # a risk's rows are labelled so, apart from a line of the same name


def biased_lines(scenario: Scenario, name: str) -> list[str]:
    """The lines optimism bias applies to, in the option's order."""
    found = scenario.bias_of(name)
    if found is None:
        return []
    bias = found[1]
    return [line.name for _, line in scenario.lines_of(name) if bias.lines is None or line.name in bias.lines]


def layout(scenario: Scenario, name: str, sheet: str, years: int) -> OptionLayout:
    """Where each row of an option's sheet goes (worked out for every option first: sheets refer to each other)."""
    found = OptionLayout(sheet, total_column=FIRST_YEAR_COLUMN + years)
    row = 5
    for _, line in scenario.lines_of(name):
        found.line_rows[line.name] = row
        row += 1
    biased = scenario.bias_of(name) is not None
    if biased:
        row += 2  # a gap, then a heading
        for line_name in biased_lines(scenario, name):
            found.biased_rows[line_name] = row
            row += 1
    if scenario.risks_of(name):
        row += 2
        for _, risk in scenario.risks_of(name):
            found.risk_rows[risk.name] = row
            row += 1
    if scenario.guarantees_of(name):
        row += 2
        for _, guarantee in scenario.guarantees_of(name):
            found.guarantee_rows[guarantee.name] = row
            row += 1
    if any(line.transfer for _, line in scenario.lines_of(name)):
        row += 1
        found.rows["transfers"] = row
        row += 1
    row += 1
    totals = (["cost_before_bias"] if biased else []) + ["cost"]
    if name != scenario.baseline:
        totals += ["", "saving", "cumulative_saving"]
    for measure in totals:
        if not measure:
            row += 1
            continue
        for basis in BASES:
            found.rows[f"{measure}_{basis}"] = row
            row += 1
    found.rows["real_heading"] = row = row + 1
    guarantees = [GUARANTEE_PREFIX + g for g in found.guarantee_rows]
    for key in [*found.line_rows, *(RISK_PREFIX + risk for risk in found.risk_rows), *guarantees]:
        row += 1
        found.real_rows[key] = row
    if "transfers" in found.rows:
        found.rows["transfers_real"] = row = row + 1
    return found


class OptionSheet:
    """Writes one option's sheet, given where everything is on the Inputs sheet and on the other sheets."""

    def __init__(
        self,
        scenario: Scenario,
        name: str,
        years: list[int],
        money: str,
        inputs: InputsLayout,
        layouts: dict[str, OptionLayout],
        contracts: ContractLayout,
        projection: Projection,
    ):
        self.scenario = scenario
        self.name = name
        self.option = scenario.options[name]
        self.contracts = contracts
        self.projection = projection
        self.years = years
        self.money = money
        self.inputs = inputs
        self.layouts = layouts
        self.layout = layouts[name]
        self.columns = [get_column_letter(FIRST_YEAR_COLUMN + i) for i in range(len(years))]

    def year_ref(self, row: int, i: int) -> str:
        """This year's cell in a row of the Inputs sheet (year i of the horizon)."""
        return ref("Inputs", FIRST_YEAR_COLUMN + i, row, "row")

    def write(self, sheet: Worksheet) -> None:
        baseline = self.name == self.scenario.baseline
        put(sheet, 1, 1, self.option.title + (" (baseline)" if baseline else "")).font = TITLE
        sheet["A2"] = labelled("Each line's cost a year (", "nominal", "): formulas on the Inputs sheet.")
        sheet["A2"].font = NOTE
        for i, title in enumerate(["Line", "Kind", "Source"], start=1):
            sheet.cell(4, i, title).font = BOLD
        for i, year in enumerate(self.years):
            sheet.cell(4, FIRST_YEAR_COLUMN + i, financial_year(year)).font = BOLD
        sheet.cell(4, self.layout.total_column, "Total").font = BOLD
        self._lines(sheet)
        self._after_bias(sheet)
        self._risks(sheet)
        self._guarantees(sheet)
        self._transfers(sheet)
        if "cost_before_bias_nominal" in self.layout.rows:
            before_bias = [
                *self.layout.line_rows.values(),
                *self.layout.risk_rows.values(),
                *self.layout.guarantee_rows.values(),
            ]
            self._costs(sheet, "cost_before_bias", "Cost before optimism bias", before_bias)
        self._costs(sheet, "cost", "Cost", self.layout.cost_rows())
        if not baseline:
            self._savings(sheet)
        self._real(sheet)
        sheet.column_dimensions["A"].width = 46
        sheet.column_dimensions["B"].width = 9
        sheet.column_dimensions["C"].width = 14
        for column in range(FIRST_YEAR_COLUMN, self.layout.total_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 11
        sheet.freeze_panes = f"{get_column_letter(FIRST_YEAR_COLUMN)}5"

    def _row(self, sheet: Worksheet, row: int, formulas: Sequence[str | float], total: bool = True) -> None:
        """A row of money a year, and its total over the horizon."""
        for i, formula in enumerate(formulas):
            sheet.cell(row, FIRST_YEAR_COLUMN + i, formula).number_format = self.money
        if total:
            first, last = self.columns[0], self.columns[-1]
            cell = sheet.cell(row, self.layout.total_column, f"=SUM({first}{row}:{last}{row})")
            cell.number_format, cell.font = self.money, BOLD

    def _label(self, sheet: Worksheet, row: int, label: str, bold: bool = False) -> None:
        cell = sheet.cell(row, 1, label)
        if bold:
            cell.font = BOLD

    def _inputs_cell(self, columns: dict[str, int], row: int) -> Callable[[str], str]:
        """The absolute address of an input on the Inputs sheet, by its key, in one row of a table there."""
        return lambda key: ref("Inputs", columns[key], row, "both")

    def _lines(self, sheet: Worksheet) -> None:
        inputs, contracts = self.inputs, self.contracts
        for home, line in self.scenario.lines_of(self.name):
            row = self.layout.line_rows[line.name]
            cell = self._inputs_cell(inputs.line_columns, inputs.line_rows[(home, line.name)])
            put(sheet, row, 1, line.name)
            put(sheet, row, 2, line.kind)
            put(sheet, row, 3, line.source)
            amounts = contracts.year_rows.get((home, line.name))
            formulas = []
            for i, column in enumerate(self.columns):
                base = line.base_line
                shared = None if base is None else f"{column}{self.layout.line_rows[base]}"
                year, index = self.year_ref(inputs.year_row, i), self.year_ref(inputs.price_index_row, i)
                factor = xlsx_contracts.line_factor(
                    self.scenario, self.name, home, line, contracts, FIRST_YEAR_COLUMN + i, year
                )
                if line.variations is not None and line.amount is not None:  # no more than the charge is paid
                    stopped = xlsx_contracts.switched_share(
                        self.scenario, self.name, line.variations, contracts, FIRST_YEAR_COLUMN + i
                    )
                    factor = "*".join(f for f in (factor, stopped) if f) or None
                year_value = year_values = None
                if amounts is not None:
                    year_value = self.year_ref(amounts, i)
                    first, last = get_column_letter(FIRST_YEAR_COLUMN), self.columns[-1]
                    year_values = f"Inputs!${first}${amounts}:${last}${amounts}"
                formulas.append(
                    "="
                    + xlsx_formulas.nominal(
                        line, cell, year, index, shared, year_value=year_value, year_values=year_values, factor=factor
                    )
                )
            self._row(sheet, row, formulas)

    def _after_bias(self, sheet: Worksheet) -> None:
        rows = self.layout.biased_rows
        found = self.scenario.bias_of(self.name)
        if not rows or found is None:
            return
        bias = self._inputs_cell(self.inputs.bias_columns, self.inputs.bias_rows[found[0]])
        self._label(
            sheet, min(rows.values()) - 1, "Lines after optimism bias (the applied share is on the Inputs sheet)", True
        )
        for line_name, row in rows.items():
            put(sheet, row, 1, f"{line_name}, after optimism bias")
            before = self.layout.line_rows[line_name]
            after = [
                "=" + xlsx_formulas.after_optimism_bias(f"{c}{before}", bias("applied"), bias("income_shortfall"))
                for c in self.columns
            ]
            self._row(sheet, row, after)

    def _risks(self, sheet: Worksheet) -> None:
        if not self.scenario.risks_of(self.name):
            return
        inputs = self.inputs
        heading = min(self.layout.risk_rows.values()) - 1
        self._label(
            sheet, heading, labelled("Risks at their expected cost (", "nominal", "; inputs on the Inputs sheet)"), True
        )
        for home, risk in self.scenario.risks_of(self.name):
            row = self.layout.risk_rows[risk.name]
            cell = self._inputs_cell(inputs.risk_columns, inputs.risk_rows[(home, risk.name)])
            put(sheet, row, 1, RISK_PREFIX + risk.name)
            put(sheet, row, 2, "risk")
            put(sheet, row, 3, risk.source)
            formulas = []
            for i in range(len(self.years)):
                year = self.year_ref(inputs.year_row, i)
                expected = xlsx_formulas.risk_expected(cell, year, self.year_ref(inputs.price_index_row, i))
                stopped = xlsx_contracts.stop_factor(self.scenario, self.name, risk.name, self.contracts, year)
                formulas.append("=" + expected + ("" if stopped is None else f"*{stopped}"))
            self._row(sheet, row, formulas)

    def _guarantees(self, sheet: Worksheet) -> None:
        """Each guarantee's refunds: live formulas on the lines' rows, or the central run's values with a note."""
        rows = self.layout.guarantee_rows
        if not rows:
            return
        self._label(sheet, min(rows.values()) - 1, labelled("Guaranteed savings paid back (", "nominal"), True)
        nominal = self.projection.guarantee_nominal[self.name]
        for home, guarantee in self.scenario.guarantees_of(self.name):
            row = rows[guarantee.name]
            put(sheet, row, 1, GUARANTEE_PREFIX + guarantee.name)
            put(sheet, row, 2, "guarantee")
            put(sheet, row, 3, guarantee.source)
            years = [self.year_ref(self.inputs.year_row, i) for i in range(len(self.years))]
            formulas = xlsx_contracts.guarantee_formulas(
                self.scenario,
                self.name,
                home,
                guarantee,
                self.contracts,
                lambda line, column: f"{column}{self.layout.biased_rows.get(line, self.layout.line_rows[line])}",
                years,
                self.columns,
                row,
            )
            if formulas is None:  # the central run's values, which end where a planned change ends it
                values: list[str | float] = []
                for i, value in enumerate(nominal[guarantee.name][0]):
                    stopped = xlsx_contracts.stop_factor(
                        self.scenario, self.name, guarantee.name, self.contracts, years[i]
                    )
                    values.append(float(value) if stopped is None else f"={float(value)!r}*{stopped}")
                self._row(sheet, row, values)
                note = "values of the central run (probability-weighted over a switch, or in real prices)"
                sheet.cell(row, self.layout.total_column + 1, note).font = NOTE
            else:
                self._row(sheet, row, formulas)

    def _transfers(self, sheet: Worksheet) -> None:
        if "transfers" not in self.layout.rows:
            return
        row = self.layout.rows["transfers"]
        self._label(sheet, row, TRANSFERS, bold=True)
        transfers = [
            self.layout.biased_rows.get(line.name, self.layout.line_rows[line.name])
            for _, line in self.scenario.lines_of(self.name)
            if line.transfer
        ]
        self._row(sheet, row, [sum_of(c, transfers) for c in self.columns])

    def _costs(self, sheet: Worksheet, key: str, label: str, nominal_rows: list[int]) -> None:
        """A cost in each basis: nominal adds up the given rows, real divides it by the price index, present
        value multiplies that by the discount factor (without transfers, if the option has any)."""
        rows, inputs = self.layout.rows, self.inputs
        nominal, real, present = (rows[f"{key}_{basis}"] for basis in BASES)
        for row, basis in ((nominal, "nominal"), (real, "real"), (present, "present_value")):
            self._label(sheet, row, labelled(f"{label} (", basis), bold=True)
        self._row(sheet, nominal, [sum_of(c, nominal_rows) for c in self.columns])
        index, factor = inputs.price_index_row, inputs.discount_factor_row
        self._row(sheet, real, [f"={c}{nominal}/{self.year_ref(index, i)}" for i, c in enumerate(self.columns)])
        transfers = rows.get("transfers")
        present_formulas = []
        for i, c in enumerate(self.columns):
            economic = f"{c}{real}" if transfers is None else f"({c}{real}-{c}{transfers}/{self.year_ref(index, i)})"
            present_formulas.append(f"={economic}*{self.year_ref(factor, i)}")
        self._row(sheet, present, present_formulas)

    def _savings(self, sheet: Worksheet) -> None:
        rows = self.layout.rows
        base = self.layouts[self.scenario.baseline]
        for basis in BASES:
            row = rows[f"saving_{basis}"]
            self._label(sheet, row, labelled(f"Saving against {self.scenario.baseline} (", basis))
            theirs, own = base.rows[f"cost_{basis}"], rows[f"cost_{basis}"]
            self._row(sheet, row, [f"={quote_sheetname(base.sheet)}!{c}{theirs}-{c}{own}" for c in self.columns])
        for basis in BASES:
            row, saving = rows[f"cumulative_saving_{basis}"], rows[f"saving_{basis}"]
            self._label(sheet, row, labelled("Cumulative saving (", basis))
            formulas = [f"={self.columns[0]}{saving}"]
            formulas += [f"={self.columns[i - 1]}{row}+{c}{saving}" for i, c in enumerate(self.columns) if i > 0]
            self._row(sheet, row, formulas, total=False)

    def _real(self, sheet: Worksheet) -> None:
        """Each line (after optimism bias) and each risk in real prices."""
        layout = self.layout
        what = "Lines (after optimism bias)" if layout.biased_rows else "Lines"
        what += " and risks" if layout.risk_rows else ""
        sheet.cell(layout.rows["real_heading"], 1, labelled(f"{what} in real prices (", "real")).font = BOLD
        nominal_rows = {line: layout.biased_rows.get(line, row) for line, row in layout.line_rows.items()}
        nominal_rows |= {RISK_PREFIX + risk: row for risk, row in layout.risk_rows.items()}
        nominal_rows |= {GUARANTEE_PREFIX + g: row for g, row in layout.guarantee_rows.items()}
        index = self.inputs.price_index_row
        for key, row in layout.real_rows.items():
            put(sheet, row, 1, key)
            self._row(
                sheet, row, [f"={c}{nominal_rows[key]}/{self.year_ref(index, i)}" for i, c in enumerate(self.columns)]
            )
        if "transfers_real" in layout.rows:
            row, transfers = layout.rows["transfers_real"], layout.rows["transfers"]
            sheet.cell(row, 1, "Transfers (real)")
            self._row(sheet, row, [f"={c}{transfers}/{self.year_ref(index, i)}" for i, c in enumerate(self.columns)])
