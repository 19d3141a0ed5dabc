"""The benchmark cases of `make bench` are what benchmarks/sizes.py writes, of the sizes issue 16 names, and load."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import pytest

from barnetmodel.scenario.load import load
from barnetmodel.scenario.paths import uncertain
from conftest import ROOT

spec = importlib.util.spec_from_file_location("sizes", ROOT / "benchmarks" / "sizes.py")
assert spec is not None and spec.loader is not None
sizes = importlib.util.module_from_spec(spec)
sys.modules["sizes"] = sizes  # its dataclasses look their module up
spec.loader.exec_module(sizes)


def test_the_size_cases_are_what_the_script_writes() -> None:
    assert sizes.stale() == [], "run `python benchmarks/sizes.py`"


@pytest.mark.parametrize("size", sizes.SIZES, ids=lambda s: s.name)
def test_each_size_case_has_its_size(size: Any) -> None:
    scenario = load(str(ROOT / "benchmarks" / "sizes" / f"{size.name}.yaml")).scenario
    assert len(uncertain(scenario)) == size.uncertain
    assert len(scenario.options) == size.options
    assert scenario.horizon.years == size.years
    assert sum(len(o.risks) for o in scenario.options.values()) == size.risks
    for option in scenario.options.values():  # the baseline may carry one more line: the inputs no line uses
        assert len(option.lines) in (size.lines, size.lines + 1)
