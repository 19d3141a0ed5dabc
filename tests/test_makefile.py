"""`make run` and `make test` each do all their own set-up on a fresh clone; `make run` installs only what
running needs (the report extra), `make test` adds the test extra (pytest, ruff, mypy, ...)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT


def planned(target: str, tmp_path: Path) -> str:
    """What `make TARGET` would run in a fresh clone (no .venv yet), without running it (`make -n`)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def test_make_run_installs_only_what_running_needs(tmp_path: Path) -> None:
    plan = planned("run", tmp_path)
    assert "-m venv .venv" in plan
    assert "pip install --quiet -e '.[report]'" in plan
    commands = [line for line in plan.splitlines() if not line.startswith("make")]  # make's own chatter
    assert not any("test" in line.replace("tests/", "") for line in commands)  # no test extra, no test run
    assert ".venv/bin/barnetmodel run scenarios/one_barnet_council_case.yaml" in plan


def test_make_test_adds_the_test_extra_and_runs_lint_and_tests(tmp_path: Path) -> None:
    plan = planned("test", tmp_path)
    assert "-m venv .venv" in plan
    assert "pip install --quiet -e '.[test,report]'" in plan
    assert "ruff check" in plan and "mypy" in plan and "-m pytest" in plan
