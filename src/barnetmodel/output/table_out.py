"""Rich tables for the terminal."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from barnetmodel.output import terminal_chart
from barnetmodel.output.views import all_views, header


def show(results: dict[str, Any], console: Console) -> None:
    lines = header(results)
    console.print(f"[bold]{lines[0]}[/bold]", highlight=False)
    for line in lines[1:]:
        console.print(line, style="dim", highlight=False)
    for view in all_views(results):
        table = Table(
            title=view.title,
            title_justify="left",
            title_style="bold",
            caption=view.note,
            caption_justify="left",
            box=box.SIMPLE_HEAD,
        )
        for i, column in enumerate(view.columns):
            if i == 0:
                table.add_column(column, ratio=1, min_width=16, overflow="fold")
            else:
                table.add_column(column, justify="right", no_wrap=True)
        for row in view.rows:
            table.add_row(*row)
        console.print()
        console.print(table)
    chart = terminal_chart.render(results, console.width)
    if chart is not None:
        console.print()
        console.print(chart)
