"""`barnetmodel sensitivity FILE`: a tornado of the inputs, switching values and break-even points."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel.cli.shared import (
    EXIT_BAD_INPUT,
    Basis,
    CompareOption,
    Format,
    Output,
    ScenarioFile,
    Settings,
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
        typer.Option("--percent", min=0, help="Move every number by this percentage instead of P10/P90."),
    ] = None,
    basis: Annotated[Basis, typer.Option("--basis", help="Saving measured as.")] = Basis.present_value,
    format: Annotated[Format, typer.Option("--format", "-f", help="How to show the results.")] = Format.table,
    output: Output = None,
    settings: Settings = None,
) -> None:
    """Tornado of the inputs, switching values and break-even points of an option against the baseline."""
    from barnetmodel.analysis.sensitivity import analyse_sensitivity
    from barnetmodel.output import sensitivity_out

    if percent is not None and percent <= 0:
        say(f"--percent: should be above 0, not {percent:g}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded = load_scenario(scenario, settings or ())
    option = compared_option(loaded, option, scenario)
    result = located(loaded, lambda: analyse_sensitivity(loaded.scenario, option, basis.value, percent))
    publish(result, format, output, sensitivity_out.show, sensitivity_out.render_csv, sensitivity_out.render_markdown)
