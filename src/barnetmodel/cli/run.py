"""`barnetmodel run FILE`: every option's cash flows, totals, savings and targets; with draws, how likely."""

from __future__ import annotations

from typing import Any

from barnetmodel.cli.shared import (
    AllowExtendsOutside,
    Draws,
    Format,
    Output,
    RunFormatOption,
    SamplingOption,
    ScenarioFile,
    Seed,
    Settings,
    Strict,
    analyse_showing_progress,
    load_scenario,
    publish,
    say,
)


def run(
    scenario: ScenarioFile,
    format: RunFormatOption = Format.table,
    output: Output = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """Project every option's cash flows and compare them with the baseline (and, with draws, how likely)."""
    loaded = load_scenario(scenario, settings, strict, allow_extends_outside)
    results = analyse_showing_progress(loaded, draws, seed, sampling)
    if format is Format.xlsx:
        from barnetmodel.cli.publish import workbook
        from barnetmodel.engine.projection import project

        workbook(project(loaded.scenario), results, output)
        return
    if format is Format.csv and "uncertainty" in results:
        # The CSV is the central run's rows; draws must not look as if they were dropped without a word.
        draws = results["uncertainty"]["draws"]
        say(
            f"note: the CSV holds the central run only; the uncertainty figures of the {draws:,} draws are in "
            "--format json, markdown, table or xlsx",
            err=True,
        )
    publish(results, format, output, _show, _csv, _markdown)


# Each way of showing the results imports its module when it is the one asked for (the tables import rich).
def _show(results: dict[str, Any], console: Any) -> None:
    from barnetmodel.output import table_out

    table_out.show(results, console)


def _csv(results: dict[str, Any]) -> str:
    from barnetmodel.output import csv_out

    return csv_out.render(results)


def _markdown(results: dict[str, Any]) -> str:
    from barnetmodel.output import markdown_out

    return markdown_out.render(results)
