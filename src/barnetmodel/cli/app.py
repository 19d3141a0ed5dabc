"""The Typer app: the commands, registered in the order `--help` lists them, and `main`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import typer

from barnetmodel import __version__
from barnetmodel.cli import completion

# Each command, in the order `--help` lists them, and the module of `cli` that holds it.
COMMANDS = {
    "init": "init",
    "run": "run",
    "sensitivity": "sensitivity",
    "compare": "compare",
    "audit": "audit",
    "report": "publish",
    "plot": "publish",
    "validate": "validate",
    "test": "test",
    "schema": "schema",
}


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
completion.bash_quotes_what_it_offers()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"barnetmodel {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """barnetmodel: outsourcing cost modeller."""
    from barnetmodel.scenario.yaml_source import FILES_READ

    FILES_READ.clear()  # one command, one set of inputs (tests run many commands in one process)


# The widths of terminal a COLUMNS may set, at least and at most: Rich draws nothing at 0, and takes minutes at
# ten million.
COLUMNS_RANGE = (40, 1000)


def sizes_rich_can_read() -> None:
    """COLUMNS and LINES as Rich can use them, for the process (main calls it, before any help or table is drawn):
    one that is not a number in ASCII digits left out (Rich reads them with int() when str.isdigit() says so,
    and a '²', a digit to isdigit and not to int, ended any output in a traceback); COLUMNS held within
    COLUMNS_RANGE."""
    import os

    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name, "").strip()
        if name in os.environ and not (value.isascii() and value.isdigit() and len(value) <= 9):
            del os.environ[name]  # not a number, or one of thousands of digits that int() refuses
    if "COLUMNS" in os.environ:
        least, most = COLUMNS_RANGE
        os.environ["COLUMNS"] = str(min(most, max(least, int(os.environ["COLUMNS"]))))


def build(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The app with the commands `names` (each a key of COMMANDS), in the order `--help` lists them."""
    built = typer.Typer(
        help="Is outsourcing this service cheaper than keeping it in-house, and how sure can we be?",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,
    )
    built.callback()(_root)
    for name in names:
        module = importlib.import_module(f"barnetmodel.cli.{COMMANDS[name]}")
        built.command()(getattr(module, name))
    return built


def __getattr__(name: str) -> typer.Typer:
    """`app`, every command registered (tests and benchmarks run it), built when first asked for: `main`
    builds its own, with no more commands than it needs."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    app = globals()["app"] = build()
    return app


def in_hand(args: Sequence[str]) -> list[str]:
    """The commands the app needs for `args`: the one named first, when it is one (typer works out every
    registered command's options from its signature as it starts, some 20 ms for them all: the command
    in hand needs only its own); else all of them (--help lists them, shell completion offers them, a
    mistyped name is answered with the one meant)."""
    return [args[0]] if args and args[0] in COMMANDS else list(COMMANDS)


def main() -> None:
    """Run the command line. A closed pipe (`| head`) ends it quietly, killed by SIGPIPE as other tools are, and
    Ctrl-C by SIGINT (click would print "Aborted!" and exit 1, which is for failed tests); standard output that
    cannot be written (a full disk, /dev/full) is exit code 2 with a message, never a traceback."""
    import signal

    one_blas_thread()
    sizes_rich_can_read()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code: int | str | None = 0
    try:
        build(in_hand(sys.argv[1:]))()
    except SystemExit as done:
        code = done.code
    except OSError as error:  # a write that failed inside a command: the output, as every input is checked
        code = _cannot_write(error)
    try:
        sys.stdout.flush()
    except OSError as error:
        code = _cannot_write(error)
    sys.exit(code)


def one_blas_thread() -> None:
    """OpenBLAS, which numpy brings, starts a thread a core when numpy is imported, and they spin: about 0.1 s
    of CPU that start-up pays on a 2-core machine (numpy's import took 0.16-0.21 s of CPU, 0.07-0.11 s with one
    thread). No command wants them: the Monte Carlo run's workers are threads of their own and its products
    use numpy's own loops (engine.flows._product); BLAS multiplies only a few small correlation matrices. So
    one thread, unless the user asked for more. Set before numpy is first imported, which the commands do."""
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _cannot_write(error: OSError) -> int:
    """Say why the output could not be written; what is left in the buffer goes nowhere, not to a second error."""
    import os

    print(f"barnetmodel: cannot write the output: {error.strerror or error}", file=sys.stderr)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 2
