"""`barnetmodel compare A B ...`: several scenarios side by side, and the inputs that differ."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from barnetmodel.cli.shared import (
    EXIT_BAD_INPUT,
    AllowExtendsOutside,
    Format,
    FormatOption,
    Output,
    Settings,
    Strict,
    analyse_showing_progress,
    publish,
    report_problems,
    say,
    show_warnings,
    strict_failure,
)
from barnetmodel.limits import MAX_DRAWS

if TYPE_CHECKING:
    from barnetmodel.scenario.load import Loaded


def in_file(file: str, where: str) -> str:
    """Where a problem, warning or note is: a --set's (named by the setting, `--set ADDRESS=VALUE`) with the
    file in front, as compare applies every --set to every file: which file it failed on."""
    return f"{file}: {where}" if where.startswith("--set ") else where


def settings_in_file(file: str, loaded: Loaded) -> Loaded:
    """A loaded file whose --set values, and notes and warnings about them, name the file (see in_file),
    so that a problem the engine finds with a value a --set wrote (a formula it cannot work out) does too."""
    source = replace(
        loaded.source, origins={path: in_file(file, where) for path, where in loaded.source.origins.items()}
    )
    return replace(
        loaded,
        source=source,
        notes=tuple(in_file(file, note) for note in loaded.notes),
        warnings=tuple(replace(w, file=in_file(file, w.file)) for w in loaded.warnings),
    )


def compare(
    scenarios: Annotated[
        list[str], typer.Argument(help="Two or more scenario files.", show_default=False, metavar="FILE...")
    ],
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            "-n",
            min=0,
            max=MAX_DRAWS,
            metavar="N",
            help="Monte Carlo draws for every file. Default: each file's.",
        ),
    ] = None,
    format: FormatOption = Format.table,
    output: Output = None,
    settings: Settings = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """The key figures of several scenarios side by side, their differences, and the inputs that differ."""
    from barnetmodel.analysis.compare import compare as compare_scenarios
    from barnetmodel.errors import ScenarioError
    from barnetmodel.output import compare_out
    from barnetmodel.scenario.load import load

    if len(scenarios) < 2:
        say("compare: give two or more scenario files", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded, problems = [], []
    for path in scenarios:  # every file's problems, not just the first file's
        try:
            loaded.append(
                settings_in_file(path, load(path, settings or (), allow_extends_outside=allow_extends_outside))
            )
        except ScenarioError as error:
            problems += [replace(p, file=in_file(path, p.file)) for p in error.problems]
    if problems:
        report_problems(problems)
    warnings = sum(show_warnings(item) for item in loaded)
    if strict and warnings:
        strict_failure(warnings)
    units = {item.scenario.money.unit for item in loaded}
    if len(units) > 1:
        say(f"compare: the files' money is in different units ({', '.join(sorted(units))}): not comparable", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    result = compare_scenarios(loaded, lambda item: analyse_showing_progress(item, draws, None, None))
    if compare_out.different_prices(result):  # said on standard error too: JSON and CSV have no note
        bases = ", ".join(dict.fromkeys(s["price_base"] for s in result["scenarios"]))
        other = "those in prices other than the first file's are not subtracted"
        say(f"compare: the files' present values are in different prices ({bases}): {other}", err=True)
    publish(result, format, output, compare_out.show, compare_out.render_csv, compare_out.render_markdown)
