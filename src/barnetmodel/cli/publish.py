"""`barnetmodel report` and `plot`, and the workbook of `run`: outputs for readers and analysts, from the
`report` extra."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from barnetmodel.cli.shared import (
    BASES,
    AllowExtendsOutside,
    Basis,
    Choice,
    CompareOption,
    Draws,
    Request,
    SamplingOption,
    ScenarioFile,
    Seed,
    Settings,
    Stages,
    Strict,
    checked_output,
    compute,
    emit,
    fail,
    needs,
)

if TYPE_CHECKING:
    from barnetmodel.engine.projection import Projection

IMAGE_FORMATS = {".png": "png", ".svg": "svg"}


class Chart(StrEnum):
    cost = "cost"
    saving = "saving"
    tornado = "tornado"


CHARTS = Choice(Chart)


def report(
    scenario: ScenarioFile,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the HTML to this file (whole or not at all).",
            metavar="FILE",
            callback=checked_output,
        ),
    ] = None,
    option: CompareOption = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
    payments: Annotated[
        list[str] | None,
        typer.Option(
            "--payments",
            metavar="FILE",
            help="Payment files (CSV) or folders: adds a 'Promised and paid' section, as `audit`. Repeatable.",
        ),
    ] = None,
    supplier: Annotated[
        list[str] | None,
        typer.Option("--supplier", metavar="NAME", help="With --payments: whose payments, as `audit`. Repeatable."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="NAME", help="With --payments: payees left out, as `audit`. Repeatable."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", metavar="FIELD=HEADER", help="With --payments: as `audit`. Repeatable."),
    ] = None,
) -> None:
    """A self-contained HTML report of a scenario, charts included, to publish or print."""
    request = Request(scenario, option, draws, seed, sampling, settings or (), strict, allow_extends_outside)
    if bool(payments) != bool(supplier):
        raise fail("report: --payments and --supplier go together: give both, or neither")
    needs("barnetmodel report", "jinja2", "matplotlib")
    from barnetmodel.output import report_html

    stages = Stages()
    try:
        results = compute(request, stages, sensitivity=True)
        audit = None
        if payments and supplier:
            from barnetmodel.cli.audit import audited
            from barnetmodel.cli.shared import user_errors
            from barnetmodel.scenario.load import load

            stages.stage("Reading the payments")
            loaded = user_errors(  # its warnings were shown by compute
                lambda: load(scenario, settings or (), allow_extends_outside=allow_extends_outside)
            )
            audit = audited(loaded, payments, supplier, exclude or (), option, column or (), False)
            from barnetmodel.output.atomic import same_file

            if output is not None and any(same_file(output, file["path"]) for file in audit["files"]["read"]):
                raise fail(f"{output}: is a payments file read; the report is not written over it")
        stages.stage("Charts and the report")
        page = report_html.render(results, audit)
    finally:
        stages.close()
    emit(page, output)


def plot(
    scenario: ScenarioFile,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Image file: .png or .svg.",
            show_default=False,
            metavar="FILE",
            callback=checked_output,
        ),
    ],
    chart: Annotated[
        Chart,
        typer.Option(
            "--chart",
            "-c",
            help="Which chart.",
            parser=CHARTS.parse,
            metavar=CHARTS.metavar,
            autocompletion=CHARTS.complete,
        ),
    ] = Chart.saving,
    basis: Annotated[
        Basis | None,
        typer.Option(
            "--basis",
            "-b",
            help="Price basis. Default: nominal for cost and saving, present_value for the tornado.",
            parser=BASES.parse,
            metavar=BASES.metavar,
            autocompletion=BASES.complete,
        ),
    ] = None,
    option: CompareOption = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """Draw one chart of a scenario to a PNG or SVG file."""
    request = Request(scenario, option, draws, seed, sampling, settings or (), strict, allow_extends_outside)
    fmt = IMAGE_FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise fail(f"{output}: the chart's format is chosen by the file name: end it in .png or .svg")
    needs("barnetmodel plot", "matplotlib")
    from barnetmodel.output import charts

    tornado = chart is Chart.tornado
    basis_name = basis.value if basis else ("present_value" if tornado else "nominal")
    # The tornado moves one input at a time and needs no draws; the other charts draw their bands from them.
    stages = Stages()
    try:
        results = compute(
            replace(request, draws=0) if tornado else request, stages, sensitivity=tornado, basis=basis_name
        )
        stages.stage("The chart")
        figure = charts.chart(results, chart.value, basis_name)
        image = charts.to_bytes(figure, fmt)
    except charts.NoChartData as error:
        raise fail(f"barnetmodel plot: {error}") from None
    finally:
        stages.close()
    emit(image, output)


def workbook(projection: Projection, results: dict[str, Any], output: str | None) -> None:
    if output is None:
        raise fail("--format xlsx writes a binary workbook: give a file with --output, e.g. -o model.xlsx")
    if output == "-" and sys.stdout.isatty():  # a workbook's bytes would only garble the terminal
        raise fail(
            "--format xlsx writes a binary workbook, not shown in a terminal: give a file with --output,"
            " e.g. -o model.xlsx, or send standard output to a file or a pipe"
        )
    needs("--format xlsx", "openpyxl")
    from barnetmodel.output import xlsx_out

    emit(xlsx_out.render(projection, results), output)
