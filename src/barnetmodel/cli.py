"""The Typer app: parses the command line, calls the library, turns user errors into exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer

from barnetmodel import __version__
from barnetmodel.commands.schema import schema
from barnetmodel.commands.test import test
from barnetmodel.commands.validate import validate
from barnetmodel.errors import ScenarioError

app = typer.Typer(
    help="Is outsourcing this service cheaper than keeping it in-house, and how sure can we be?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
T = TypeVar("T")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"barnetmodel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """barnetmodel: outsourcing cost modeller."""


def user_errors(action: Callable[[], T]) -> T:
    """Run `action`; a user's mistake is printed as `file:line:col: field.path: message`, exit 2."""
    try:
        return action()
    except ScenarioError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def emit(text: str, output: str | None) -> None:
    """Print, or write whole to a file (never a half-written file)."""
    if output is None:
        sys.stdout.write(text)
        return
    from barnetmodel.output.atomic import write_atomic

    try:
        write_atomic(output, text)
    except OSError as error:
        typer.echo(f"{output}: cannot write: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _render(results: dict[str, Any], fmt: Format, to_file: bool) -> str | None:
    """Text of the results in a machine or file format; None for the terminal table."""
    if fmt is Format.json:
        from barnetmodel.output import json_out

        return json_out.render(results)
    if fmt is Format.csv:
        from barnetmodel.output import csv_out

        return csv_out.render(results)
    if fmt is Format.markdown:
        from barnetmodel.output import markdown_out

        return markdown_out.render(results)
    if to_file:
        import io

        from rich.console import Console

        from barnetmodel.output import table_out

        buffer = io.StringIO()
        table_out.show(results, Console(file=buffer, width=100, no_color=True, highlight=False))
        return buffer.getvalue()
    return None


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario file (YAML).", show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help="How to show the results.")] = Format.table,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file (whole or not at all).")
    ] = None,
) -> None:
    """Project every option's ten-year cash flows and compare them with the baseline."""
    from pathlib import Path

    import numpy as np

    from barnetmodel.engine import project
    from barnetmodel.finite import check_finite
    from barnetmodel.load import load
    from barnetmodel.output.atomic import same_file
    from barnetmodel.results import summarise

    if output is not None and same_file(output, scenario):
        typer.echo(f"{output}: is the scenario file itself; the output is not written over it", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded = user_errors(lambda: load(scenario))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by check_finite, clearly
        results = summarise(project(loaded.scenario), file_name=Path(scenario).name, sha256=loaded.sha256)
    user_errors(lambda: check_finite(results, scenario))
    text = _render(results, format, to_file=output is not None)
    if text is None:
        from rich.console import Console

        from barnetmodel.output import table_out

        table_out.show(results, Console())
        return
    emit(text, output)


app.command()(validate)
app.command()(test)
app.command()(schema)


def main() -> None:
    app()
