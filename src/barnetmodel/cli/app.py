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
    """Run the command line. A closed pipe (`| head`) ends it quietly, killed by SIGPIPE as other tools are, and
    Ctrl-C by SIGINT (click would print "Aborted!" and exit 1, which is for failed tests); standard output that
    cannot be written (a full disk, /dev/full) is exit code 2 with a message, never a traceback."""
    import signal
    import sys

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code: int | str | None = 0
    try:
        app()
    except SystemExit as done:
        code = done.code
    except OSError as error:  # a write that failed inside a command: the output, as every input is checked
        code = _cannot_write(error)
    try:
        sys.stdout.flush()
    except OSError as error:
        code = _cannot_write(error)
    sys.exit(code)


def _cannot_write(error: OSError) -> int:
    """Say why the output could not be written; what is left in the buffer goes nowhere, not to a second error."""
    import os
    import sys

    print(f"barnetmodel: cannot write the output: {error.strerror or error}", file=sys.stderr)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 2
