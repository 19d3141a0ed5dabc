"""Shared helpers: small scenario files written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Scenario files sit directly in scenarios/; their test files in scenarios/tests/, which this
# glob (not recursive) leaves out, so a test file is never taken for a scenario.
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SCENARIO_TESTS = sorted((ROOT / "scenarios" / "tests").glob("*.yaml"))

MINIMAL = """\
title: Minimal
horizon: {start: 2013, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 8}
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    """Write a scenario file (dedented) and return its path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
