"""What every command shares: exit codes, option types, printing and writing results, and the one
place that turns a user's mistake into a message and exit code 2. Commands import this; it imports no
command, so the command line has no import circle. Like every command module it imports only typer at
module level: the rest is imported when a command runs, so start-up stays quick."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Generic, NoReturn, TypeVar

import typer

from barnetmodel.cli import completion
from barnetmodel.errors import Problem, ScenarioError
from barnetmodel.limits import MAX_DRAWS

if TYPE_CHECKING:
    from barnetmodel.scenario.load import Loaded


EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
T = TypeVar("T")


SETTINGS_HELP = (
    "Change a value of the scenario before it is run, e.g. --set money.inflation=0.025 or "
    """--set 'options.outsource.lines."CSG contract charge".total=400' (in a shell, quote an address holding """
    "spaces or quotes). Repeatable."
)
Settings = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help=SETTINGS_HELP, show_default=False, metavar="ADDRESS=VALUE", autocompletion=completion.settings
    ),
]
ScenarioFile = Annotated[str, typer.Argument(help="Scenario file (YAML).", show_default=False, metavar="FILE")]


def checked_output(ctx: typer.Context, value: str | None) -> str | None:
    """An --output that cannot be written (a missing folder, a directory, a read-only file) is refused before
    the work, not after minutes of draws, sensitivity or report have been worked out for nothing."""
    if value is None or ctx.resilient_parsing:  # shell completion parses the line and must not stop at it
        return value
    from barnetmodel.output.atomic import OutputError, check_destination

    try:
        check_destination(value)
    except OutputError as error:
        raise fail(str(error)) from None
    return value


Output = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="Write to this file (whole or not at all).", metavar="FILE", callback=checked_output
    ),
]
E = TypeVar("E", bound=StrEnum)


class Choice(Generic[E]):
    """How an option offers a choice among an enumeration's values: shown as a|b|c in --help, a wrong value
    refused naming the choices (and the one meant, if close: not pydantic's "Value error, ..."), the
    choices offered to shell completion. `without`: values of the enumeration this option does not take,
    each with why, said when one is given (so --help and completion offer only what the command does)."""

    def __init__(self, kind: type[E], without: dict[E, str] | None = None):
        self.kind = kind
        self.without = {member.value: why for member, why in (without or {}).items()}
        self.names = [member.value for member in kind if member.value not in self.without]
        self.metavar = "|".join(self.names)

    def parse(self, text: str | E) -> E:
        if isinstance(text, self.kind) and text.value in self.names:
            return text
        if text in self.names:
            return self.kind(text)
        from barnetmodel.errors import did_you_mean, printable

        why = self.without.get(str(text))
        hint = f"; {why}" if why else did_you_mean(text, self.names)
        raise typer.BadParameter(printable(f"'{text}' is not one of {', '.join(self.names)}{hint}", one_line=True))

    def complete(self, incomplete: str) -> list[str]:
        return [name for name in self.names if name.startswith(incomplete)]


AllowExtendsOutside = Annotated[
    bool,
    typer.Option(
        "--allow-extends-outside",
        help="Let a scenario extend files outside its own folder (and its subfolders).",
    ),
]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


def _format_option(choice: Choice[Format]) -> Any:
    return typer.Option(
        "--format",
        "-f",
        help="How to show the results.",
        parser=choice.parse,
        metavar=choice.metavar,
        autocompletion=choice.complete,
    )


# Every command's formats but run's: a workbook is run's alone, so their --help and completion do not offer it.
FORMATS = Choice(Format, without={Format.xlsx: "a workbook is made by `barnetmodel run` only"})
RUN_FORMATS = Choice(Format)
FormatOption = Annotated[Format, _format_option(FORMATS)]
RunFormatOption = Annotated[Format, _format_option(RUN_FORMATS)]


def say(message: str, err: bool = False) -> None:
    """Print a line; whatever text of a user's it quotes (a file name, a key) is shown, never obeyed: control
    characters as visible escapes, on one line."""
    from barnetmodel.errors import printable

    typer.echo(printable(message, one_line=True), err=err)


def report_problems(problems: list[Problem]) -> NoReturn:
    """Print a user's mistakes as `file:line:col: field.path: message` and exit 2."""
    for problem in problems:
        say(str(problem), err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def user_errors(action: Callable[[], T]) -> T:
    """Run `action`; a user's mistake is printed as `file:line:col: field.path: message`, exit 2."""
    try:
        return action()
    except ScenarioError as error:
        report_problems(error.problems)


Strict = Annotated[
    bool,
    typer.Option("--strict", help="Treat warnings (figures that are probably a mistake) as errors: exit 2. For CI."),
]


def show_warnings(loaded: Loaded) -> int:
    """Print what a --set left out and every warning of a loaded scenario (standard error); their number."""
    for note in loaded.notes:
        say(note, err=True)
    for warning in loaded.warnings:
        say(str(warning), err=True)
    return len(loaded.warnings)


def strict_failure(warnings: int) -> NoReturn:
    say(f"--strict: {warnings} warning{'s' if warnings != 1 else ''}, treated as errors", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def load_scenario(
    file: str, settings: Sequence[str] | None, strict: bool = False, allow_extends_outside: bool = False
) -> Loaded:
    """A scenario as every command loads it: a user's mistake printed and exit 2; its notes and warnings
    on standard error; with `strict`, a warning is an error (exit 2); `extends` within the file's folder
    unless `allow_extends_outside`."""
    from barnetmodel.scenario.load import load

    loaded = user_errors(lambda: load(file, settings or (), allow_extends_outside=allow_extends_outside))
    warnings = show_warnings(loaded)
    if strict and warnings:
        strict_failure(warnings)
    return loaded


def located(loaded: Loaded, action: Callable[[], T]) -> T:
    """Run the engine on a loaded scenario: a formula it cannot work out is a located problem, exit 2."""
    from barnetmodel.scenario import load

    return user_errors(lambda: load.located(loaded, action))


def emit(text: str | bytes, output: str | None, *, over_input: bool = False) -> None:
    """Print, or write to `output` (output.atomic: a file whole or not at all; a device, a FIFO or `-`,
    standard output, directly). A file the command has read (a scenario, a file it extends) is never
    written over, unless `over_input` (`test --update`, whose job that is)."""
    if output is None:
        assert isinstance(text, str), "binary output needs a file"
        sys.stdout.write(text)
        return
    from barnetmodel.output.atomic import OutputError, same_file, write_output
    from barnetmodel.scenario.yaml_source import FILES_READ

    read = next((file for file in sorted(FILES_READ) if same_file(output, file)), None)
    if read is not None and not over_input:
        raise fail(f"{output}: is an input ({read}); the output is not written over it")
    try:
        write_output(output, text)
    except OutputError as error:
        raise fail(str(error)) from None


def publish(
    result: dict[str, Any],
    fmt: Format,
    output: str | None,
    show: Callable[[dict[str, Any], Any], None],
    to_csv: Callable[[dict[str, Any]], str],
    to_markdown: Callable[[dict[str, Any]], str],
    width: int | None = None,
) -> None:
    """Show a command's result in the terminal, or write it in a format (JSON, CSV, Markdown, plain
    text tables) to standard output or a file, whole or not at all. Colour only ever goes to a terminal.
    Tables written to a file (or `-o -`) are `width` wide, else PAGE_WIDTH, the same wherever they are
    made; in a pipe, see pipe_width. Rich is imported for the tables only."""
    page = PAGE_WIDTH if width is None else width
    assert fmt is not Format.xlsx, "a workbook is made by run (cli.publish.workbook), never here"
    if fmt is Format.table and output is None:
        from rich.console import Console

        console = Console()
        show(result, console if console.is_terminal else Console(width=pipe_width(page)))
        return
    if fmt is Format.json:
        from barnetmodel.output import json_out

        text = json_out.render(result)
    elif fmt is Format.csv:
        text = to_csv(result)
    elif fmt is Format.markdown:
        text = to_markdown(result)
    else:
        import io

        from rich.console import Console

        buffer = io.StringIO()
        show(result, Console(file=buffer, width=page, no_color=True, highlight=False))
        text = buffer.getvalue()
    emit(text, output)


PAGE_WIDTH = 100  # tables written to a file: the same width wherever the file is made
NARROWEST = 40  # a COLUMNS or terminal narrower than this is taken as this


def pipe_width(page: int) -> int:
    """Tables' width in a pipe (`run FILE | less`): COLUMNS when it is set to a width, else the width of the
    terminal the command runs in (its standard error's or input's), else `page`; never under NARROWEST."""
    import os

    text = os.environ.get("COLUMNS", "").strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return max(NARROWEST, int(text))
    for descriptor in (2, 0):
        try:
            return max(NARROWEST, os.get_terminal_size(descriptor).columns)
        except (OSError, ValueError):
            continue
    return page


class Basis(StrEnum):
    nominal = "nominal"
    real = "real"
    present_value = "present_value"


class Sampling(StrEnum):
    monte_carlo = "monte_carlo"
    latin_hypercube = "latin_hypercube"


BASES = Choice(Basis)
SAMPLINGS = Choice(Sampling)


class Stages:
    """What a long command is doing, on standard error: each stage's name (and, for the draws, a bar), shown
    only in a terminal, and only once the command has taken `delay` seconds or its draws look to take that
    long. Nothing is printed that stays: the display goes when the command is done."""

    def __init__(self, console: Any = None, delay: float = 1.0):
        import threading
        import time

        if console is None and _may_be_a_terminal():
            from rich.console import Console

            console = Console(stderr=True)
        self.console = console
        self.terminal = console is not None and console.is_terminal
        self.delay = delay
        self.started = time.perf_counter()
        self.lock = threading.Lock()
        self.bar: Any = None
        self.task: Any = None
        self.name = ""
        self.total: int | None = None
        self.done = 0
        self.closed = False
        self.timer: Any = None
        if self.terminal:
            self.timer = threading.Timer(delay, self._show)
            self.timer.daemon = True
            self.timer.start()

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins: `total` steps (draws) when it counts them, else it just runs."""
        with self.lock:
            self.name, self.total, self.done = name, total, 0
            if self.bar is not None:  # a new task: a stage without steps shows a pulsing bar, no percentage
                self.bar.remove_task(self.task)
                self.task = self.bar.add_task(name, total=total)

    def advance(self, n: int) -> None:
        import time

        with self.lock:
            self.done += n
            if self.bar is not None:
                self.bar.update(self.task, completed=self.done)
                return
            elapsed = time.perf_counter() - self.started
            total = self.total or 0
            if self.terminal and 0 < self.done < total and elapsed / self.done * total > self.delay:
                self._start()

    def _show(self) -> None:
        with self.lock:
            if not self.closed and self.bar is None:
                self._start()

    def _start(self) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
        self.bar = Progress(*columns, console=self.console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.name, total=self.total, completed=self.done)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            if self.timer is not None:
                self.timer.cancel()
            if self.bar is not None:
                self.bar.stop()


def _may_be_a_terminal() -> bool:
    """Whether rich could take standard error for a terminal (rich.console.Console.is_terminal: a tty, or
    TTY_COMPATIBLE=1 or FORCE_COLOR set). When it cannot, no progress is shown, and rich, slow to import,
    is not imported."""
    import os

    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no standard error, or a closed one
        return False


def analyse_showing_progress(
    loaded: Loaded,
    draws: int | None,
    seed: int | None,
    sampling: Sampling | None,
    stages: Stages | None = None,
) -> dict[str, Any]:
    """analysis.analyse with what it is doing on standard error (see Stages); figures that overflow are a
    clear error (exit 2), not inf in the output."""
    import numpy as np

    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.analysis.results import check_finite

    total = loaded.scenario.uncertainty.draws if draws is None else draws
    progress = stages or Stages()
    progress.stage(f"Drawing {total:,} times" if total else "The central case", total or None)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # reported by check_finite, clearly
            results = user_errors(
                lambda: analyse(
                    loaded,
                    draws=draws,
                    seed=seed,
                    sampling=sampling.value if sampling else None,
                    on_chunk=progress.advance,
                )
            )
    finally:
        if stages is None:
            progress.close()
    user_errors(lambda: check_finite(results, loaded.source.file, loaded.source))
    return results


def compared_option(loaded: Loaded, option: str | None, scenario: str, required: bool = True) -> str | None:
    """The option to compare with the baseline: `option` if it is one, else the first; exit 2 on a wrong
    name, or (if `required`) when there is none. None when there is none and it is not required."""
    options = [name for name in loaded.scenario.options if name != loaded.scenario.baseline]
    if option is not None and option not in options:
        from barnetmodel.errors import did_you_mean

        known = ", ".join(options) or "none"
        say(
            f"--option: '{option}' is not an option to compare{did_you_mean(option, options)} (options: {known})",
            err=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    if not options and required:
        say(f"{scenario}: options: there is no option to compare with the baseline", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    return option or next(iter(options), None)


Draws = Annotated[
    int | None,
    typer.Option(
        "--draws",
        "-n",
        min=0,
        max=MAX_DRAWS,
        metavar="N",
        help="Monte Carlo draws (0: central case only). Default: the file's.",
    ),
]
Seed = Annotated[int | None, typer.Option("--seed", min=0, metavar="SEED", help="Random seed. Default: the file's.")]
SamplingOption = Annotated[
    Sampling | None,
    typer.Option(
        "--sampling",
        help="How the draws are made. Default: the file's.",
        parser=SAMPLINGS.parse,
        metavar=SAMPLINGS.metavar,
        autocompletion=SAMPLINGS.complete,
    ),
]
CompareOption = Annotated[
    str | None,
    typer.Option(
        "--option",
        metavar="OPTION",
        help="Option compared with the baseline. Default: the first other.",
        autocompletion=completion.options,
    ),
]


INSTALL_HINT = "pip install 'barnetmodel[report]'"


def fail(message: str) -> typer.Exit:
    """Print a usage problem and give the exit to raise: code 2, no traceback."""
    say(message, err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def needs(command: str, *modules: str) -> None:
    """Import `modules` of the `report` extra, or exit 2 naming the ones missing and how to install them."""
    missing = []
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        names = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        raise fail(f"{command} needs {names}, which {verb} not installed; install the report extra: {INSTALL_HINT}")


@dataclass(frozen=True)
class Request:
    """What a publishing command was asked to analyse: the scenario, and how to run it."""

    scenario: str
    option: str | None = None
    draws: int | None = None
    seed: int | None = None
    sampling: Sampling | None = None
    settings: Sequence[str] = ()
    strict: bool = False
    allow_extends_outside: bool = False


def compute(
    request: Request, stages: Stages, *, sensitivity: bool = False, basis: str = "present_value"
) -> dict[str, Any]:
    """A scenario file's results as `run` makes them (draws as the file says, unless overridden), with
    results["sensitivity"] of the requested option against the baseline if asked; a user's mistake exits 2.
    Each stage is shown on `stages`."""
    from barnetmodel.analysis.analyse import add_sensitivity

    loaded = load_scenario(request.scenario, request.settings, request.strict, request.allow_extends_outside)
    option = compared_option(loaded, request.option, request.scenario, required=False)
    results = analyse_showing_progress(loaded, request.draws, request.seed, request.sampling, stages)
    if sensitivity and option is not None:
        import numpy as np

        from barnetmodel.analysis.sensitivity import check_finite

        stages.stage("Sensitivity: tornado and switching values")
        with_results = results
        with np.errstate(all="ignore"):  # an overflow is reported by check_finite, clearly
            results = located(loaded, lambda: add_sensitivity(with_results, loaded.scenario, option, basis))
        user_errors(lambda: check_finite(results["sensitivity"], request.scenario))
    return results
