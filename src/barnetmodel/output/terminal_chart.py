"""A compact chart of cumulative saving by year, drawn with block characters for the terminal (Rich only).

One bar a year for each option but the baseline, on one scale so options compare: a
saving runs right of the zero line in full blocks, an extra cost left of it in shaded
blocks (told apart without colour too), and a P10-P90 band, when the results carry
Monte Carlo draws, as a thin line around the bar.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from barnetmodel.output.optional_sections import Band, bands
from barnetmodel.output.views import money
from barnetmodel.scenario.models import financial_year

SAVING, EXTRA_COST, BAND, AXIS = "█", "▒", "─", "│"
YEAR_WIDTH = 7  # '2013/14'
VALUE_WIDTH = 9  # '-1,234.5' and a space
MIN_BAR_WIDTH = 10


def _column(value: float, low: float, high: float, width: int) -> int:
    """The cell, 0..width, where `value` falls on a scale from `low` to `high`."""
    return round((value - low) / (high - low) * width) if high > low else 0


def bar(value: float, band: tuple[float, float] | None, low: float, high: float, width: int) -> Text:
    """One year's bar: `width` + 1 cells, the zero line among them."""
    zero = _column(0.0, low, high, width)
    end = _column(value, low, high, width)
    cells = [" "] * (width + 1)
    styles = [""] * (width + 1)
    if band is not None:
        for i in range(_column(min(band), low, high, width), _column(max(band), low, high, width) + 1):
            cells[i], styles[i] = BAND, "dim"
    first, last = (zero + 1, end) if end > zero else (end, zero - 1)
    for i in range(first, last + 1):
        cells[i], styles[i] = (SAVING, "green") if end > zero else (EXTRA_COST, "red")
    cells[zero], styles[zero] = AXIS, ""
    text = Text()
    for cell, style in zip(cells, styles, strict=True):
        text.append(cell, style=style or None)
    return text


def render(results: dict[str, Any], width: int, basis: str = "nominal") -> Group | None:
    """The chart for a console `width` columns wide; None when there is no option to compare."""
    others = [o for o in results["options"] if not o["is_baseline"]]
    if not others:
        return None
    series = {o["name"]: o["yearly"][f"cumulative_saving_{basis}"] for o in others}
    found: dict[str, Band] = bands(results, "cumulative_saving", basis)
    values = [v for s in series.values() for v in s]
    values += [v for b in found.values() for v in (*b.p10, *b.p90)]
    low, high = min(0.0, *values), max(0.0, *values)
    bar_width = max(MIN_BAR_WIDTH, width - YEAR_WIDTH - VALUE_WIDTH - 3)
    baseline = next(o for o in results["options"] if o["is_baseline"])
    lines: list[Text] = [
        Text(f"Cumulative saving against {baseline['title']} ({results['money']['units'][basis]})", style="bold"),
    ]
    for option in others:
        band = found.get(option["name"])
        lines.append(Text(option["title"], style="italic"))
        for i, year in enumerate(results["years"]):
            value = series[option["name"]][i]
            line = Text(f"{financial_year(year)} ")
            line.append(bar(value, None if band is None else (band.p10[i], band.p90[i]), low, high, bar_width))
            line.append(money(value).rjust(VALUE_WIDTH))
            lines.append(line)
    key = f"{SAVING} saving   {EXTRA_COST} extra cost" + (f"   {BAND} P10-P90" if found else "")
    lines.append(Text(key, style="dim"))
    return Group(*lines)
