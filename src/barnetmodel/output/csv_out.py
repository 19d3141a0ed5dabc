"""CSV: one row per option and year (and a `total` row per option), every basis in columns; and the one
way every CSV of barnetmodel writes its cells, so that no text in it becomes a spreadsheet formula.

The run's CSV holds the central run only: with draws, the uncertainty figures are in the JSON, the Markdown
and the tables (the command says so on standard error). Present values leave transfers out (the economic
case), cash figures keep them, so `transfers_nominal` and `transfers_real` give the part of each year's cost
that is transfers: cost_present_value = (cost_real - transfers_real) x discount_factor."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from barnetmodel.errors import printable

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell: a number as Python writes it back exactly (negative ones stay numbers); text that a
    spreadsheet would take for a formula (starting with =, +, -, @, tab or carriage return) after an
    apostrophe, which shows it as text; None as an empty cell. Control characters (a payee name in a
    payments file may carry ESC sequences) are written as visible escapes (\\x1b), as the terminal tables
    show them: CSV often goes to a terminal, which would obey them."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return printable(text)


def writer(out: io.StringIO) -> Any:
    """A CSV writer whose rows go through spreadsheet_safe: `write(row)`."""
    plain = csv.writer(out, lineterminator="\n")

    def write(row: Iterable[Any]) -> None:
        plain.writerow([spreadsheet_safe(cell) for cell in row])

    return write


COLUMNS = [
    f"{measure}_{basis}"
    for measure in ("cost", "saving", "cumulative_saving")
    for basis in ("nominal", "real", "present_value")
]
TRANSFERS = ["transfers_nominal", "transfers_real"]  # no present value: it leaves them out


def render(results: dict[str, Any]) -> str:
    out = io.StringIO()
    write = writer(out)
    write(["option", "year", "unit", "price_base", "discount_factor", *COLUMNS, *TRANSFERS])
    unit = results["money"]["unit"]
    base = results["money"]["price_base"]
    for option in results["options"]:
        yearly = option["yearly"]
        transfers = _transfers(option, len(results["years"]))
        for i, year in enumerate(results["years"]):
            values = [yearly[c][i] for c in COLUMNS]
            moved = [transfers[c][i] for c in TRANSFERS]
            write([option["name"], year, unit, base, results["discount_factor"][i], *values, *moved])
        totals = {f"cost_{b}": option["total_cost"][b] for b in ("nominal", "real", "present_value")}
        totals |= {f"saving_{b}": option["total_saving"][b] for b in ("nominal", "real", "present_value")}
        totals |= {f"cumulative_{k}": v for k, v in totals.items() if k.startswith("saving_")}
        moved = [option["transfers"][c.removeprefix("transfers_")] if "transfers" in option else 0.0 for c in TRANSFERS]
        write([option["name"], "total", unit, base, "", *(totals[c] for c in COLUMNS), *moved])
    return out.getvalue()


def _transfers(option: dict[str, Any], years: int) -> dict[str, list[float]]:
    """An option's transfers each year, nominal and real: the sum of its lines marked `transfer`, as the
    option's `transfers` totals are summed (0 in every year for an option without them)."""
    marked = [line for line in option["lines"] if line.get("transfer")]
    return {
        column: [sum((line[column.removeprefix("transfers_")][i] for line in marked), 0.0) for i in range(years)]
        for column in TRANSFERS
    }
