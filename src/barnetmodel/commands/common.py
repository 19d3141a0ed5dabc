"""What every command does: turn a scenario file into results, and stop cleanly on a problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from barnetmodel.cli import EXIT_BAD_INPUT, analyse_showing_progress, compared_option, user_errors
from barnetmodel.extras import MissingExtra, require

if TYPE_CHECKING:
    from barnetmodel.cli import Sampling


def fail(message: str) -> typer.Exit:
    """Print a usage problem and give the exit to raise: code 2, no traceback."""
    typer.echo(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def needs(command: str, *modules: str) -> None:
    try:
        require(command, *modules)
    except MissingExtra as error:
        raise fail(str(error)) from None


@dataclass(frozen=True)
class Request:
    """What a publishing command was asked to analyse: the scenario, and how to run it."""

    scenario: str
    option: str | None = None
    draws: int | None = None
    seed: int | None = None
    sampling: Sampling | None = None
    settings: Sequence[str] = ()


def compute(request: Request, *, sensitivity: bool = False, basis: str = "present_value") -> dict[str, Any]:
    """A scenario file's results as `run` makes them (draws as the file says, unless overridden), with
    results["sensitivity"] of the requested option against the baseline if asked; a user's mistake exits 2."""
    from barnetmodel.analysis import add_sensitivity
    from barnetmodel.load import load

    loaded = user_errors(lambda: load(request.scenario, request.settings))
    option = compared_option(loaded, request.option, request.scenario, required=False)
    results = analyse_showing_progress(loaded, request.draws, request.seed, request.sampling)
    if sensitivity and option is not None:
        results = add_sensitivity(results, loaded.scenario, option, basis)
    return results
