"""Green Book optimism bias: uplift x (1 - mitigated), on costs, and on incomes when asked."""

from __future__ import annotations

import pytest

from barnetmodel.analysis.results import summarise
from barnetmodel.engine.projection import project
from barnetmodel.scenario.models import Scenario


def scenario(bias: dict) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 2},
            "money": {"inflation": 0.0, "discount": 0.0},
            "baseline": "a",
            "options": {
                "a": {
                    "title": "A",
                    "lines": [
                        {"name": "fee", "annual": 100},
                        {"name": "income", "annual": -10},
                        {"name": "other", "annual": 1},
                    ],
                    "optimism_bias": bias,
                }
            },
        }
    )


def flows(bias: dict) -> dict[str, float]:
    p = project(scenario(bias))
    return {name: float(flow[0, 0]) for name, flow in p.line_nominal["a"].items()}


def test_green_book_outsourcing_category_half_mitigated() -> None:
    # Outsourcing upper bound 41%; half mitigated: 20.5% on costs; incomes untouched.
    assert flows({"category": "outsourcing", "mitigated": 0.5}) == pytest.approx(
        {"fee": 120.5, "income": -10.0, "other": 1.205}
    )


def test_stated_uplift_with_income_shortfall_on_named_lines() -> None:
    bias = {"uplift": 0.2, "lines": ["fee", "income"], "income_shortfall": True}
    assert flows(bias) == pytest.approx({"fee": 120.0, "income": -8.0, "other": 1.0})


def test_fully_mitigated_bias_changes_nothing() -> None:
    assert flows({"category": "equipment_development", "mitigated": 1.0}) == {
        "fee": 100.0,
        "income": -10.0,
        "other": 1.0,
    }


def test_costs_before_and_after_are_both_reported() -> None:
    results = summarise(project(scenario({"uplift": 0.1})), file_name="t", sha256="0")
    option = results["options"][0]
    assert option["total_cost_before_optimism_bias"]["nominal"] == pytest.approx(2 * 91)
    assert option["total_cost"]["nominal"] == pytest.approx(2 * (110 - 10 + 1.1))
    assert option["optimism_bias"]["applied"] == pytest.approx(0.1)
