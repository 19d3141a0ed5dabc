"""The workbook's contract mechanics: on the Inputs sheet, the GDP deflator series, amounts year by year,
indexation (the change each year and the price factor, as formulas with the cap and floor), planned
changes, switches and guarantees; on the option sheets, the factor each line's formula carries; on the
Summary, guarantees and transfers. A scenario without them gets a workbook as before.

A switch is a draw-by-draw event: the sheets show the central run's chances that it has happened, as
values worked out by barnetmodel (its probability moves them only through barnetmodel), and each line
it stops or starts times its expected share. A guarantee whose refunds depend on a switch, or are in
real prices, is shown as the central run's values too; others are live formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from barnetmodel.data.series import Series
from barnetmodel.engine.projection import Projection
from barnetmodel.errors import Path
from barnetmodel.output.xlsx_cells import (
    BOLD,
    FACTOR_FORMAT,
    FIRST_YEAR_COLUMN,
    INPUT,
    NOTE,
    RATE_FORMAT,
    YEAR_FORMAT,
    cell_value,
    heading_table,
    is_formula,
    put,
    ref,
    title_row,
    uncertain_text,
)
from barnetmodel.scenario.contract_checks import switch_risks
from barnetmodel.scenario.models import Guarantee, Indexation, InflationSeries, Line, Scenario, financial_year
from barnetmodel.scenario.paths import risk_path

INDEX_COLUMNS = [
    ("option", "Option"),
    ("line", "Line"),
    ("series", "Series"),
    ("rate", "Rate a year"),
    ("from", "From (first uplift)"),
    ("lag", "Lag (years)"),
    ("cap", "Cap a year"),
    ("floor", "Floor a year"),
    ("after", "Rate after the series"),
    ("source", "Source"),
]
CHANGE_COLUMNS = [
    ("option", "Option"),
    ("change", "Change"),
    ("kind", "Kind"),
    ("year", "From (year)"),
    ("stops", "Lines that stop"),
    ("starts", "Lines that start"),
    ("costs", "Its own costs"),
    ("source", "Source"),
    ("source_text", "Source text"),
    ("note", "Note"),
]
SWITCH_COLUMNS = [
    ("option", "Option"),
    ("risk", "Risk"),
    ("stops", "Lines that stop"),
    ("fallback", "Fallback lines"),
    ("takes_effect", "Takes effect"),
    ("premium", "Fallback premium"),
    ("transition", "Premium years"),
]
GUARANTEE_COLUMNS = [
    ("option", "Option"),
    ("guarantee", "Guarantee"),
    ("lines", "Lines it bounds"),
    ("level", "Level a year"),
    ("prices", "Prices"),
    ("from", "From"),
    ("to", "To"),
    ("cap", "Cap a year"),
    ("cap_total", "Cap in all"),
    ("provider", "Ends when this happens"),
    ("uncertain", "Uncertain (cells hold the mean)"),
    ("source", "Source"),
    ("source_text", "Source text"),
    ("note", "Note"),
]
SWITCH_ROWS = (
    ("happened", "chance it has happened by then"),
    ("switched", "chance its lines have switched"),
    ("transition", "chance a fallback line is in its premium years"),
)
GUARANTEE_PREFIX = "Guarantee: "
TRANSFERS = "Transfers (nominal, left out of present values)"


@dataclass
class ContractLayout:
    """Where the contract mechanics are on the Inputs sheet."""

    year_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (home, line) -> amounts or weights
    index_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (home, line) -> price factor row
    change_years: dict[tuple[str, str], str] = field(default_factory=dict)  # (home, change) -> its year's cell
    switch_rows: dict[tuple[str, Path], dict[str, int]] = field(default_factory=dict)  # (option, switch) -> rows
    premiums: dict[Path, str] = field(default_factory=dict)  # switch -> its premium's cell
    guarantee_rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (home, guarantee) -> row
    guarantee_columns: dict[str, int] = field(default_factory=dict)
    deflator_row: int = 0


# The lines table ---------------------------------------------------------------------------


def extra_line_columns(scenario: Scenario) -> list[tuple[str, str]]:
    """Columns of the lines table that only scenarios using them get."""
    lines = [line for option in scenario.options.values() for line in option.lines]
    found = []
    if any(line.scale is not None for line in lines):
        found.append(("scale", "Scale (year by year)"))
    if any(line.credits is not None or line.variations is not None for line in lines):
        found += [("base", "Credits on / variations of"), ("share", "Share of its charge")]
    if any(line.transfer for line in lines):
        found.append(("transfer", "Transfer"))
    return found


def extra_line_values(line: Line) -> dict[str, Any]:
    return {
        "scale": line.scale,
        "base": line.credits or line.variations,
        "share": line.share,
        "transfer": True if line.transfer else None,
    }


# The GDP deflator as a series --------------------------------------------------------------


def deflator_settings(scenario: Scenario) -> list[tuple[str, Any, str | None, str | None]]:
    """Rows of the Money block for a series: what it is, its last year and value, and its value in the price
    base year (from the series, or carried on at Inflation a year after it ends)."""
    inflation = scenario.money.inflation
    if not isinstance(inflation, InflationSeries):
        return []
    from barnetmodel.data.series import series

    found = series(inflation.series)
    base = scenario.price_base
    at_base: Any = found.value(base) if base <= found.last else f"=DeflatorLast*(1+Inflation)^(PriceBase-{found.last})"
    return [
        ("GDP deflator series", f"{found.publisher}, {found.release} ({found.released})", None, None),
        ("Series' last year (by its start)", found.last, YEAR_FORMAT, "DeflatorLastYear"),
        ("Series' value in its last year", found.value(found.last), FACTOR_FORMAT, "DeflatorLast"),
        ("Series' value in the price base year", at_base, FACTOR_FORMAT, "DeflatorBase"),
    ]


def deflator_row(scenario: Scenario, sheet: Worksheet, row: int, years: list[int], year_row: int) -> int:
    """A row of the deflator by year (the series, then Inflation a year on its last value); returns its row,
    or 0 for a scenario with one rate a year."""
    inflation = scenario.money.inflation
    if not isinstance(inflation, InflationSeries):
        return 0
    from barnetmodel.data.series import series

    found = series(inflation.series)
    sheet.cell(row, 1, "GDP deflator (the series; after it, Inflation a year)")
    for i, year in enumerate(years):
        column = FIRST_YEAR_COLUMN + i
        letter = get_column_letter(column)
        if year <= found.last:
            cell = sheet.cell(row, column, found.value(year))
            cell.font = INPUT
        else:
            cell = sheet.cell(row, column, f"=DeflatorLast*(1+Inflation)^({letter}{year_row}-DeflatorLastYear)")
        cell.number_format = FACTOR_FORMAT
    return row


# The Inputs sheet --------------------------------------------------------------------------


class ContractInputs:
    """Writes the contract tables of the Inputs sheet."""

    def __init__(
        self,
        scenario: Scenario,
        projection: Projection,
        results: dict[str, Any],
        names: Mapping[str, str],
        money: str,
        years: list[int],
        layout: ContractLayout,
    ):
        self.scenario = scenario
        self.projection = projection
        self.results = results
        self.names = names
        self.money = money
        self.years = years
        self.layout = layout

    def write(self, sheet: Worksheet, row: int, year_row: int) -> int:
        """The tables a scenario needs, each after a blank row from `row`; the row after the last table
        (`row` itself when there is none). Each table does the same."""
        row = self.amounts(sheet, row)
        row = self.indexation(sheet, row, year_row)
        row = self.changes(sheet, row)
        row = self.switches(sheet, row)
        return self.guarantees(sheet, row)

    def _year_cells(self, sheet: Worksheet, row: int, by_year: Mapping[int, Any], number_format: str) -> None:
        for i, year in enumerate(self.years):
            value = cell_value(by_year.get(year, 0.0), self.names)
            cell = put(sheet, row, FIRST_YEAR_COLUMN + i, value)
            cell.number_format = number_format
            if not is_formula(value):
                cell.font = INPUT

    def amounts(self, sheet: Worksheet, row: int) -> int:
        """Each line's amounts year by year (or the weights of a total's profile), under the year columns."""
        lines = [(n, li) for n, o in self.scenario.options.items() for li in o.lines if li.by_year or li.profile]
        if not lines:
            return row
        row += 1
        sheet.cell(row, 1, "Amounts year by year, and weights of a total's profile (under the years)").font = BOLD
        title_row(sheet, row + 1, ["Option", "Line", "Scale", *map(financial_year, self.years)])
        row += 1
        for name, line in lines:
            row += 1
            self.layout.year_rows[(name, line.name)] = row
            put(sheet, row, 1, name)
            put(sheet, row, 2, line.name + (" (weights)" if line.profile else ""))
            if line.scale is not None:
                scale = cell_value(line.scale, self.names)
                cell = put(sheet, row, 3, scale)
                cell.font = NOTE if is_formula(scale) else INPUT
            written = line.by_year if line.by_year is not None else line.profile
            assert written is not None
            self._year_cells(sheet, row, written, self.money if line.by_year else FACTOR_FORMAT)
        return row + 1

    def indexation(self, sheet: Worksheet, row: int, year_row: int) -> int:
        """Per indexed line: its clause's inputs; the change each year's uplift uses (the series' change `lag`
        years before, as published; the rate); and the price factor, a formula: 1 before `from`, then the
        year before's times 1 + the change held between floor and cap."""
        lines = [(n, li) for n, o in self.scenario.options.items() for li in o.lines if li.index is not None]
        if not lines:
            return row
        row += 1
        from barnetmodel.data.series import series

        places = heading_table(
            sheet, row, "Indexation (changes a year; the factor multiplies the price)", INDEX_COLUMNS
        )
        row += 1
        for name, line in lines:
            index = line.index
            assert index is not None
            row += 1
            values: dict[str, Any] = {
                "option": name,
                "line": line.name,
                "series": index.series,
                "rate": cell_value(index.rate, self.names),
                "from": index.from_,
                "lag": index.lag,
                "cap": cell_value(index.cap, self.names),
                "floor": cell_value(index.floor, self.names),
                "after": cell_value(index.after, self.names),
                "source": index.source,
            }
            for key, value in values.items():
                if value is not None:
                    cell = put(sheet, row, places[key], value)
                    if key in ("rate", "cap", "floor", "after"):
                        cell.number_format = RATE_FORMAT
                    if key not in ("option", "line", "source") and not is_formula(value):
                        cell.font = INPUT
            inputs = {key: ref("Inputs", places[key], row, "both") for key in places}
            change_row, factor_row = row + 1, row + 2
            sheet.cell(change_row, 1, "  change each year's uplift uses")
            sheet.cell(factor_row, 1, "  price factor (1 before `from`)")
            found = series(index.series) if index.series is not None else None
            for i, year in enumerate(self.years):
                column = FIRST_YEAR_COLUMN + i
                letter = get_column_letter(column)
                of = year - index.lag
                change: Any
                if found is None:
                    change = f"={inputs['rate']}"
                elif of <= found.last:
                    change = found.change(of) if found.covers(of - 1) else 0.0
                else:
                    change = f"={inputs['after']}"
                cell = sheet.cell(change_row, column, change)
                cell.number_format = RATE_FORMAT
                if not is_formula(change):
                    cell.font = INPUT
                held = f"{letter}{change_row}"
                if index.floor is not None:
                    held = f"MAX({inputs['floor']},{held})"
                if index.cap is not None:
                    held = f"MIN({inputs['cap']},{held})"
                before = f"{get_column_letter(column - 1)}{factor_row}"
                formula = f"=IF({letter}${year_row}<{inputs['from']},1,{before}*(1+{held}))"
                sheet.cell(factor_row, column, formula).number_format = FACTOR_FORMAT
            # The factor of the year before the horizon: 1, or the uplifts from `from` up to it, each the
            # published change (or the rate) held between the same floor and cap cells.
            carried = self._carried_in(index, inputs, found)
            cell = sheet.cell(factor_row, FIRST_YEAR_COLUMN - 1, carried)
            cell.number_format = FACTOR_FORMAT
            if carried != 1:
                sheet.cell(factor_row, 2, "left: the factor in the year before the horizon").font = NOTE
            self.layout.index_rows[(name, line.name)] = factor_row
            row = factor_row
        return row + 1

    def _carried_in(self, index: Indexation, inputs: dict[str, str], found: Series | None) -> str | float:
        """The price factor in the year before the horizon: 1 if indexation starts in the horizon or after,
        else a formula of the uplifts before it (the changes as published, the cap and floor as cells)."""
        uplifts = []
        for year in range(index.from_, self.years[0]):
            of = year - index.lag
            if found is None:
                change = inputs["rate"]
            elif of <= found.last:
                change = repr(found.change(of))
            else:
                change = inputs["after"]
            if index.floor is not None:
                change = f"MAX({inputs['floor']},{change})"
            if index.cap is not None:
                change = f"MIN({inputs['cap']},{change})"
            uplifts.append(f"(1+{change})")
        return "=" + "*".join(uplifts) if uplifts else 1.0

    def changes(self, sheet: Worksheet, row: int) -> int:
        changes = [(n, c) for n, o in self.scenario.options.items() for c in o.changes]
        if not changes:
            return row
        row += 1
        places = heading_table(sheet, row, "Planned changes (a line stops, or starts, in the year)", CHANGE_COLUMNS)
        row += 1
        for name, change in changes:
            row += 1
            values: dict[str, Any] = {
                "option": name,
                "change": change.name,
                "kind": change.kind,
                "year": change.year,
                "stops": "; ".join(change.stops),
                "starts": "; ".join(change.starts),
                "costs": "; ".join(change.costs),
                "source": change.source,
                "source_text": self.scenario.sources.get(change.source or ""),
                "note": change.note,
            }
            for key, value in values.items():
                if value:
                    put(sheet, row, places[key], value)
            year = sheet.cell(row, places["year"])
            year.font, year.number_format = INPUT, YEAR_FORMAT
            self.layout.change_years[(name, change.name)] = ref("Inputs", places["year"], row, "both")
        return row + 1

    def switches(self, sheet: Worksheet, row: int) -> int:
        """Each switch: what it stops and starts, its premium, and the central run's chances by year."""
        found: dict[Path, tuple[str, Any]] = {}
        users: dict[Path, list[str]] = {}  # the options it is in (an option based on another inherits it)
        for name in self.scenario.options:
            for home, risk in switch_risks(self.scenario, name):
                found.setdefault(risk_path(home, risk), (home, risk))
                users.setdefault(risk_path(home, risk), []).append(name)
        if not found:
            return row
        row += 1
        places = heading_table(sheet, row, "Switches: risks that stop lines and start others", SWITCH_COLUMNS)
        row += 1
        for path, (home, risk) in found.items():
            row += 1
            values = {
                "option": home,
                "risk": risk.name,
                "stops": "; ".join(risk.stops or []),
                "fallback": "; ".join(risk.fallback or []),
                "takes_effect": (risk.takes_effect or "").replace("_", " "),
                "premium": cell_value(risk.premium, self.names),
                "transition": risk.transition,
            }
            for key, value in values.items():
                if value is not None and value != "":
                    cell = put(sheet, row, places[key], value)
                    if key in ("premium", "transition") and not is_formula(value):
                        cell.font = INPUT
            sheet.cell(row, places["premium"]).number_format = RATE_FORMAT
            self.layout.premiums[path] = ref("Inputs", places["premium"], row, "both")
            for option in users[path]:
                chances = self.projection.switch_chances.get((option, path), {})
                rows: dict[str, int] = {}
                for key, label in SWITCH_ROWS:
                    if key not in chances:
                        continue
                    row += 1
                    rows[key] = row
                    put(sheet, row, 1, f"  {label}" + ("" if option == home else f" ({option})"))
                    for i, value in enumerate(chances[key]):
                        sheet.cell(row, FIRST_YEAR_COLUMN + i, float(value)).number_format = "0.00%"
                self.layout.switch_rows[(option, path)] = rows
        row += 1
        sheet.cell(
            row,
            1,
            "The chances are the central run's, worked out by barnetmodel from each risk's "
            "probability and window: they do not follow a change to the probability here.",
        ).font = NOTE
        return row + 1

    def guarantees(self, sheet: Worksheet, row: int) -> int:
        guarantees = [(n, g) for n, o in self.scenario.options.items() for g in o.guarantees]
        if not guarantees:
            return row
        row += 1
        places = heading_table(sheet, row, "Guaranteed savings (paid back above the level)", GUARANTEE_COLUMNS)
        row += 1
        for name, guarantee in guarantees:
            row += 1
            self.layout.guarantee_rows[(name, guarantee.name)] = row
            numbers = {"level": guarantee.level, "cap": guarantee.cap, "cap_total": guarantee.cap_total}
            values: dict[str, Any] = {"option": name, "guarantee": guarantee.name, "lines": "; ".join(guarantee.lines)}
            values |= {key: cell_value(v, self.names) for key, v in numbers.items()}
            values |= {
                "prices": guarantee.prices or self.scenario.money.prices,
                "from": guarantee.from_ if guarantee.from_ is not None else self.years[0],
                "to": guarantee.to if guarantee.to is not None else self.years[-1],
                "provider": guarantee.provider,
                "uncertain": uncertain_text(numbers),
                "source": guarantee.source,
                "source_text": self.scenario.sources.get(guarantee.source or ""),
                "note": guarantee.note,
            }
            for key, value in values.items():
                if value is None:
                    continue
                cell = put(sheet, row, places[key], value)
                if key in ("level", "cap", "cap_total"):
                    cell.number_format = self.money
                elif key in ("from", "to"):
                    cell.number_format = YEAR_FORMAT
                if key in ("level", "cap", "cap_total", "prices", "from", "to") and not is_formula(value):
                    cell.font = INPUT
        self.layout.guarantee_columns = places
        return row + 1


