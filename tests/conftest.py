"""Shared helpers: small scenario files written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def computed(path: Path, draws: int | None = None, sensitivity: bool = False) -> tuple[Any, dict[str, Any]]:
    """(projection, results) of a scenario file, as the commands compute them: the Monte Carlo draws the
    file asks for (or `draws`), and with `sensitivity` the section `report` and `plot` add."""
    from barnetmodel.analysis.analyse import add_sensitivity, analyse
    from barnetmodel.engine.projection import project
    from barnetmodel.scenario.load import load

    loaded = load(str(path))
    results = analyse(loaded, draws=draws)
    if sensitivity:
        results = add_sensitivity(results, loaded.scenario)
    return project(loaded.scenario), results
