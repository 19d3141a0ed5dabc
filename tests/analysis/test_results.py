"""Totals, savings and targets in the summary, against figures worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from barnetmodel.analysis.results import summarise
from barnetmodel.engine.projection import project
from barnetmodel.scenario.models import Scenario


def run(targets: list[dict], **money: object) -> dict:
    s = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 3},
            "money": {"inflation": 0.02, "discount": 0.035, **money},
            "targets": targets,
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "Staff", "annual": 10.0}]},
                "outsource": {"title": "Out", "lines": [{"name": "Fee", "annual": 8.0}]},
                "shared": {"title": "Shared", "lines": [{"name": "Fee", "annual": 9.0}]},
            },
        }
    )
    return summarise(project(s), file_name="t.yaml", sha256="0")


def option(results: dict, name: str) -> dict:
    return next(o for o in results["options"] if o["name"] == name)


def test_totals_and_savings() -> None:
    r = run([])
    out = option(r, "outsource")
    assert out["total_cost"]["nominal"] == pytest.approx(24.0)
    assert out["total_cost"]["real"] == pytest.approx(8 + 8 / 1.02 + 8 / 1.02**2)
    assert out["total_cost"]["present_value"] == pytest.approx(8 + 8 / 1.02 / 1.035 + 8 / (1.02 * 1.035) ** 2)
    assert out["total_saving"]["nominal"] == pytest.approx(6.0)
    assert out["yearly"]["cumulative_saving_nominal"] == pytest.approx([2.0, 4.0, 6.0])
    assert option(r, "in_house")["is_baseline"] is True
    assert option(r, "in_house")["total_saving"]["nominal"] == 0.0


def test_annual_target_counts_the_saving_in_its_year() -> None:
    r = run([{"name": "gap", "amount": 4, "by": 2014}])
    results = {x["option"]: x for x in r["targets"][0]["results"]}
    assert set(results) == {"outsource", "shared"}  # every option but the baseline
    assert results["outsource"]["achieved"] == pytest.approx(2.0)
    assert results["outsource"]["share_met"] == pytest.approx(0.5)
    assert results["outsource"]["met"] is False


def test_cumulative_target_adds_savings_up_to_its_year() -> None:
    r = run([{"name": "decade", "amount": 4, "measure": "cumulative", "by": 2014, "option": "outsource"}])
    (result,) = r["targets"][0]["results"]
    assert result["achieved"] == pytest.approx(4.0)
    assert result["met"] is True
    assert result["share_met"] == pytest.approx(1.0)


def test_cumulative_target_defaults_to_the_last_year() -> None:
    r = run([{"name": "decade", "amount": 3, "measure": "cumulative", "option": "shared"}])
    assert r["targets"][0]["by"] == 2015
    assert r["targets"][0]["results"][0]["achieved"] == pytest.approx(3.0)


def test_real_target_is_measured_in_real_terms() -> None:
    r = run([{"name": "gap", "amount": 2, "by": 2015, "prices": "real", "option": "outsource"}])
    (result,) = r["targets"][0]["results"]
    assert result["achieved"] == pytest.approx(2 / 1.02**2)
    assert result["met"] is False
    assert r["targets"][0]["unit"] == "£m, real 2013/14 prices"


def test_every_figure_carries_its_unit_and_price_basis() -> None:
    r = run([])
    assert r["money"]["units"] == {
        "nominal": "£m, nominal",
        "real": "£m, real 2013/14 prices",
        "present_value": "£m, present value, 2013/14 prices",
    }


def test_a_target_met_exactly_is_met_despite_binary_rounding() -> None:
    # 0.7 - 0.4 is 0.29999999999999993 in binary floating point; a saving of 0.3 meets a target of 0.3.
    s = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2020, "years": 1},
            "money": {"inflation": 0.0},
            "targets": [{"name": "edge", "amount": 0.3}, {"name": "just over", "amount": 0.3000001}],
            "baseline": "a",
            "options": {
                "a": {"title": "A", "lines": [{"name": "x", "annual": 0.7}]},
                "b": {"title": "B", "lines": [{"name": "x", "annual": 0.4}]},
            },
        }
    )
    edge, over = summarise(project(s), file_name="t", sha256="0")["targets"]
    assert edge["results"][0]["met"] is True
    assert over["results"][0]["met"] is False


OVERFLOWS = """\
title: t
horizon: {start: 2013, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In
    lines:
      - {name: Staff, annual: 10}
  more:
    title: More
    based_on: outsource
    lines:
      - {name: Extra, annual: 1}
  outsource:
    title: Out
    lines:
      - {name: Fee, annual: 8}
      - {name: Huge, annual: 1.0e+308, growth: 0.5}
"""


def test_figures_that_overflow_are_placed_at_the_line_that_does(tmp_path: Path) -> None:
    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.analysis.results import check_finite
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.load import load

    path = tmp_path / "s.yaml"
    path.write_text(OVERFLOWS, encoding="utf-8")
    loaded = load(str(path))
    with np.errstate(all="ignore"):
        results = analyse(loaded, draws=0)
    with pytest.raises(ScenarioError) as raised:
        check_finite(results, str(path), loaded.source)
    (problem,) = raised.value.problems
    # The first option it overflows in is based on the one that writes the line: placed there.
    assert (problem.line, problem.column, problem.path) == (19, 9, ("options", "outsource", "lines", 1))
    assert problem.message.endswith("the first that does is the line 'Huge' of more")
    # Without the source, the file alone, as before.
    with pytest.raises(ScenarioError) as raised:
        check_finite(results, str(path))
    assert raised.value.problems[0].line is None
