"""What a long command is doing, on standard error: its stages (drawing, sensitivity, charts) shown in a
terminal once it has taken a second, never when standard error is not a terminal."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.cli.shared import Stages
from conftest import ROOT

runner = CliRunner()


def test_stages_show_in_a_terminal_once_a_second_has_passed() -> None:
    screen = io.StringIO()
    stages = Stages(Console(file=screen, force_terminal=True, width=80), delay=0.05)
    stages.stage("Drawing", total=4)
    stages.advance(2)
    time.sleep(0.3)  # past the delay: the display is up
    stages.stage("Sensitivity")
    time.sleep(0.3)
    stages.stage("Charts and the report")
    time.sleep(0.3)
    stages.close()
    shown = screen.getvalue()
    for name in ("Drawing", "Sensitivity", "Charts and the report"):
        assert name in shown


def test_a_quick_command_shows_nothing() -> None:
    screen = io.StringIO()
    stages = Stages(Console(file=screen, force_terminal=True, width=80), delay=5.0)
    stages.stage("Drawing", total=4)
    stages.advance(4)
    stages.stage("Sensitivity")
    stages.close()
    assert screen.getvalue() == ""


def test_nothing_when_standard_error_is_not_a_terminal() -> None:
    screen = io.StringIO()
    stages = Stages(Console(file=screen, force_terminal=False), delay=0.0)
    stages.stage("Drawing", total=4)
    time.sleep(0.1)
    stages.advance(4)
    stages.close()
    assert screen.getvalue() == ""


@pytest.mark.parametrize("command", ["report", "plot"])
def test_report_and_plot_go_through_their_stages(
    command: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(Stages, "stage", lambda self, name, total=None: seen.append(name))
    output = f"{tmp_path}/out.{'html' if command == 'report' else 'svg'}"
    args = [command, str(ROOT / "scenarios" / "critics_stress.yaml"), "-o", output, "--draws", "500"]
    if command == "plot":
        args += ["--chart", "tornado"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    if command == "report":
        expected = ["Drawing 500 times", "Sensitivity", "Charts and the report"]
    else:  # the tornado moves one input at a time: no draws
        expected = ["The central case", "Sensitivity", "The chart"]
    assert [s.split(":")[0] for s in seen] == expected
