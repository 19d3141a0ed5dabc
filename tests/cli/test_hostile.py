"""Hostile files are refused quickly and clearly, in bounded memory; outputs never replace inputs."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_cases import ATTACKS, CASES
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()
MEMORY_CAP = 1024 * 1024 * 1024  # address space: a file that blew memory up would fail here, not pass
HANG_GUARD = 120  # seconds; not a performance figure, only so that a hang fails rather than stalls


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_refused_clearly(case: str, command: str, tmp_path: Path) -> None:
    make, words = CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(make())
    done = subprocess.run(
        [sys.executable, "-m", "barnetmodel", command, str(path)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_capped,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr) < 2000  # one clear line, not pages


def test_the_memory_cap_leaves_room_for_a_real_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "barnetmodel", "run", "scenarios/one_barnet_council_case.yaml", "-f", "json"],
        capture_output=True,
        timeout=HANG_GUARD,
        preexec_fn=_capped,
        cwd=ROOT,
    )
    assert done.returncode == 0


def test_output_is_never_the_scenario_itself(write: Callable[..., Path], tmp_path: Path) -> None:
    path = write(MINIMAL)
    for output in (str(path), str(tmp_path / "." / path.name)):
        result = runner.invoke(app, ["run", str(path), "-f", "json", "-o", output])
        assert result.exit_code == 2
        assert "the output is not written over it" in result.stderr
        assert path.read_text(encoding="utf-8") == MINIMAL


def test_output_through_a_link_to_the_scenario_is_refused(write: Callable[..., Path], tmp_path: Path) -> None:
    path = write(MINIMAL)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    assert runner.invoke(app, ["run", str(path), "-f", "json", "-o", str(link)]).exit_code == 2
    assert path.read_text(encoding="utf-8") == MINIMAL


def test_a_failed_write_leaves_the_old_output_whole(write: Callable[..., Path], tmp_path: Path) -> None:
    path = write(MINIMAL)
    out = tmp_path / "out.json"
    out.write_text("previous results\n", encoding="utf-8")
    bad = write(MINIMAL.replace("annual: 8", "annual: eight"), "bad.yaml")
    assert runner.invoke(app, ["run", str(bad), "-f", "json", "-o", str(out)]).exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert runner.invoke(app, ["run", str(path), "-f", "json", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("{")


def test_figures_that_overflow_are_bad_input_not_inf(write: Callable[..., Path], tmp_path: Path) -> None:
    path = write(MINIMAL.replace("annual: 10", "annual: 1.0e+308"))
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["run", str(path), "-f", "json", "-o", str(out)])
    assert result.exit_code == 2
    assert "the figures overflow (options[0].total_cost.nominal is not a finite number)" in result.stderr
    assert "RuntimeWarning" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", [name for name, attack in ATTACKS.items() if not attack.heavy])
def test_the_probes_attacks_are_refused_or_run_in_bounded_memory(name: str, tmp_path: Path) -> None:
    """Issue 14's probe, one attack a case, under the same memory cap: exit 2 with a clear message, or a run."""
    attack = ATTACKS[name]
    done = subprocess.run(
        [sys.executable, "-m", "barnetmodel", *attack.make(tmp_path)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_capped,
        cwd=ROOT,
    )
    assert done.returncode == attack.exit_code, done.stderr[-2000:]
    assert attack.words in done.stderr
    assert "Traceback" not in done.stderr
    assert "\x1b" not in done.stderr + done.stdout
    assert len(done.stderr) < 2000
