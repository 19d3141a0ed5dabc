"""Start-up: a command imports what it needs and no more. `run -f json` (a script's, a CI's call) imports no
rich, no other command, no other way of showing results, no sensitivity, payments or audit code; the app
works out the options of the command in hand only. Checked on the modules a fresh interpreter holds once
the command is done, never by timing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from barnetmodel.cli.app import COMMANDS, app, build, in_hand
from conftest import ROOT

COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
# What `run -f json` has no use for: each a module, or a package with everything in it.
NOT_FOR_RUN_JSON = (
    "rich",
    "statistics",
    "scipy",
    "matplotlib",
    "jinja2",
    "openpyxl",
    "barnetmodel.payments",
    "barnetmodel.analysis.sensitivity",
    "barnetmodel.analysis.audit",
    "barnetmodel.analysis.compare",
    "barnetmodel.output.table_out",
    "barnetmodel.output.csv_out",
    "barnetmodel.output.markdown_out",
    "barnetmodel.output.terminal_chart",
    "barnetmodel.output.views",
    "barnetmodel.output.charts",
    "barnetmodel.output.report_html",
    "barnetmodel.output.xlsx_out",
    "barnetmodel.output.sensitivity_out",
    "barnetmodel.output.audit_out",
    "barnetmodel.output.compare_out",
    *(f"barnetmodel.cli.{module}" for module in set(COMMANDS.values()) - {"run"}),
)


def modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after `barnetmodel ARGS` (through `main`, as the shell runs it),
    standard error a pipe, as in a script."""
    script = (
        "import sys\n"
        "from barnetmodel.cli.app import main\n"
        f"sys.argv = ['barnetmodel', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "print('MODULES', code, *sorted(sys.modules))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment)
    line = done.stdout.splitlines()[-1].split()
    assert line[:2] == ["MODULES", "0"], done.stdout + done.stderr
    return set(line[2:])


def unneeded(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in NOT_FOR_RUN_JSON))


def test_run_json_imports_only_what_it_needs(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    loaded = modules_after("run", COUNCIL, "--draws", "0", "-f", "json", "-o", str(output))
    assert json.loads(output.read_text(encoding="utf-8"))["scenario"]["title"].startswith("One Barnet")
    assert "barnetmodel.output.json_out" in loaded  # the check sees what the command imports
    assert unneeded(loaded) == []


def test_run_json_with_draws_to_standard_output_imports_no_rich() -> None:
    loaded = modules_after("run", COUNCIL, "--draws", "200", "-f", "json")
    assert unneeded(loaded) == []


def test_validate_imports_no_rich_and_no_other_command() -> None:
    loaded = modules_after("validate", COUNCIL)
    others = {f"barnetmodel.cli.{module}" for module in set(COMMANDS.values()) - {"validate"}}
    assert sorted(m for m in loaded if m == "rich" or m.startswith("rich.") or m in others) == []


def test_the_command_in_hand_alone_else_every_command() -> None:
    assert in_hand(["run", COUNCIL, "-f", "json"]) == ["run"]
    assert in_hand(["plot", COUNCIL]) == ["plot"]
    for args in ([], ["--help"], ["--version"], ["ru"], ["--version", "run"]):
        assert in_hand(args) == list(COMMANDS)


def test_run_json_inspects_no_builtin_signature(tmp_path: Path) -> None:
    """pydantic inspects the signature of each field's default_factory as a model is defined; for a builtin
    (`list`, `dict`) Python parses its text signature with tokenize, whose first use compiles a regex: 12 ms of
    start-up on a slow machine. The models' empty defaults are written as values ([], {}), which pydantic
    copies for each model, so the command compiles no tokenize regex."""
    output = tmp_path / "results.json"
    script = (
        "import sys, tokenize\n"
        "from barnetmodel.cli.app import main\n"
        f"sys.argv = ['barnetmodel', 'run', {COUNCIL!r}, '--draws', '0', '-f', 'json', '-o', {str(output)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print('COMPILED', tokenize._compile.cache_info().misses)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "COMPILED 0"
    assert output.exists()


def test_every_command_is_registered_in_order() -> None:
    names = [info.callback.__name__ for info in app.registered_commands if info.callback is not None]
    assert names == list(COMMANDS)
    runner = CliRunner()
    alone = runner.invoke(build(["run"]), ["run", "--help"], env={"COLUMNS": "100"})
    together = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "100"})
    assert alone.exit_code == together.exit_code == 0
    assert alone.stdout == together.stdout


def blas_threads_after(environment: dict[str, str]) -> str:
    """OPENBLAS_NUM_THREADS as numpy was imported, in a fresh interpreter running `main` (`--version`)."""
    script = (
        "import os, sys\n"
        "from barnetmodel.cli.app import main\n"
        "assert 'numpy' not in sys.modules\n"
        "sys.argv = ['barnetmodel', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('THREADS', os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment)
    return done.stdout.splitlines()[-1]


def test_one_blas_thread_unless_the_user_asks_for_more() -> None:
    """numpy, imported after main starts, starts no spinning OpenBLAS threads; a user's own setting stands."""
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert blas_threads_after(environment) == "THREADS 1"
    assert blas_threads_after({**environment, "OPENBLAS_NUM_THREADS": "4"}) == "THREADS 4"


def command(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`barnetmodel ARGS` through `main`, as the shell runs it, standard output a pipe."""
    script = f"import sys\nfrom barnetmodel.cli.app import main\nsys.argv = ['barnetmodel', *{args!r}]\nmain()\n"
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE")}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**base, **environment})


def test_sizes_rich_cannot_read_are_left_out_or_held_in_range() -> None:
    """A COLUMNS or LINES that is not a number in ASCII digits ended any output in a traceback (root --help too);
    COLUMNS=0 drew nothing, and ten million took minutes: held between 40 and 1000."""
    for args in (["--help"], ["run", COUNCIL]):
        for environment in ({"COLUMNS": "²"}, {"LINES": "²"}, {"COLUMNS": "abc"}, {"LINES": "1" * 5000}):
            done = command(args, environment)
            assert done.returncode == 0 and "Traceback" not in done.stderr, (args, environment, done.stderr)
    for columns, least, most in (("0", 1, 40), ("10000000", 101, 1000), ("1" * 5000, 1, 100)):
        done = command(["run", COUNCIL], {"COLUMNS": columns})
        assert done.returncode == 0, done.stderr
        assert least <= max(len(line) for line in done.stdout.splitlines()) <= most
