"""The Typer app: parses the command line, calls the library, turns user errors into exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from barnetmodel import __version__
from barnetmodel.commands.schema import schema
from barnetmodel.commands.test import test
from barnetmodel.commands.validate import validate
from barnetmodel.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from barnetmodel.load import Loaded

app = typer.Typer(
    help="Is outsourcing this service cheaper than keeping it in-house, and how sure can we be?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
T = TypeVar("T")


SETTINGS_HELP = (
    "Change a value of the scenario before it is run: ADDRESS=VALUE, e.g. --set money.inflation=0.025 or "
    '--set options.outsource.lines."CSG contract charge".total=400. Repeatable.'
)
Settings = Annotated[list[str] | None, typer.Option("--set", help=SETTINGS_HELP, show_default=False)]
ScenarioFile = Annotated[str, typer.Argument(help="Scenario file (YAML).", show_default=False)]
Output = Annotated[str | None, typer.Option("--output", "-o", help="Write to this file (whole or not at all).")]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


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
    from barnetmodel.yaml_source import FILES_READ

    FILES_READ.clear()  # one command, one set of inputs (tests run many commands in one process)


def report_problems(problems: list[Problem]) -> NoReturn:
    """Print a user's mistakes as `file:line:col: field.path: message` and exit 2."""
    for problem in problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def user_errors(action: Callable[[], T]) -> T:
    """Run `action`; a user's mistake is printed as `file:line:col: field.path: message`, exit 2."""
    try:
        return action()
    except ScenarioError as error:
        report_problems(error.problems)


