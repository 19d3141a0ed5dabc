"""Rich tables for the terminal: a figure is never cut or dropped, whatever the terminal's width.

Each figure column is exactly as wide as its widest figure; labels (and headers) wrap instead. A
table with more columns than the terminal holds is split into stacked tables, each repeating the
first column, rather than left for Rich to squeeze (which cuts figures to "1.00…" or drops them).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from barnetmodel.output import terminal_chart
from barnetmodel.output.views import View, all_views, header, terminal_safe

# The narrowest a column of text gets before the table is split (longer words fold): the first
# column, the labels, a little wider, so that a label wraps over a few lines rather than many.
LABEL_FLOOR, TEXT_FLOOR = 12, 10
UNLIMITED = 10**6


def _lines(view: View, i: int) -> list[str]:
    return [line for row in view.rows for line in row[i].split("\n")] + view.columns[i].split("\n")


def _figure_width(view: View, i: int) -> int:
    """A figure column's width: its widest figure, and its longest header word (headers wrap at spaces)."""
    cells = [line for row in view.rows for line in row[i].split("\n")]
    words = view.columns[i].split()
    return max([len(cell) for cell in cells] + [len(word) for word in words] + [1])


def _is_text(view: View, i: int) -> bool:
    return i == 0 or view.wrap_all


def _floor(view: View, i: int) -> int:
    """The narrowest a column of text is made before the table is split: its widest line, up to a floor,
    and never narrower than a word holding a figure (`low=0.02,`), which must not fold."""
    lines = _lines(view, i)
    figures = [len(word) for line in lines for word in line.split() if any(c.isdigit() for c in word)]
    return max(min(LABEL_FLOOR if i == 0 else TEXT_FLOOR, max(len(line) for line in lines)), *figures, 1)


def _table(view: View, columns: list[int], text_width: dict[int, tuple[int, int]] | None) -> Table:
    """The view's `columns` as a Rich table; columns of text between the (least, most) widths given for
    them in `text_width` (None: as Rich likes). Figure columns always have their own width."""
    table = Table(box=box.SIMPLE_HEAD)
    for i in columns:
        heading = Text(view.columns[i], overflow="fold", no_wrap=False)
        if _is_text(view, i):
            least, most = text_width[i] if text_width else (None, None)
            table.add_column(heading, overflow="fold", min_width=least, max_width=most)
        else:
            heading.justify = "right"
            table.add_column(heading, justify="right", no_wrap=True, width=_figure_width(view, i))
    for row in view.rows:
        table.add_row(*(Text(row[i]) for i in columns))  # Text, not markup: a '[...]' in a cell is data
    return table


def _least_width(console: Console, table: Table) -> int:
    return Measurement.get(console, console.options.update_width(UNLIMITED), table).minimum


def _narrowest(view: View, columns: list[int]) -> dict[int, tuple[int, int]]:
    return {i: (_floor(view, i), _floor(view, i)) for i in columns if _is_text(view, i)}


def _fitted(console: Console, view: View, columns: list[int]) -> Table:
    """The table of `columns`, its text columns narrowed as far as needed to fit the terminal (it fits with
    them at their floor: see `tables`); the room left over is shared among them."""
    if _least_width(console, _table(view, columns, None)) <= console.width:
        return _table(view, columns, None)
    narrowest = _narrowest(view, columns)
    spare = (console.width - _least_width(console, _table(view, columns, narrowest))) // max(len(narrowest), 1)
    return _table(view, columns, {i: (least, least + spare) for i, (least, _) in narrowest.items()})


def tables(view: View, console: Console) -> list[Table]:
    """The view as one table, or as stacked tables that each repeat its first column: figures whole."""
    groups: list[list[int]] = []
    for i in range(1, len(view.columns)):
        columns = [0, *groups[-1], i] if groups else []
        if columns and _least_width(console, _table(view, columns, _narrowest(view, columns))) <= console.width:
            groups[-1].append(i)
        else:
            groups.append([i])
    return [_fitted(console, view, [0, *group]) for group in groups or [[]]]


def print_view(console: Console, view: View) -> None:
    """A view's title, its table (or stacked tables) and its note, each wrapped to the terminal."""
    console.print(Text(view.title, style="bold"))
    for table in tables(view, console):
        console.print(table)
    if view.note:
        console.print(Text(view.note))


def show(results: dict[str, Any], console: Console) -> None:
    results = terminal_safe(results)
    lines = header(results)
    console.print(Text(lines[0], style="bold"))
    for line in lines[1:]:
        console.print(Text(line, style="dim"))
    for view in all_views(results):
        console.print()
        print_view(console, view)
    chart = terminal_chart.render(results, console.width)
    if chart is not None:
        console.print()
        console.print(chart)
