"""The Typer app: the commands, registered in the order `--help` lists them, and `main`."""

from __future__ import annotations

from typing import Annotated

import typer

from barnetmodel import __version__
from barnetmodel.cli.compare import compare
from barnetmodel.cli.publish import plot, report
from barnetmodel.cli.run import run
from barnetmodel.cli.schema import schema
from barnetmodel.cli.sensitivity import sensitivity
from barnetmodel.cli.test import test
from barnetmodel.cli.validate import validate

app = typer.Typer(
    help="Is outsourcing this service cheaper than keeping it in-house, and how sure can we be?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
    from barnetmodel.scenario.yaml_source import FILES_READ

    FILES_READ.clear()  # one command, one set of inputs (tests run many commands in one process)


for command in (run, sensitivity, compare, report, plot, validate, test, schema):
    app.command()(command)


def main() -> None:
    app()
