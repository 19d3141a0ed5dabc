"""Properties that hold for any scenario: scaling and a zero discount rate."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from barnetmodel.engine.projection import BASES, project
from barnetmodel.scenario.models import Scenario

amounts = st.floats(min_value=-50, max_value=500, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=0, max_value=0.2)


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    years = draw(st.integers(1, 12))
    start = 2013
    end = start + years - 1
    year = st.integers(start, end)
    lines: list[dict] = [{"name": "base", "annual": draw(amounts), "growth": draw(st.floats(-0.05, 0.1))}]
    first, last = sorted((draw(year), draw(year)))
    lines.append({"name": "spread", "total": draw(amounts), "term": [first, last]})
    lines.append({"name": "one-off", "once": draw(year), "amount": draw(amounts), "prices": "real"})
    lines.append({"name": "share", "share_of": "spread", "rate": draw(st.floats(0, 0.5)), "ramp": [0.5]})
    return {
        "title": "p",
        "horizon": {"start": start, "years": years},
        "money": {
            "inflation": draw(st.floats(-0.02, 0.1)),
            "discount": draw(st.one_of(rates, st.sampled_from(["green_book", "green_book_health"]))),
            "price_base": draw(st.integers(2010, 2016)),
        },
        "targets": [{"name": "t", "amount": 1.0, "measure": "cumulative"}],
        "baseline": "in_house",
        "options": {
            "in_house": {"title": "In", "lines": [{"name": "staff", "annual": draw(amounts)}]},
            "outsource": {"title": "Out", "lines": lines},
        },
    }


def scaled(data: dict, k: float) -> dict:
    """Every amount (not rates, years or growth) multiplied by k."""
    out = {**data, "options": {}}
    for name, option in data["options"].items():
        lines = []
        for line in option["lines"]:
            line = dict(line)
            for key in ("annual", "total", "amount"):
                if key in line:
                    line[key] = line[key] * k
            lines.append(line)
        out["options"][name] = {**option, "lines": lines}
    return out


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.floats(min_value=0.01, max_value=100))
def test_scaling_every_amount_scales_every_output(data: dict, k: float) -> None:
    one = project(Scenario.model_validate(data))
    many = project(Scenario.model_validate(scaled(data, k)))
    for option in data["options"]:
        for basis in BASES:
            np.testing.assert_allclose(many.cost(option, basis), k * one.cost(option, basis), rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(many.saving(option, basis), k * one.saving(option, basis), rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_zero_discount_rate_makes_present_value_equal_real_cost(data: dict) -> None:
    data["money"]["discount"] = 0.0
    p = project(Scenario.model_validate(data))
    for option in data["options"]:
        np.testing.assert_array_equal(p.cost(option, "present_value"), p.cost(option, "real"))


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_zero_inflation_makes_real_equal_nominal(data: dict) -> None:
    data["money"]["inflation"] = 0.0
    p = project(Scenario.model_validate(data))
    for option in data["options"]:
        np.testing.assert_allclose(p.cost(option, "real"), p.cost(option, "nominal"), rtol=1e-14)
