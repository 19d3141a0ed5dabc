"""report, plot and the workbook: outputs for readers and analysts, from the `report` extra."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from barnetmodel.cli import emit
from barnetmodel.commands.common import Request, compute, fail, needs

if TYPE_CHECKING:
    from barnetmodel.engine import Projection

IMAGE_FORMATS = {".png": "png", ".svg": "svg"}


def report(request: Request, output: str | None) -> None:
    needs("barnetmodel report", "jinja2", "matplotlib")
    from barnetmodel.output import report_html

    emit(report_html.render(compute(request, sensitivity=True)), output)


def plot(request: Request, output: str, chart: str, basis: str | None) -> None:
    fmt = IMAGE_FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise fail(f"{output}: the chart's format is chosen by the file name: end it in .png or .svg")
    needs("barnetmodel plot", "matplotlib")
    from barnetmodel.output import charts

    tornado = chart == "tornado"
    basis = basis or ("present_value" if tornado else "nominal")
    # The tornado moves one input at a time and needs no draws; the other charts draw their bands from them.
    results = compute(replace(request, draws=0) if tornado else request, sensitivity=tornado, basis=basis)
    try:
        figure = charts.chart(results, chart, basis)
    except charts.NoChartData as error:
        raise fail(f"barnetmodel plot: {error}") from None
    emit(charts.to_bytes(figure, fmt), output)


def workbook(projection: Projection, results: dict[str, Any], output: str | None) -> None:
    if output is None:
        raise fail("--format xlsx writes a binary workbook: give a file with --output, e.g. -o model.xlsx")
    needs("--format xlsx", "openpyxl")
    from barnetmodel.output import xlsx_out

    emit(xlsx_out.render(projection, results), output)