# Option sheets ----------------------------------------------------------------------------


def line_factor(
    scenario: Scenario, option: str, home: str, line: Line, layout: ContractLayout, column: int, year: str
) -> str | None:
    """What a line's formula is multiplied by in one year column: its price factor (indexation), 1 or 0 by
    the option's planned changes, and a switch's expected share (it stops) or its expected premium-weighted
    share (it starts); None when nothing."""
    parts = []
    letter = get_column_letter(column)
    if (home, line.name) in layout.index_rows:
        parts.append(f"Inputs!{letter}${layout.index_rows[(home, line.name)]}")
    for owner, change in scenario.changes_of(option):
        year_cell = layout.change_years[(owner, change.name)]
        if line.name in change.stops:
            parts.append(f"IF({year}<{year_cell},1,0)")
        if line.name in change.starts:
            parts.append(f"IF({year}>={year_cell},1,0)")
    for owner, risk in switch_risks(scenario, option):
        path = risk_path(owner, risk)
        switched = f"Inputs!{letter}${layout.switch_rows[(option, path)]['switched']}"
        if line.name in (risk.stops or []):
            parts.append(f"(1-{switched})")
        elif line.name in (risk.fallback or []):
            if risk.transition:
                transition = f"Inputs!{letter}${layout.switch_rows[(option, path)]['transition']}"
                parts.append(f"({switched}+{layout.premiums[path]}*{transition})")
            else:
                parts.append(switched)
    return "*".join(parts) or None


