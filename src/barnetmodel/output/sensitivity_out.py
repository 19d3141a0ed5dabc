"""Sensitivity results as a tornado (bars drawn in text), switching values, CSV and Markdown."""

from __future__ import annotations

import io
from typing import Any

from rich.text import Text

from barnetmodel.output.views import View, money

BAR_WIDTH = 16


def bar(low: float, high: float, centre: float, scale: float) -> str:
    """A tornado bar: the swing of the saving about its central value, '▒' where the input is low,
    '█' where it is high, '|' at the central saving."""
    half = BAR_WIDTH // 2
    cells = [" "] * (2 * half + 1)
    cells[half] = "|"
    for value, mark in ((low, "▒"), (high, "█")):
        reach = round((value - centre) / scale * half) if scale else 0
        step = 1 if reach > 0 else -1
        for k in range(step, reach + step, step) if reach else []:
            cells[half + k] = mark
    return "".join(cells)


def views(result: dict[str, Any]) -> list[View]:
    centre = result["central_saving"]
    rows = result["tornado"]
    scale = max((max(abs(r["saving_at_low"] - centre), abs(r["saving_at_high"] - centre)) for r in rows), default=0)
    how = (
        "each at its P10 and P90"
        if result["mode"] == "p10_p90"
        else f"each moved by ±{10 if result['percent'] is None else result['percent']:g}%"
    )
    tornado = View(
        f"Tornado: saving of {result['option']} against {result['baseline']}, inputs {how}",
        ["Input: low to high", "Saving\nat low", "Saving\nat high", "Swing"],
        [
            [
                f"{r['label']}: {r['low_text']} to {r['high_text']}",
                money(r["saving_at_low"]),
                money(r["saving_at_high"]),
                bar(r["saving_at_low"], r["saving_at_high"], centre, scale),
            ]
            for r in rows
        ],
        note=f"Saving: {result['units']}; central {money(centre)}. Bars: ▒ input low, █ input high, | central.",
    )
    switching = View(
        "Switching values: where the saving crosses zero",
        ["Input", "Now", "Switches at"],
        [
            [
                r["label"],
                r["central_text"],
                _switches_at(r),
            ]
            for r in result["switching_values"]
        ],
        note="Each input moved alone, the others held at their central values. 'never in range': not between "
        "the input's P0.1-P99.9 (if uncertain) or its plausible range (docs/deciding-and-disputing.md), nor in "
        "the wider range searched after; 'outside its range': only beyond them.",
    )
    return [tornado, switching]


def _switches_at(row: dict[str, Any]) -> str:
    if row["switching_value"] is None:
        return "never in range"
    return row["switching_text"] + ("" if row["within_range"] else " (outside its range)")


def statements(result: dict[str, Any]) -> list[str]:
    """The switching values in words; the inputs that never switch the answer, in one sentence."""
    found = [r["statement"] + "." for r in result["switching_values"] if r["switching_value"] is not None]
    never = [r["label"] for r in result["switching_values"] if r["switching_value"] is None]
    if never:
        verdict = "cheaper" if result["central_saving"] > 0 else "dearer"
        found.append(
            f"{result['option_title']} stays {verdict} than {result['baseline_title']} whatever the value, "
            f"within its range, of: {'; '.join(never)}."
        )
    return found


def render_csv(result: dict[str, Any]) -> str:
    from barnetmodel.output.csv_out import writer

    out = io.StringIO()
    write = writer(out)
    columns = ["input", "label", "central_value", "low_value", "high_value", "saving_at_low", "saving_at_high", "swing"]
    write([*columns, "switching_value", "within_range", "break_even", "statement", "unit"])
    switching = {r["input"]: r for r in result["switching_values"]}
    tornado = {r["input"]: r for r in result["tornado"]}
    for name in [*tornado, *(n for n in switching if n not in tornado)]:
        row = tornado.get(name, {})
        switch = switching.get(name, {})
        values = [row.get(c, switch.get(c)) for c in columns]
        write(
            [
                *values,
                switch.get("switching_value"),
                switch.get("within_range"),
                switch.get("break_even", ""),
                switch.get("statement", ""),
                result["units"],
            ]
        )
    return out.getvalue()


def render_markdown(result: dict[str, Any]) -> str:
    from barnetmodel.output.markdown_out import table, text

    out = [f"# Sensitivity: {text(result['scenario'])}", ""]
    for view in views(result):
        out += table(view)
    return "\n".join([*out, "## In words", "", *(f"- {text(line)}" for line in statements(result)), ""])


def show(result: dict[str, Any], console: Any) -> None:
    from barnetmodel.output.table_out import print_view
    from barnetmodel.output.views import terminal_safe

    result = terminal_safe(result)
    console.print(Text(f"Sensitivity: {result['scenario']}", style="bold"))
    for view in views(result):
        console.print()
        print_view(console, view)
    console.print()
    for line in statements(result):
        console.print(Text(f"- {line}"))
