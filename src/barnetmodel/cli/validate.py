"""`barnetmodel validate FILES...`: every problem in every scenario file, at once; no numbers computed."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel.cli.shared import EXIT_BAD_INPUT, say, warn


def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files (YAML).", show_default=False)],
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a value before checking: ADDRESS=VALUE. Repeatable.", show_default=False),
    ] = None,
) -> None:
    """Check scenario files: every problem in each, as file:line:col. Exit 0 when all are valid, 2 if not."""
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.load import load

    with_problems = 0
    for file in files:
        try:
            loaded = load(file, settings or ())
        except ScenarioError as error:
            with_problems += 1
            for problem in error.problems:
                say(str(problem), err=True)
        else:
            warn(loaded)
            say(f"{file}: valid")
    if with_problems:
        say(f"problems in {with_problems} of {len(files)} files", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
