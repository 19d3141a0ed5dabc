"""report, plot and the workbook: outputs for readers and analysts, from the `report` extra."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from barnetmodel.cli import emit
from barnetmodel.commands.common import compute, fail, needs

if TYPE_CHECKING:
    from barnetmodel.cli import Sampling
    from barnetmodel.engine import Projection

IMAGE_FORMATS = {".png": "png", ".svg": "svg"}


def report(
    scenario: str,
    output: str | None,
    option: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
    sampling: Sampling | None = None,
    settings: Sequence[str] = (),
) -> None:
    needs("barnetmodel report", "jinja2", "matplotlib")
    from barnetmodel.output import report_html

    results = compute(
        scenario, draws=draws, seed=seed, sampling=sampling, sensitivity=True, option=option, settings=settings
    )
    emit(report_html.render(results), output)


def plot(
    scenario: str,
    output: str,
    chart: str,
    basis: str | None,
    option: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
    sampling: Sampling | None = None,
    settings: Sequence[str] = (),
) -> None:
    fmt = IMAGE_FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise fail(f"{output}: the chart's format is chosen by the file name: end it in .png or .svg")
    needs("barnetmodel plot", "matplotlib")
    from barnetmodel.output import charts

    tornado = chart == "tornado"
    basis = basis or ("present_value" if tornado else "nominal")
    # The tornado moves one input at a time and needs no draws; the other charts draw their bands from them.
    results = compute(
        scenario,
        draws=0 if tornado else draws,
        seed=seed,
        sampling=sampling,
        sensitivity=tornado,
        option=option,
        basis=basis,
        settings=settings,
    )
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
