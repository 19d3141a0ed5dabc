"""Rich tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from barnetmodel.output import terminal_chart
from barnetmodel.output.views import View, all_views, header, terminal_safe


def table(view: View) -> Table:
    """A view as a Rich table: the first column wraps, figures never do."""
    table = Table(
        title=Text(view.title, style="bold"),
        title_justify="left",
        caption=Text(view.note),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for i, column in enumerate(view.columns):
        if i == 0 or view.wrap_all:
            table.add_column(Text(column), ratio=1, min_width=16 if i == 0 else 8, overflow="fold")
        else:
            table.add_column(Text(column, justify="right"), justify="right", no_wrap=True)
    for row in view.rows:
        table.add_row(*(Text(cell) for cell in row))  # Text, not markup: a '[...]' in a cell is data
    return table


def show(results: dict[str, Any], console: Console) -> None:
    results = terminal_safe(results)
    lines = header(results)
    console.print(Text(lines[0], style="bold"))
    for line in lines[1:]:
        console.print(Text(line, style="dim"))
    for view in all_views(results):
        console.print()
        console.print(table(view))
    chart = terminal_chart.render(results, console.width)
    if chart is not None:
        console.print()
        console.print(chart)
