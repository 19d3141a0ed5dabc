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


def computed(path: Path) -> tuple[Any, dict[str, Any]]:
    """(projection, results) of a scenario file, as the commands compute them."""
    from barnetmodel.engine import project
    from barnetmodel.load import load
    from barnetmodel.results import summarise

    loaded = load(str(path))
    projection = project(loaded.scenario)
    return projection, summarise(projection, file_name=path.name, sha256=loaded.sha256)


def with_later_sections(results: dict[str, Any]) -> dict[str, Any]:
    """The results with made-up Monte Carlo, sensitivity, risk and optimism-bias sections, in the
    shapes output/optional_sections.py documents, for outputs to show before those runs exist."""
    import copy

    made_up = copy.deepcopy(results)
    others = [o for o in made_up["options"] if not o["is_baseline"]]
    option = others[-1]
    cumulative = option["yearly"]["cumulative_saving_nominal"]
    made_up["uncertainty"] = {
        "draws": 10000,
        "seed": 20130901,
        "options": {
            option["name"]: {
                "total_saving": {"present_value": {"p10": 71.25, "p50": 120.75, "p90": 166.35}},
                "cumulative_saving": {
                    "nominal": {"p10": [v * 0.5 - 3 for v in cumulative], "p90": [v * 1.25 + 3 for v in cumulative]}
                },
            }
        },
        "targets": [
            {"name": target["name"], "option": result["option"], "probability_met": 0.0425 * (n + 1)}
            for n, target in enumerate(made_up["targets"])
            for result in target["results"]
        ],
    }
    made_up["sensitivity"] = {
        "option": option["name"],
        "measure": "Saving, present value",
        "unit": made_up["money"]["units"]["present_value"],
        "central": option["total_saving"]["present_value"],
        "inputs": [
            {"label": "Inflation (1% to 3%)", "low": 111.15, "high": 141.85},
            {"label": "Contract charge 10% lower or higher", "low": 162.45, "high": 98.55},
            {"label": "Income <promised>", "low": 125.05, "high": 135.95},
        ],
        "switching_values": [{"label": "Contract charge", "central": 320.0, "switching": 445.4, "change": 0.392}],
    }
    made_up["risks"] = [
        {"name": "Provider failure", "option": option["name"], "probability": 0.25, "impact": 18.35, "expected": 4.55}
    ]
    made_up["optimism_bias"] = [
        {"option": option["name"], "category": "Outsourcing", "upper": 0.41, "mitigated": 0.5, "applied": 0.205}
    ]
    return made_up
