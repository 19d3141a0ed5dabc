"""What every command does: turn a scenario file into results, and stop cleanly on a problem."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from barnetmodel.cli import EXIT_BAD_INPUT, user_errors
from barnetmodel.extras import MissingExtra, require

if TYPE_CHECKING:
    from barnetmodel.engine import Projection


def fail(message: str) -> typer.Exit:
    """Print a usage problem and give the exit to raise: code 2, no traceback."""
    typer.echo(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def needs(command: str, *modules: str) -> None:
    try:
        require(command, *modules)
    except MissingExtra as error:
        raise fail(str(error)) from None


def compute(scenario: str) -> tuple[Projection, dict[str, Any]]:
    """Load, project and summarise a scenario file; a user's mistake exits 2."""
    from barnetmodel.engine import project
    from barnetmodel.load import load
    from barnetmodel.results import summarise

    loaded = user_errors(lambda: load(scenario))
    projection = project(loaded.scenario)
    return projection, summarise(projection, file_name=Path(scenario).name, sha256=loaded.sha256)
