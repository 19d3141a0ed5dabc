"""The report and plot commands, the workbook format, and what happens without the report extra."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
CRITICS = str(ROOT / "scenarios" / "critics_stress.yaml")
ONE_OPTION = MINIMAL.split("  outsource:")[0]


def test_report_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", COUNCIL, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "£12.2m of £6.7m (182%)" in page  # 2014/15's saving against the budget book's target
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_report_to_standard_output() -> None:
    result = runner.invoke(app, ["report", COUNCIL])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")


def test_report_of_a_bad_scenario_says_where_and_writes_nothing(write: Callable[..., Path], tmp_path: Path) -> None:
    bad = write(MINIMAL.replace("inflation: 0.02", "inflaton: 0.02"))
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "scenario.yaml:3:" in result.stderr and "inflaton" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("chart", ["cost", "saving"])
@pytest.mark.parametrize("suffix, signature", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_one_chart(chart: str, suffix: str, signature: bytes, tmp_path: Path) -> None:
    out = tmp_path / f"chart{suffix}"
    result = runner.invoke(app, ["plot", COUNCIL, "--chart", chart, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(signature)


def test_plot_in_real_prices(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    assert runner.invoke(app, ["plot", COUNCIL, "--basis", "real", "-o", str(out)]).exit_code == 0
    assert out.stat().st_size > 1000


def test_report_draws_as_the_file_says_or_as_told() -> None:
    """The report runs the analysis `run` runs: the file's draws, or --draws/--seed/--sampling."""
    critics = runner.invoke(app, ["report", CRITICS]).stdout
    assert ">Uncertainty</h2>" in critics and "drawn 10,000 times (latin hypercube sampling, seed 2013)" in critics
    assert ">Uncertainty</h2>" not in runner.invoke(app, ["report", CRITICS, "--draws", "0"]).stdout
    args = ["--draws", "500", "--seed", "7", "--sampling", "latin_hypercube"]
    page = html.unescape(runner.invoke(app, ["report", COUNCIL, *args]).stdout)
    assert "drawn 500 times (latin hypercube sampling, seed 7)" in page
    ran = json.loads(runner.invoke(app, ["run", COUNCIL, *args, "-f", "json"]).stdout)
    saving = ran["uncertainty"]["options"][1]["saving_present_value"]
    assert f"P10-P90 £{saving['p10']:,.1f}m to £{saving['p90']:,.1f}m;" in page
    assert "sensitivity" not in ran  # only the report and the plot add it


def test_report_compares_the_option_asked_for(write: Callable[..., Path]) -> None:
    improvement = str(ROOT / "scenarios" / "in_house_improvement.yaml")
    page = html.unescape(runner.invoke(app, ["report", improvement, "--option", "in_house_improved"]).stdout)
    assert "With every input at its central value, In-house, with an improvement programme saves " in page
    wrong = runner.invoke(app, ["report", improvement, "--option", "in_house_improve"])
    assert wrong.exit_code == 2
    assert "--option: 'in_house_improve' is not an option to compare; did you mean 'in_house_improved'?" in wrong.stderr
    alone = runner.invoke(app, ["report", str(write(ONE_OPTION))])
    assert alone.exit_code == 0 and ">Sensitivity</h2>" not in alone.stdout


def test_plot_a_tornado(tmp_path: Path) -> None:
    out = tmp_path / "tornado.svg"
    result = runner.invoke(app, ["plot", CRITICS, "--chart", "tornado", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")
    nominal = tmp_path / "nominal.svg"
    assert runner.invoke(app, ["plot", CRITICS, "-c", "tornado", "-b", "nominal", "-o", str(nominal)]).exit_code == 0
    assert nominal.read_bytes() != out.read_bytes()  # the saving measured in cash, not present value


def test_tornado_without_an_option_to_compare_is_a_clear_error(write: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "tornado.png"
    result = runner.invoke(app, ["plot", str(write(ONE_OPTION)), "--chart", "tornado", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        "barnetmodel plot: the tornado chart needs an option besides the baseline, to measure its saving\n"
    )
    assert not out.exists()


def test_plot_draws_bands_from_the_draws(tmp_path: Path) -> None:
    drawn, central = tmp_path / "drawn.svg", tmp_path / "central.svg"
    assert runner.invoke(app, ["plot", CRITICS, "-o", str(drawn)]).exit_code == 0
    assert runner.invoke(app, ["plot", CRITICS, "--draws", "0", "-o", str(central)]).exit_code == 0
    assert drawn.read_bytes() != central.read_bytes()


@pytest.mark.parametrize("args", [["-o", "chart.gif"], ["-o", "chart.png", "--chart", "pie"], []])
def test_plot_usage_errors(args: list[str]) -> None:
    result = runner.invoke(app, ["plot", COUNCIL, *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, missing",
    [
        (["report", COUNCIL], "matplotlib"),
        (["report", COUNCIL], "jinja2"),
        (["plot", COUNCIL, "-o", "x.png"], "matplotlib"),
        (["run", COUNCIL, "-f", "xlsx", "-o", "x.xlsx"], "openpyxl"),
    ],
)
def test_without_the_report_extra_a_clear_message(
    args: list[str], missing: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, missing, None)  # import now fails, as when it is not installed
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"needs {missing}, which is not installed" in result.stderr
    assert "pip install 'barnetmodel[report]'" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_run_does_not_import_the_report_extra() -> None:
    """`run` starts fast: matplotlib, jinja2 and openpyxl stay out of its path, whatever the format."""
    script = (
        "import sys\n"
        "from barnetmodel.cli.app import app\n"
        "for fmt in ('table', 'json', 'csv', 'markdown'):\n"
        f"    app(['run', {COUNCIL!r}, '-f', fmt], standalone_mode=False)\n"
        "heavy = [m for m in ('matplotlib', 'jinja2', 'openpyxl') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "HEAVY []"


def test_files_written_are_readable_like_any_new_file(tmp_path: Path) -> None:
    """A report to publish must not come out private (mkstemp's 0600); a replaced file keeps its mode."""
    import os

    mask = os.umask(0o022)
    try:
        out = tmp_path / "report.html"
        assert runner.invoke(app, ["report", COUNCIL, "-o", str(out)]).exit_code == 0
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o640)
        assert runner.invoke(app, ["report", COUNCIL, "-o", str(out)]).exit_code == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_a_workbook_goes_to_standard_output_only_when_it_is_not_a_terminal(write: Callable[..., Path]) -> None:
    """`-o -` sends the workbook's bytes down a pipe or into a file; to a terminal they would only garble it."""
    import os
    import pty

    command = [sys.executable, "-m", "barnetmodel", "run", str(write(MINIMAL)), "-f", "xlsx", "-o", "-"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:  # the terminal is closed once all it was sent is read
        pass
    finally:
        os.close(leader)
    assert done.returncode == 2 and shown == b""
    assert "binary workbook, not shown in a terminal" in done.stderr and "Traceback" not in done.stderr
    piped = subprocess.run(command, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK")  # a zip archive: the workbook
