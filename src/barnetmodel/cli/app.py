"""The Typer app: the commands, registered in the order `--help` lists them, and `main`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from barnetmodel import __version__
from barnetmodel.cli.compare import compare
from barnetmodel.cli.init import init
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
    add_completion=True,
)


def _help_in_our_words() -> None:
    """--help shows each value by what it is (FILE, N, ADDRESS=VALUE: the metavars the commands give), never
    by its Python type. Typer puts the type beside an argument's name whatever its metavar (`FILE <str>`),
    and beside a flag, which takes no value (`--update <bool>`): leave those out."""
    from typer.core import TyperArgument, TyperOption

    if not hasattr(TyperArgument, "display_type_rich"):  # older Typer shows no such types
        return
    shown = TyperOption.display_type_rich

    def option_type(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    TyperOption.display_type_rich = option_type  # type: ignore[method-assign]


_help_in_our_words()


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


for command in (init, run, sensitivity, compare, report, plot, validate, test, schema):
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
