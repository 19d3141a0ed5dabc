"""`barnetmodel validate FILES...`: every problem in every scenario file, at once; no numbers computed."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel.cli import completion
from barnetmodel.cli.shared import EXIT_BAD_INPUT, AllowExtendsOutside, Strict, say, show_warnings, strict_failure


def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files (YAML).", show_default=False, metavar="FILE...")],
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change a value before checking (see run --help). Repeatable.",
            show_default=False,
            metavar="ADDRESS=VALUE",
            autocompletion=completion.settings,
        ),
    ] = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """Check scenario files: every problem in each, as file:line:col. Exit 0 when all are valid, 2 if not."""
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.load import load

    with_problems = warned = 0
    for file in files:
        try:
            loaded = load(file, settings or (), allow_extends_outside=allow_extends_outside)
        except ScenarioError as error:
            with_problems += 1
            for problem in error.problems:
                say(str(problem), err=True)
        else:
            warnings = show_warnings(loaded)
            warned += warnings
            say(f"{file}: valid" + (f", with {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""))
    if with_problems:
        say(f"problems in {with_problems} of {len(files)} files", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if strict and warned:
        strict_failure(warned)
