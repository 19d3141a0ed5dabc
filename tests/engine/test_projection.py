"""The engine against cash flows worked by hand, and numpy-financial's npv as an oracle."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from barnetmodel.engine.projection import Inputs, project
from barnetmodel.scenario.models import Scenario


def scenario(lines: list[dict], *, start: int = 2013, years: int = 3, **money: object) -> Scenario:
    """A scenario whose `outsource` option holds `lines`, against a 10-a-year in-house option."""
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": start, "years": years},
            "money": {"inflation": 0.02, "discount": 0.035, **money},
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "Staff", "annual": 10.0}]},
                "outsource": {"title": "Out", "lines": lines},
            },
        }
    )


def flows(s: Scenario, option: str = "outsource", basis: str = "nominal") -> list[float]:
    return project(s).cost(option, basis)[0].tolist()


def test_annual_with_growth_nominal_real_and_present_value() -> None:
    s = scenario([{"name": "a", "annual": 10, "growth": 0.05}])
    nominal = [10.0, 10.5, 11.025]
    real = [10.0, 10.5 / 1.02, 11.025 / 1.02**2]
    present = [10.0, 10.5 / 1.02 / 1.035, 11.025 / 1.02**2 / 1.035**2]
    assert flows(s) == pytest.approx(nominal, rel=1e-14)
    assert flows(s, basis="real") == pytest.approx(real, rel=1e-14)
    assert flows(s, basis="present_value") == pytest.approx(present, rel=1e-14)


def test_green_book_deflator_worked_example() -> None:
    # Green Book 2020 5.11-5.13: at a 2% deflator, £1,000 nominal is £980 in year 1, £906 in year 5.
    s = scenario([{"name": "a", "annual": 1000}], years=6)
    real = flows(s, basis="real")
    assert round(real[1]) == 980
    assert round(real[5]) == 906


def test_real_priced_line_is_inflated_to_nominal() -> None:
    s = scenario([{"name": "a", "annual": 10, "prices": "real"}])
    assert flows(s) == pytest.approx([10.0, 10.2, 10.404], rel=1e-14)
    assert flows(s, basis="real") == pytest.approx([10.0, 10.0, 10.0], rel=1e-14)


def test_growth_compounds_from_price_base_not_from_start() -> None:
    s = scenario([{"name": "a", "annual": 10, "growth": 0.1}], price_base=2012)
    assert flows(s) == pytest.approx([11.0, 12.1, 13.31], rel=1e-14)
    assert flows(s, basis="real") == pytest.approx([11 / 1.02, 12.1 / 1.02**2, 13.31 / 1.02**3], rel=1e-14)


def test_from_and_to_bound_an_annual_line() -> None:
    s = scenario([{"name": "a", "annual": 4, "from": 2014, "to": 2015}], years=4)
    assert flows(s) == [0.0, 4.0, 4.0, 0.0]


def test_total_is_spread_evenly_over_its_term() -> None:
    s = scenario([{"name": "a", "total": 30, "term": [2014, 2016]}], years=5)
    assert flows(s) == pytest.approx([0, 10, 10, 10, 0], abs=1e-12)


def test_total_with_growth_keeps_its_sum() -> None:
    s = scenario([{"name": "a", "total": 21, "term": [2013, 2014], "growth": 0.1}], years=2)
    assert flows(s) == pytest.approx([10.0, 11.0], rel=1e-14)


def test_once_lands_in_its_year() -> None:
    s = scenario([{"name": "a", "once": 2014, "amount": 8}])
    assert flows(s) == [0.0, 8.0, 0.0]


def test_share_of_another_line_and_its_ramp() -> None:
    s = scenario(
        [
            {"name": "fee", "share_of": "contract", "rate": 0.04, "ramp": [0.5]},
            {"name": "contract", "total": 300, "term": [2013, 2015]},
        ]
    )
    p = project(s)
    assert p.line_nominal["outsource"]["fee"][0].tolist() == pytest.approx([2.0, 4.0, 4.0], rel=1e-14)
    assert flows(s) == pytest.approx([102.0, 104.0, 104.0], rel=1e-14)


def test_ramp_starts_at_the_lines_first_year() -> None:
    s = scenario([{"name": "a", "annual": 10, "from": 2014, "ramp": [0.25, 0.5]}], years=5)
    assert flows(s) == pytest.approx([0, 2.5, 5.0, 10, 10], rel=1e-14)


def test_income_is_a_negative_cost() -> None:
    s = scenario([{"name": "fee", "annual": 5}, {"name": "income", "annual": -1.5, "from": 2014}])
    assert flows(s) == pytest.approx([5.0, 3.5, 3.5], rel=1e-14)


def test_savings_are_baseline_minus_option() -> None:
    s = scenario([{"name": "a", "annual": 8}])
    p = project(s)
    assert p.saving("outsource")[0].tolist() == pytest.approx([2.0, 2.0, 2.0])
    assert p.saving("in_house")[0].tolist() == [0.0, 0.0, 0.0]
    assert p.saving("outsource", "present_value")[0].tolist() == pytest.approx(
        [2.0, 2 / 1.02 / 1.035, 2 / 1.02**2 / 1.035**2], rel=1e-14
    )


def test_present_value_agrees_with_numpy_financial_npv() -> None:
    s = scenario(
        [{"name": "a", "annual": 7, "growth": 0.03}, {"name": "b", "once": 2016, "amount": 5}],
        years=10,
    )
    p = project(s)
    real = p.cost("outsource", "real")[0]
    # npv does not discount the first cash flow: the Green Book's year 0 convention.
    assert p.cost("outsource", "present_value")[0].sum() == pytest.approx(npf.npv(0.035, real), rel=1e-13)


def test_green_book_schedule_agrees_with_npv_at_3_5_percent_within_30_years() -> None:
    s = scenario([{"name": "a", "annual": 7}], years=30, discount="green_book")
    real = project(s).cost("outsource", "real")[0]
    assert project(s).cost("outsource", "present_value")[0].sum() == pytest.approx(npf.npv(0.035, real), rel=1e-13)


def test_inputs_add_a_draw_axis_without_a_second_code_path() -> None:
    s = scenario([{"name": "a", "annual": 10}])
    path = ("options", "outsource", "lines", "a", "annual")
    p = project(s, Inputs(draws=3, values={path: np.array([1.0, 2.0, 3.0])}))
    assert p.cost("outsource").shape == (3, 3)
    np.testing.assert_allclose(p.cost("outsource")[:, 1], [1.0, 2.0, 3.0])
    # Draw by draw, the same as a deterministic run with that value.
    single = project(scenario([{"name": "a", "annual": 2.0}])).cost("outsource", "present_value")
    np.testing.assert_array_equal(p.cost("outsource", "present_value")[1], single[0])


def test_uncertain_inflation_changes_real_not_nominal() -> None:
    s = scenario([{"name": "a", "annual": 10}])
    p = project(s, Inputs(draws=2, values={("money", "inflation"): np.array([0.0, 0.1])}))
    np.testing.assert_allclose(p.cost("outsource")[:, 2], [10.0, 10.0])
    np.testing.assert_allclose(p.cost("outsource", "real")[:, 2], [10.0, 10 / 1.21])
