"""`barnetmodel sensitivity FILE`: a tornado of the inputs, switching values and break-even points."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel.cli.shared import (
    BASES,
    EXIT_BAD_INPUT,
    AllowExtendsOutside,
    Basis,
    CompareOption,
    Format,
    FormatOption,
    Output,
    ScenarioFile,
    Settings,
    Strict,
    analyse_showing_progress,
    compared_option,
    load_scenario,
    located,
    publish,
    say,
    user_errors,
)


def sensitivity(
    scenario: ScenarioFile,
    option: CompareOption = None,
    percent: Annotated[
        float | None,
        # No min=: Typer would show [x>=0], and 0 moves nothing; the check below refuses it, and below.
        typer.Option(
            "--percent",
            metavar="P",
            help="Move every number by P% (P above 0) instead of to its P10/P90, within the values it may take.",
        ),
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
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """Tornado of the inputs, switching values and break-even points of an option against the baseline."""
    import numpy as np

    from barnetmodel.analysis.sensitivity import analyse_sensitivity, check_finite
    from barnetmodel.output import sensitivity_out

    if percent is not None and not percent > 0:  # (nan too)
        say(f"--percent: should be above 0, not {percent:g}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded = load_scenario(scenario, settings, strict, allow_extends_outside)
    option = compared_option(loaded, option, scenario)
    analyse_showing_progress(loaded, 0, None, None)  # the central run first: an overflow there names its line
    with np.errstate(all="ignore"):  # an overflow is reported by check_finite, clearly
        result = located(loaded, lambda: analyse_sensitivity(loaded.scenario, option, basis.value, percent))
    user_errors(lambda: check_finite(result, scenario))
    publish(result, format, output, sensitivity_out.show, sensitivity_out.render_csv, sensitivity_out.render_markdown)
