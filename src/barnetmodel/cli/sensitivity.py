"""`barnetmodel sensitivity FILE`: a tornado of the inputs, switching values and break-even points."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel.cli.shared import (
    BASES,
    EXIT_BAD_INPUT,
    Basis,
    CompareOption,
    Format,
    FormatOption,
    Output,
    ScenarioFile,
    Settings,
    Strict,
    compared_option,
    load_scenario,
    located,
    publish,
    say,
)


def sensitivity(
    scenario: ScenarioFile,
    option: CompareOption = None,
    percent: Annotated[
        float | None,
        typer.Option("--percent", min=0, metavar="P", help="Move every number by P% instead of to its P10/P90."),
    ] = None,
    basis: Annotated[
        Basis,
        typer.Option(
            "--basis",
            help="Saving measured as.",
            parser=BASES.parse,
            metavar=BASES.metavar,
            autocompletion=BASES.complete,
        ),
    ] = Basis.present_value,
    format: FormatOption = Format.table,
    output: Output = None,
    settings: Settings = None,
    strict: Strict = False,
) -> None:
    """Tornado of the inputs, switching values and break-even points of an option against the baseline."""
    from barnetmodel.analysis.sensitivity import analyse_sensitivity
    from barnetmodel.output import sensitivity_out

    if percent is not None and percent <= 0:
        say(f"--percent: should be above 0, not {percent:g}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded = load_scenario(scenario, settings, strict)
    option = compared_option(loaded, option, scenario)
    result = located(loaded, lambda: analyse_sensitivity(loaded.scenario, option, basis.value, percent))
    publish(result, format, output, sensitivity_out.show, sensitivity_out.render_csv, sensitivity_out.render_markdown)