def emit(text: str | bytes, output: str | None, *, over_input: bool = False) -> None:
    """Print, or write whole to a file (never a half-written file). Bytes only go to a file. A file
    the command has read (a scenario, a file it extends) is never written over, unless `over_input`
    (`test --update`, whose job that is)."""
    if output is None:
        assert isinstance(text, str), "binary output needs a file"
        sys.stdout.write(text)
        return
    from barnetmodel.output.atomic import same_file, write_atomic
    from barnetmodel.yaml_source import FILES_READ

    read = next((file for file in sorted(FILES_READ) if same_file(output, file)), None)
    if read is not None and not over_input:
        typer.echo(f"{output}: is an input ({read}); the output is not written over it", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        write_atomic(output, text)
    except OSError as error:
        typer.echo(f"{output}: cannot write: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def publish(
    result: dict[str, Any],
    fmt: Format,
    output: str | None,
    show: Callable[[dict[str, Any], Any], None],
    to_csv: Callable[[dict[str, Any]], str],
    to_markdown: Callable[[dict[str, Any]], str],
) -> None:
    """Show a command's result in the terminal, or write it in a format (JSON, CSV, Markdown, plain
    text tables) to standard output or a file, whole or not at all. Colour only ever goes to a terminal."""
    import io

    from rich.console import Console

    if fmt is Format.xlsx:
        typer.echo("--format xlsx: a workbook is made by `barnetmodel run` only", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if fmt is Format.table and output is None:
        show(result, Console())
        return
    if fmt is Format.json:
        from barnetmodel.output import json_out

        text = json_out.render(result)
    elif fmt is Format.csv:
        text = to_csv(result)
    elif fmt is Format.markdown:
        text = to_markdown(result)
    else:
        buffer = io.StringIO()
        show(result, Console(file=buffer, width=100, no_color=True, highlight=False))
        text = buffer.getvalue()
    emit(text, output)


class Basis(StrEnum):
    nominal = "nominal"
    real = "real"
    present_value = "present_value"


class Sampling(StrEnum):
    monte_carlo = "monte_carlo"
    latin_hypercube = "latin_hypercube"


class ProgressReporter:
    """A progress bar on standard error, shown only in a terminal and once a run looks to take over a second."""

    def __init__(self, total: int, console: Any = None):
        import time

        from rich.console import Console

        self.total = total
        self.done = 0
        self.console = console or Console(stderr=True)
        self.started = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def advance(self, n: int) -> None:
        import time

        self.done += n
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
            return
        elapsed = time.perf_counter() - self.started
        if self.console.is_terminal and self.done < self.total and elapsed / self.done * self.total > 1.0:
            from rich.progress import Progress

            self.bar = Progress(console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Drawing", total=self.total, completed=self.done)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def analyse_showing_progress(
    loaded: Loaded, draws: int | None, seed: int | None, sampling: Sampling | None
) -> dict[str, Any]:
    """analysis.analyse with a progress bar on standard error while the draws run; figures that
    overflow are a clear error (exit 2), not inf in the output."""
    import numpy as np

    from barnetmodel.analysis import analyse
    from barnetmodel.finite import check_finite

    total = loaded.scenario.uncertainty.draws if draws is None else draws
    progress = ProgressReporter(total)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # reported by check_finite, clearly
            results = analyse(
                loaded, draws=draws, seed=seed, sampling=sampling.value if sampling else None, on_chunk=progress.advance
            )
    finally:
        progress.finish()
    user_errors(lambda: check_finite(results, loaded.source.file))
    return results


def compared_option(loaded: Loaded, option: str | None, scenario: str, required: bool = True) -> str | None:
    """The option to compare with the baseline: `option` if it is one, else the first; exit 2 on a wrong
    name, or (if `required`) when there is none. None when there is none and it is not required."""
    options = [name for name in loaded.scenario.options if name != loaded.scenario.baseline]
    if option is not None and option not in options:
        from barnetmodel.suggest import did_you_mean

        known = ", ".join(options) or "none"
        typer.echo(
            f"--option: '{option}' is not an option to compare{did_you_mean(option, options)} (options: {known})",
            err=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    if not options and required:
        typer.echo(f"{scenario}: options: there is no option to compare with the baseline", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    return option or next(iter(options), None)


Draws = Annotated[
    int | None,
    typer.Option("--draws", "-n", min=0, help="Monte Carlo draws (0: central case only). Default: the file's."),
]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Random seed. Default: the file's.")]
SamplingOption = Annotated[
    Sampling | None, typer.Option("--sampling", help="monte_carlo or latin_hypercube. Default: the file's.")
]
CompareOption = Annotated[
    str | None, typer.Option("--option", help="Option compared with the baseline. Default: the first other.")
]


@app.command()
def run(
    scenario: ScenarioFile,
    format: Annotated[Format, typer.Option("--format", "-f", help="How to show the results.")] = Format.table,
    output: Output = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
) -> None:
    """Project every option's cash flows and compare them with the baseline (and, with draws, how likely)."""
    from barnetmodel.load import load

    loaded = user_errors(lambda: load(scenario, settings or ()))
    results = analyse_showing_progress(loaded, draws, seed, sampling)
    if format is Format.xlsx:
        from barnetmodel.commands.publish import workbook
        from barnetmodel.engine import project

        workbook(project(loaded.scenario), results, output)
        return
    from barnetmodel.output import csv_out, markdown_out, table_out

    publish(results, format, output, table_out.show, csv_out.render, markdown_out.render)


@app.command()
def sensitivity(
    scenario: ScenarioFile,
    option: CompareOption = None,
    percent: Annotated[
        float | None,
        typer.Option("--percent", min=0, help="Move every number by this percentage instead of P10/P90."),
    ] = None,
    basis: Annotated[Basis, typer.Option("--basis", help="Saving measured as.")] = Basis.present_value,
    format: Annotated[Format, typer.Option("--format", "-f", help="How to show the results.")] = Format.table,
    output: Output = None,
    settings: Settings = None,
) -> None:
    """Tornado of the inputs, switching values and break-even points of an option against the baseline."""
    from barnetmodel.load import load
    from barnetmodel.output import sensitivity_out
    from barnetmodel.sensitivity import analyse_sensitivity

    if percent is not None and percent <= 0:
        typer.echo(f"--percent: should be above 0, not {percent:g}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded = user_errors(lambda: load(scenario, settings or ()))
    option = compared_option(loaded, option, scenario)
    result = analyse_sensitivity(loaded.scenario, option, basis.value, percent)
    publish(result, format, output, sensitivity_out.show, sensitivity_out.render_csv, sensitivity_out.render_markdown)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="Two or more scenario files.", show_default=False)],
    draws: Annotated[
        int | None, typer.Option("--draws", "-n", min=0, help="Monte Carlo draws for every file. Default: each file's.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="How to show the results.")] = Format.table,
    output: Output = None,
    settings: Settings = None,
) -> None:
    """The key figures of several scenarios side by side, their differences, and the inputs that differ."""
    from barnetmodel.compare import compare as compare_scenarios
    from barnetmodel.errors import ScenarioError
    from barnetmodel.load import load
    from barnetmodel.output import compare_out

    if len(scenarios) < 2:
        typer.echo("compare: give two or more scenario files", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    loaded, problems = [], []
    for path in scenarios:  # every file's problems, not just the first file's
        try:
            loaded.append(load(path, settings or ()))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        report_problems(problems)
    units = {item.scenario.money.unit for item in loaded}
    if len(units) > 1:
        typer.echo(
            f"compare: the files' money is in different units ({', '.join(sorted(units))}): not comparable", err=True
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    result = compare_scenarios(loaded, lambda item: analyse_showing_progress(item, draws, None, None))
    publish(result, format, output, compare_out.show, compare_out.render_csv, compare_out.render_markdown)


class Chart(StrEnum):
    cost = "cost"
    saving = "saving"
    tornado = "tornado"


@app.command()
def report(
    scenario: ScenarioFile,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the HTML to this file (whole or not at all).")
    ] = None,
    option: CompareOption = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
) -> None:
    """A self-contained HTML report of a scenario, charts included, to publish or print."""
    from barnetmodel.commands.common import Request
    from barnetmodel.commands.publish import report as make_report

    make_report(Request(scenario, option, draws, seed, sampling, settings or ()), output)


@app.command()
def plot(
    scenario: ScenarioFile,
    output: Annotated[str, typer.Option("--output", "-o", help="Image file: .png or .svg.", show_default=False)],
    chart: Annotated[Chart, typer.Option("--chart", "-c", help="Which chart.")] = Chart.saving,
    basis: Annotated[
        Basis | None,
        typer.Option(
            "--basis", "-b", help="Price basis. Default: nominal for cost and saving, present_value for the tornado."
        ),
    ] = None,
    option: CompareOption = None,
    draws: Draws = None,
    seed: Seed = None,
    sampling: SamplingOption = None,
    settings: Settings = None,
) -> None:
    """Draw one chart of a scenario to a PNG or SVG file."""
    from barnetmodel.commands.common import Request
    from barnetmodel.commands.publish import plot as make_plot

    make_plot(
        Request(scenario, option, draws, seed, sampling, settings or ()), output, chart.value, basis and basis.value
    )


app.command()(validate)
app.command()(test)
app.command()(schema)


def main() -> None:
    app()