def stop_factor(scenario: Scenario, option: str, name: str, layout: ContractLayout, year: str) -> str | None:
    """1 before, 0 from, the year a planned change of the option stops a guarantee or risk; None if none does."""
    parts = [
        f"IF({year}<{layout.change_years[(owner, change.name)]},1,0)"
        for owner, change in scenario.changes_of(option)
        if name in change.stops
    ]
    return "*".join(parts) or None


def switched_share(scenario: Scenario, option: str, line: str, layout: ContractLayout, column: int) -> str | None:
    """The expected share a switch leaves of a line it stops (for variations of a charge that stops)."""
    letter = get_column_letter(column)
    for owner, risk in switch_risks(scenario, option):
        if line in (risk.stops or []):
            return f"(1-Inputs!{letter}${layout.switch_rows[(option, risk_path(owner, risk))]['switched']})"
    return None


def guarantee_formulas(
    scenario: Scenario,
    option: str,
    home: str,
    guarantee: Guarantee,
    layout: ContractLayout,
    line_cells: Callable[[str, str], str],
    years: list[str],
    columns: list[str],
    row: int,
) -> list[str] | None:
    """The refunds of a guarantee as live formulas, one a year: -MIN(cap, what is left of the cap in all,
    MAX(0, the lines' cost - level)) in the years it holds; None when it cannot be a formula (it depends
    on a switch, or compares real prices)."""
    involved = {n for _, r in switch_risks(scenario, option) for n in [*(r.stops or []), *(r.fallback or [])]}
    if guarantee.provider is not None or set(guarantee.lines) & involved:
        return None
    if (guarantee.prices or scenario.money.prices) == "real":
        return None
    places, inputs_row = layout.guarantee_columns, layout.guarantee_rows[(home, guarantee.name)]

    def cell(key: str) -> str:
        return ref("Inputs", places[key], inputs_row, "both")

    formulas = []
    for i, (year, column) in enumerate(zip(years, columns, strict=True)):
        cost = "+".join(line_cells(name, column) for name in guarantee.lines)
        parts = [f"MAX(0,{cost}-{cell('level')})"]
        if guarantee.cap is not None:
            parts.append(cell("cap"))
        if guarantee.cap_total is not None:  # what is left: the cap less what was paid before (negative cells)
            paid = f"+SUM(${columns[0]}{row}:{columns[i - 1]}{row})" if i else ""
            parts.append(f"{cell('cap_total')}{paid}")
        held = parts[0] if len(parts) == 1 else f"MIN({','.join(parts)})"
        stopped = stop_factor(scenario, option, guarantee.name, layout, year)
        ended = "" if stopped is None else f"*{stopped}"
        formulas.append(f"=-IF(AND({year}>={cell('from')},{year}<={cell('to')}),{held},0){ended}")
    return formulas
