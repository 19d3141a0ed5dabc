"""Contract mechanics, each against a case worked by hand (the arithmetic in comments), and each nonlinear
one (an index cap, a guarantee's refund, a failure switch's path) drawn many times and checked draw by
draw against a plain Python calculation written here, independently of the engine."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from barnetmodel.engine.projection import Inputs, project
from barnetmodel.engine.simulate import simulate, summarise_simulation
from barnetmodel.scenario.models import Scenario

N = 20_000


def scenario(options: dict[str, Any], years: int = 4, **money: Any) -> Scenario:
    """A scenario from 2013 over `years`, no inflation and no discounting unless `money` says otherwise;
    option 'a' is the baseline."""
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": years},
            "money": {"inflation": 0.0, "discount": 0.0} | money,
            "baseline": "a",
            "options": {name: {"title": name} | option for name, option in options.items()},
        }
    )


def one(lines: list[dict[str, Any]], years: int = 4, **option: Any) -> Scenario:
    return scenario({"a": {"lines": lines} | option}, years)


def nominal(s: Scenario, line: str, option: str = "a", inputs: Inputs | None = None) -> np.ndarray:
    return project(s, inputs).line_nominal[option][line]


# Price profiles ---------------------------------------------------------------------------


def test_amounts_year_by_year() -> None:
    # 5 in 2013/14, nothing in 2014/15, 7 in 2015/16, 1.5 in 2016/17; scale 2 doubles each.
    s = one([{"name": "c", "by_year": {2013: 5, 2015: 7, 2016: 1.5}, "scale": 2}])
    assert nominal(s, "c")[0].tolist() == [10.0, 0.0, 14.0, 3.0]


def test_incomes_year_by_year_keep_their_sign_through_optimism_bias() -> None:
    # Incomes -2 and -3, cut by the applied bias 20% x (1 - 0.5) = 10% (income_shortfall): -1.8, -2.7.
    bias = {"uplift": 0.2, "mitigated": 0.5, "income_shortfall": True}
    s = one([{"name": "c", "by_year": {2013: -2, 2014: -3}}], optimism_bias=bias)
    assert nominal(s, "c")[0] == pytest.approx([-1.8, -2.7, 0, 0], rel=1e-15)


def test_a_total_spread_by_a_profile() -> None:
    # 12 spread over 2013-2016 in proportion 1:2:2:1 (the weights add up to 6): 2, 4, 4, 2.
    s = one([{"name": "c", "total": 12, "term": [2013, 2016], "profile": {2013: 1, 2014: 2, 2015: 2, 2016: 1}}])
    assert nominal(s, "c")[0] == pytest.approx([2, 4, 4, 2], rel=1e-15)
    # A part year: 7 of 12 months in 2013/14, a full year after, 5 months in the last: 24 x 7/24, ...
    s = one([{"name": "c", "total": 24, "term": [2013, 2015], "profile": {2013: 7, 2014: 12, 2015: 5}}])
    assert nominal(s, "c")[0] == pytest.approx([7, 12, 5, 0], rel=1e-15)


def test_uncertain_amounts_year_by_year_are_drawn_each_year() -> None:
    s = one([{"name": "c", "by_year": {2013: {"uniform": {"low": 0, "high": 2}}, 2014: 3}}])
    first = np.array([0.5, 1.5, 1.9])
    drawn = nominal(s, "c", inputs=Inputs(3, {("options", "a", "lines", "c", "by_year", 2013): first}))
    assert drawn.tolist() == [[0.5, 3, 0, 0], [1.5, 3, 0, 0], [1.9, 3, 0, 0]]
    assert nominal(s, "c")[0].tolist() == [1.0, 3.0, 0.0, 0.0]  # the central run: the mean, 1


# Indexation -------------------------------------------------------------------------------

# ONS CPI (D7BT) financial-year averages, release 16 Sep 2026 (data/series/cpi.yaml).
CPI = {2021: 113.25, 2022: 124.6083, 2023: 131.675, 2024: 134.7833}


def test_indexed_to_cpi_with_a_cap() -> None:
    # From 2022/23, each year's uplift is CPI's change that year (lag 0), at most 5%:
    # 2022: 124.6083 / 113.25 - 1 = 10.03% -> 5%; 2023: 131.675 / 124.6083 - 1 = 5.67% -> 5%;
    # 2024: 134.7833 / 131.675 - 1 = 2.36%. So 10, 10 x 1.05, 10 x 1.05^2, 10 x 1.05^2 x 1.0236.
    index = {"series": "cpi", "from": 2022, "cap": 0.05}
    s = Scenario.model_validate(_years(2021, 4, [{"name": "c", "annual": 10, "index": index}]))
    expected = [10, 10 * 1.05, 10 * 1.05**2, 10 * 1.05**2 * CPI[2024] / CPI[2023]]
    assert nominal(s, "c")[0] == pytest.approx(expected, rel=1e-15)


def test_indexed_with_a_lag_and_a_floor() -> None:
    # Lag 1: the 2023/24 uplift is 2022's change (10.03%), 2024/25's is 2023's (5.67%); floor 6%: 10.03%, 6%.
    index = {"series": "cpi", "from": 2023, "lag": 1, "floor": 0.06}
    s = Scenario.model_validate(_years(2022, 3, [{"name": "c", "annual": 1, "index": index}]))
    grown = CPI[2022] / CPI[2021]
    assert nominal(s, "c")[0] == pytest.approx([1, grown, grown * 1.06], rel=1e-14)


def test_indexed_after_the_series_ends_and_before_the_horizon() -> None:
    # CPI's last financial year is 2025/26 (139.4250). Indexed from 2024 with lag 0, in a horizon from 2025:
    # 2025/26: (134.7833 / 131.675) x (139.425 / 134.7833) = 139.425 / 131.675; 2026/27 on: x 1.02 a year.
    index = {"series": "cpi", "from": 2024, "after": 0.02}
    s = Scenario.model_validate(_years(2025, 3, [{"name": "c", "annual": 1, "index": index}]))
    base = 139.425 / CPI[2023]
    assert nominal(s, "c")[0] == pytest.approx([base, base * 1.02, base * 1.02**2], rel=1e-14)


def test_indexed_to_a_rate_held_between_floor_and_cap_in_every_draw() -> None:
    """Monte Carlo: a rate drawn per draw, held between 1% and 5%, compounded from 2014/15; checked draw by
    draw against a plain loop."""
    index = {"rate": {"uniform": {"low": -0.02, "high": 0.08}}, "from": 2014, "cap": 0.05, "floor": 0.01}
    s = one([{"name": "c", "annual": 10, "index": index}])
    rates = np.random.default_rng(3).uniform(-0.02, 0.08, N)
    drawn = nominal(s, "c", inputs=Inputs(N, {("options", "a", "lines", "c", "index", "rate"): rates}))
    for row, rate in zip(drawn[:2000], rates[:2000], strict=True):
        held = min(max(rate, 0.01), 0.05)
        expected = [10.0] + [10.0 * (1 + held) ** k for k in (1, 2, 3)]
        assert row.tolist() == pytest.approx(expected, rel=1e-13)
    assert (drawn[:, 3] <= 10 * 1.05**3 + 1e-12).all() and (drawn[:, 3] >= 10 * 1.01**3 - 1e-12).all()


def _years(start: int, years: int, lines: list[dict[str, Any]], **money: Any) -> dict[str, Any]:
    return {
        "title": "t",
        "horizon": {"start": start, "years": years},
        "money": {"inflation": 0.0, "discount": 0.0} | money,
        "baseline": "a",
        "options": {"a": {"title": "A", "lines": lines}},
    }


# The GDP deflator as a series --------------------------------------------------------------

# HM Treasury GDP deflator, March 2026 QNA (data/series/gdp_deflator.yaml): 2013/14 73.0337,
# 2015/16 74.5804, 2029/30 111.3959, 2030/31 113.6416 (its last year, a forecast).


def test_the_gdp_deflator_series_makes_the_price_index() -> None:
    # Price base 2015/16: 2013/14 is 73.0337 / 74.5804 of its prices.
    data = _years(2013, 3, [{"name": "c", "annual": 1, "prices": "real"}], inflation={"series": "gdp_deflator"})
    data["money"]["price_base"] = 2015
    p = project(Scenario.model_validate(data))
    assert p.price_index[0] == pytest.approx([73.0337 / 74.5804, 74.0662 / 74.5804, 1.0], rel=1e-15)
    assert p.line_nominal["a"]["c"][0] == pytest.approx(p.price_index[0], rel=1e-15)  # real amounts become cash


def test_years_after_the_series_take_the_stated_rate_even_for_the_price_base() -> None:
    # Price base 2032/33, two years after the series ends: its deflator is 113.6416 x 1.03^2. 2029/30 is
    # 111.3959 / (113.6416 x 1.03^2); 2031/32 is 1 / 1.03; 2033/34 is 1.03.
    money = {"inflation": {"series": "gdp_deflator", "after": 0.03}, "price_base": 2032}
    data = _years(2029, 5, [{"name": "c", "annual": 1}])
    data["money"] |= money
    p = project(Scenario.model_validate(data))
    last = 113.6416
    expected = [111.3959 / (last * 1.03**2), 1 / 1.03**2, 1 / 1.03, 1.0, 1.03]
    assert p.price_index[0] == pytest.approx(expected, rel=1e-14)
    assert p.deflator[0] == pytest.approx([1 / x for x in expected], rel=1e-14)
    # An uncertain rate after the series: each draw's own.
    rates = np.array([0.0, 0.05])
    drawn = project(Scenario.model_validate(data), Inputs(2, {("money", "inflation", "after"): rates})).price_index
    assert drawn[1] == pytest.approx([111.3959 / (last * 1.05**2), 1 / 1.05**2, 1 / 1.05, 1, 1.05], rel=1e-14)
    assert drawn[0] == pytest.approx([111.3959 / last, 1, 1, 1, 1], rel=1e-14)


# Credits and variations -------------------------------------------------------------------


def test_service_credits_and_variations() -> None:
    # A charge of 10 a year from 2014 to 2015: credits 2% of it (-0.2), variations 5% of it (+0.5), and
    # variations of 0.3 a year in the years the charge is paid.
    s = one(
        [
            {"name": "c", "annual": 10, "from": 2014, "to": 2015},
            {"name": "credits", "credits": "c", "share": 0.02},
            {"name": "more", "variations": "c", "share": 0.05},
            {"name": "extra", "variations": "c", "amount": 0.3},
        ]
    )
    p = project(s)
    assert p.line_nominal["a"]["credits"][0] == pytest.approx([0, -0.2, -0.2, 0], rel=1e-15)
    assert p.line_nominal["a"]["more"][0] == pytest.approx([0, 0.5, 0.5, 0], rel=1e-15)
    assert p.line_nominal["a"]["extra"][0] == pytest.approx([0, 0.3, 0.3, 0], rel=1e-15)


# Guarantees -------------------------------------------------------------------------------


def guarantee_scenario(**guarantee: Any) -> Scenario:
    # Costs 10, 12, 9, 13 a year; guaranteed at most 10 (anything above is paid back).
    lines = [{"name": "c", "by_year": {2013: 10, 2014: 12, 2015: 9, 2016: 13}}]
    return one(lines, guarantees=[{"name": "g", "lines": ["c"], "level": 10} | guarantee])


def refunds(s: Scenario, inputs: Inputs | None = None) -> np.ndarray:
    return project(s, inputs).guarantee_nominal["a"]["g"]


def test_a_guarantee_pays_back_cost_above_its_level() -> None:
    # Above 10: 0, 2, 0 (9 is below), 3. Paid back as income: 0, -2, 0, -3.
    assert refunds(guarantee_scenario())[0] == pytest.approx([0, -2, 0, -3], abs=0)
    # At most 1.5 a year: 0, -1.5, 0, -1.5. At most 4 in all: 0, -2, 0, -2 (3 would take it to 5).
    assert refunds(guarantee_scenario(cap=1.5))[0] == pytest.approx([0, -1.5, 0, -1.5], abs=0)
    assert refunds(guarantee_scenario(cap_total=4))[0] == pytest.approx([0, -2, 0, -2], abs=0)
    # Only from 2015: 0, 0, 0, -3. The option's cost is the lines' less the refund: 10, 10, 9, 10.
    s = guarantee_scenario(**{"from": 2015})
    assert refunds(s)[0] == pytest.approx([0, 0, 0, -3], abs=0)
    assert project(s).cost("a")[0] == pytest.approx([10, 12, 9, 10], abs=0)


def test_a_guarantee_in_real_prices() -> None:
    # Level 10 in 2013/14 prices at 10% inflation: 10, 11, 12.1, 13.31 in cash. Costs 10, 12, 9, 13 (cash):
    # above it by 0, 1, 0, 0 -> refund 0, -1, 0, 0.
    s = guarantee_scenario(prices="real").model_copy(
        update={"money": guarantee_scenario().money.model_copy(update={"inflation": 0.1})}
    )
    assert refunds(s)[0] == pytest.approx([0, -1, 0, 0], abs=1e-12)


def test_a_guarantee_with_an_uncertain_level_in_every_draw() -> None:
    """Monte Carlo: the level drawn per draw, a cap of 2.5 a year and 4 in all; each draw's refund checked
    against a plain loop."""
    s = guarantee_scenario(level={"uniform": {"low": 8, "high": 12}}, cap=2.5, cap_total=4)
    levels = np.random.default_rng(5).uniform(8, 12, N)
    drawn = refunds(s, Inputs(N, {("options", "a", "guarantees", "g", "level"): levels}))
    costs = [10, 12, 9, 13]
    for row, level in zip(drawn[:3000], levels[:3000], strict=True):
        paid, expected = 0.0, []
        for cost in costs:
            this_year = min(min(max(cost - level, 0.0), 2.5), 4 - paid)
            paid += this_year
            expected.append(-this_year)
        assert row.tolist() == pytest.approx(expected, abs=1e-12)


# Provider failure as a switch -------------------------------------------------------------

P = 0.1
SWITCH = {
    "name": "failure",
    "probability": P,
    "cost": 4,
    "recovered": 0.5,
    "stops": ["charge"],
    "fallback": ["fallback"],
    "takes_effect": "same_year",
    "premium": 0.25,
    "transition": 1,
}
SWITCHED_LINES = [
    {"name": "charge", "annual": 10},
    {"name": "client side", "share_of": "charge", "rate": 0.02},
    {"name": "fallback", "annual": 12},
]


def switch_scenario(**risk: Any) -> Scenario:
    return one(SWITCHED_LINES, risks=[SWITCH | risk])


def test_the_central_run_carries_the_probability_weighted_path() -> None:
    # The failure happens first in year t with chance 0.1 x 0.9^t; by the end of year t with 1 - 0.9^(t+1).
    # Same year: the charge (10) is paid while it has not happened: 10 x 0.9^(t+1); its client side 2% of
    # that. The fallback (12) runs once it has, at 25% more in its first year: 12 x (1 - 0.9^(t+1)) +
    # 12 x 0.25 x 0.1 x 0.9^t. The one-off cost, half recovered, 2 x 0.1 x 0.9^t.
    p = project(switch_scenario())
    t = np.arange(4)
    assert p.line_nominal["a"]["charge"][0] == pytest.approx(10 * 0.9 ** (t + 1), rel=1e-14)
    assert p.line_nominal["a"]["client side"][0] == pytest.approx(0.2 * 0.9 ** (t + 1), rel=1e-14)
    fallback = 12 * (1 - 0.9 ** (t + 1)) + 12 * 0.25 * 0.1 * 0.9**t
    assert p.line_nominal["a"]["fallback"][0] == pytest.approx(fallback, rel=1e-14)
    assert p.risk_nominal["a"]["failure"][0] == pytest.approx(2 * 0.1 * 0.9**t, rel=1e-14)
    assert p.switch_chances[("a", ("options", "a", "risks", "failure"))]["switched"] == pytest.approx(
        1 - 0.9 ** (t + 1)
    )


def test_a_switch_that_takes_effect_the_next_year() -> None:
    # Next year: the charge is paid in the year it happens, and stops after: 10 x 0.9^t. The fallback starts
    # the year after: 12 x (1 - 0.9^t) + 12 x 0.25 x 0.1 x 0.9^(t-1) (nothing in the first year).
    p = project(switch_scenario(takes_effect="next_year"))
    t = np.arange(4)
    assert p.line_nominal["a"]["charge"][0] == pytest.approx(10 * 0.9**t, rel=1e-14)
    fallback = 12 * (1 - 0.9**t) + np.where(t > 0, 12 * 0.25 * 0.1 * 0.9 ** (t - 1.0), 0)
    assert p.line_nominal["a"]["fallback"][0] == pytest.approx(fallback, rel=1e-14)


def test_a_switch_within_a_window_per_horizon() -> None:
    # Half a chance over 2014-2015, each year alike (0.25 each). The charge: 10, then 10 x 0.75, 10 x 0.5, 10 x 0.5.
    p = project(switch_scenario(per="horizon", probability=0.5, **{"from": 2014, "to": 2015}))
    assert p.line_nominal["a"]["charge"][0] == pytest.approx([10, 7.5, 5, 5], rel=1e-14)


def test_a_switch_path_drawn_per_draw() -> None:
    """Monte Carlo: the year of failure from one uniform per draw (geometric, as for any yearly risk); each
    draw's cost checked against a plain loop; and the mean of the draws against the central run."""
    s = switch_scenario()
    u = np.random.default_rng(7).random(N)
    p = project(s, Inputs(N, events={("options", "a", "risks", "failure"): u}))
    cost = p.cost("a")
    for row, uniform in zip(cost[:3000], u[:3000], strict=True):
        happens = math.floor(math.log(uniform) / math.log(1 - P))  # the year it happens (4 or more: not at all)
        expected = []
        for year in range(4):
            charge = 10.0 * 1.02 if year < happens else 0.0  # with its client side
            fallback = 0.0 if year < happens else 12.0 * (1.25 if year == happens else 1.0)
            expected.append(charge + fallback + (2.0 if year == happens else 0.0))
        assert row.tolist() == pytest.approx(expected, rel=1e-14)
    central = project(s).cost("a")[0]
    spread = cost.std(axis=0) / math.sqrt(N)
    assert np.all(np.abs(cost.mean(axis=0) - central) < 5 * spread)


def test_a_guarantee_ends_when_its_provider_fails() -> None:
    """A guarantee of 1 a year (cost 11 against a level of 10) paid only while the provider stands; in the
    central run 1 x 0.9^(t+1); drawn, nothing from the year of failure on."""
    lines = [*SWITCHED_LINES, {"name": "income", "annual": 11}]
    guarantee = {"name": "g", "lines": ["income"], "level": 10, "provider": "failure"}
    s = one(lines, risks=[SWITCH], guarantees=[guarantee])
    t = np.arange(4)
    assert refunds(s)[0] == pytest.approx(-(0.9 ** (t + 1)), rel=1e-14)
    u = np.random.default_rng(9).random(N)
    drawn = refunds(s, Inputs(N, events={("options", "a", "risks", "failure"): u}))
    for row, uniform in zip(drawn[:3000], u[:3000], strict=True):
        happens = math.floor(math.log(uniform) / math.log(1 - P))
        assert row.tolist() == [-1.0 if year < happens else 0.0 for year in range(4)]


def test_a_guarantee_on_lines_the_switch_stops_is_weighed_over_the_outcomes() -> None:
    # The guarantee caps the charge (10 a year) at 9: a refund of 1 while the charge runs, 0 after it stops.
    # Not linear in the outcome, so the central run weighs each outcome: 1 x 0.9^(t+1) a year.
    s = one(SWITCHED_LINES, risks=[SWITCH], guarantees=[{"name": "g", "lines": ["charge"], "level": 9}])
    assert refunds(s)[0] == pytest.approx(-(0.9 ** (np.arange(4) + 1)), rel=1e-14)


def test_monte_carlo_means_agree_with_the_central_run() -> None:
    s = switch_scenario()
    sim = summarise_simulation(simulate(s, 100_000, seed=1, sampling="monte_carlo"))
    central = project(s).cost("a", "present_value").sum()
    drawn = sim["options"][0]["cost_present_value"]
    assert abs(drawn["mean"] - central) < 5 * drawn["standard_error"]


# Planned changes and options based on others ----------------------------------------------


def test_services_back_in_house_from_a_year_as_an_option() -> None:
    # 'back' is 'a' with the charge stopped from 2015/16, an in-house line started then and a one-off cost
    # of moving of 1.5 in 2015/16: 10, 10, 9 + 1.5, 9.
    s = scenario(
        {
            "a": {"lines": [{"name": "charge", "annual": 10}]},
            "back": {
                "based_on": "a",
                "lines": [{"name": "in house", "annual": 9}, {"name": "moving", "once": 2015, "amount": 1.5}],
                "changes": [
                    {"name": "c", "year": 2015, "stops": ["charge"], "starts": ["in house"], "costs": ["moving"]}
                ],
            },
        }
    )
    p = project(s)
    assert p.cost("back")[0] == pytest.approx([10, 10, 10.5, 9], rel=1e-15)
    assert p.cost("a")[0] == pytest.approx([10, 10, 10, 10], rel=1e-15)  # the option it is based on is unchanged


def test_a_change_that_ends_the_contract_ends_its_risks_and_guarantees() -> None:
    # 'ended' is the switch scenario with the contract ended from 2015/16: the charge, the provider's failure
    # and its guarantee (1 a year while the provider stands) all stop then. Before 2015/16 as in the switch
    # scenario: the charge 10 x 0.9^(t+1), the guarantee 1 x 0.9^(t+1), the failure's cost 2 x 0.1 x 0.9^t;
    # from 2015/16 nothing of them. The fallback (12, 25% more in its first year) as in the switch scenario
    # before 2015/16: 12 x (0.1 + 0.25 x 0.1), 12 x (0.19 + 0.25 x 0.09); after, only failures before
    # 2015/16 started it: 12 x (1 - 0.9^2) = 12 x 0.19 (its first year, the year it failed in, is over).
    lines = [*SWITCHED_LINES, {"name": "income", "annual": 11}]
    guarantee = {"name": "g", "lines": ["income"], "level": 10, "provider": "failure"}
    ended = {
        "based_on": "a",
        "lines": [{"name": "in house", "annual": 9}],
        "changes": [{"name": "end", "year": 2015, "stops": ["charge", "failure", "g"], "starts": ["in house"]}],
    }
    s = scenario({"a": {"lines": lines, "risks": [SWITCH], "guarantees": [guarantee]}, "ended": ended})
    p = project(s)
    t = np.arange(4)
    running = np.where(t < 2, 1.0, 0.0)
    assert p.line_nominal["ended"]["charge"][0] == pytest.approx(10 * 0.9 ** (t + 1) * running, rel=1e-14)
    assert p.guarantee_nominal["ended"]["g"][0] == pytest.approx(-(0.9 ** (t + 1)) * running, rel=1e-14)
    assert p.risk_nominal["ended"]["failure"][0] == pytest.approx(2 * 0.1 * 0.9**t * running, rel=1e-14)
    fallback = [12 * (0.1 + 0.25 * 0.1), 12 * (0.19 + 0.25 * 0.09), 12 * 0.19, 12 * 0.19]
    assert p.line_nominal["ended"]["fallback"][0] == pytest.approx(fallback, rel=1e-14)
    # Drawn: in every draw, nothing of them from 2015/16; before it as in the option it is based on.
    u = np.random.default_rng(4).random(N)
    drawn = project(s, Inputs(N, events={("options", "a", "risks", "failure"): u}))
    for name in ("charge", "fallback"):
        both = drawn.line_nominal["ended"][name], drawn.line_nominal["a"][name]
        assert np.array_equal(both[0][:, :2], both[1][:, :2])
    assert not drawn.line_nominal["ended"]["charge"][:, 2:].any()
    assert not drawn.guarantee_nominal["ended"]["g"][:, 2:].any()
    assert not drawn.risk_nominal["ended"]["failure"][:, 2:].any()
    late = np.flatnonzero(drawn.risk_nominal["a"]["failure"][:, 2:].any(axis=1))  # failures from 2015/16 on
    assert len(late) > 100 and not drawn.line_nominal["ended"]["fallback"][late].any()


def test_an_option_based_on_another_draws_the_same_inputs() -> None:
    # The inherited charge is drawn once, under the option that writes it: both options see the same draws.
    s = scenario(
        {
            "a": {"lines": [{"name": "charge", "annual": {"uniform": {"low": 5, "high": 15}}}]},
            "b": {"based_on": "a", "lines": [{"name": "more", "annual": 1}]},
        }
    )
    sim = simulate(s, 1000, seed=1, sampling="monte_carlo")
    summary = summarise_simulation(sim)
    saving = summary["options"][1]["saving_nominal"]
    assert saving["p5"] == saving["p95"] == pytest.approx(-4.0)  # exactly the added line, every draw


# The economic and the financial case ------------------------------------------------------


def test_transfers_are_left_out_of_present_values_only() -> None:
    # Redundancy pay of 2 in 2014/15, a transfer: cash 10, 12, 10, 10 (nominal and real at no inflation);
    # present value at 10%: 10 + 10/1.1 + 10/1.21 + 10/1.331 (without the 2).
    s = scenario(
        {
            "a": {
                "lines": [
                    {"name": "staff", "annual": 10},
                    {"name": "redundancy", "once": 2014, "amount": 2, "transfer": True},
                ]
            }
        },
        discount=0.1,
    )
    p = project(s)
    assert p.cost("a", "nominal")[0] == pytest.approx([10, 12, 10, 10], rel=1e-15)
    assert p.cost("a", "real")[0] == pytest.approx([10, 12, 10, 10], rel=1e-15)
    assert p.cost("a", "present_value")[0] == pytest.approx([10, 10 / 1.1, 10 / 1.1**2, 10 / 1.1**3], rel=1e-14)
    sim = summarise_simulation(simulate(s, 10, seed=1, sampling="monte_carlo"))
    assert sim["options"][0]["cost_present_value"]["mean"] == pytest.approx(10 * (1 + 1 / 1.1 + 1 / 1.21 + 1 / 1.331))
    assert sim["options"][0]["cost_nominal"]["mean"] == pytest.approx(42)


# Formulas and sensitivity reach the new numbers ----------------------------------------------


def test_contract_numbers_take_formulas_of_named_inputs() -> None:
    # fee = 4, uplift = 0.1. The charge: 2 x fee = 8 in 2013/14, fee + 1 = 5 in 2014/15. The service: fee = 4 a
    # year, indexed from 2015/16 at 0.5 x uplift = 5% a year: 4, 4, 4 x 1.05, 4 x 1.05^2. A guarantee at
    # level fee + 3 = 7 on the charge: paid back 8 - 7 = 1 in 2013/14, nothing after (5 is below 7).
    data = {
        "title": "t",
        "inputs": {"fee": 4, "uplift": 0.1},
        "horizon": {"start": 2013, "years": 4},
        "money": {"inflation": 0.0, "discount": 0.0},
        "baseline": "a",
        "options": {
            "a": {
                "title": "A",
                "lines": [
                    {"name": "charge", "by_year": {2013: "2 * fee", 2014: "fee + 1"}},
                    {"name": "service", "annual": "fee", "index": {"rate": "0.5 * uplift", "from": 2015}},
                ],
                "guarantees": [{"name": "g", "lines": ["charge"], "level": "fee + 3"}],
            }
        },
    }
    p = project(Scenario.model_validate(data))
    assert p.line_nominal["a"]["charge"][0].tolist() == [8, 5, 0, 0]
    assert p.line_nominal["a"]["service"][0] == pytest.approx([4, 4, 4.2, 4.41], rel=1e-15)
    assert p.guarantee_nominal["a"]["g"][0].tolist() == [-1, 0, 0, 0]


def test_a_line_that_is_a_cost_some_years_and_an_income_others_under_optimism_bias() -> None:
    # A cost of 10 in 2013/14 raised by the applied 10% (20% uplift, half mitigated): 11; an income of -4 in
    # 2014/15 cut by 10% (income_shortfall): -3.6.
    bias = {"uplift": 0.2, "mitigated": 0.5, "income_shortfall": True}
    s = one([{"name": "c", "by_year": {2013: 10, 2014: -4}}], optimism_bias=bias)
    assert nominal(s, "c")[0] == pytest.approx([11, -3.6, 0, 0], rel=1e-15)


def test_sensitivity_moves_the_contract_numbers() -> None:
    from barnetmodel.analysis.sensitivity import tornado

    s = scenario(
        {
            "a": {"lines": [{"name": "staff", "annual": 10}]},
            "b": {
                "lines": [
                    {"name": "charge", "by_year": {2013: 8, 2014: 8}, "index": {"rate": 0.02, "from": 2014}},
                    {"name": "fallback", "annual": 12},
                ],
                "risks": [SWITCH | {"stops": ["charge"], "fallback": ["fallback"]}],
                "guarantees": [{"name": "g", "lines": ["charge"], "level": 8.2}],
            },
        }
    )
    # The guarantee's level (8.2) is above the indexed charge (8 x 1.02 = 8.16 in 2014/15), so the rate moves
    # what is paid: a level below the charge would hold the charge at the level whatever the rate, and the rate
    # would rightly move nothing.
    labels = {swing.path: swing for swing in tornado(s, "b", "nominal", 10.0)}
    expected = {
        ("options", "b", "lines", "charge", "by_year", 2013),
        ("options", "b", "lines", "charge", "index", "rate"),
        ("options", "b", "risks", "failure", "premium"),
        ("options", "b", "guarantees", "g", "level"),
    }
    assert expected <= set(labels)
    # The guarantee's level at 7.5 x 0.9 and 7.5 x 1.1 moves the saving: a lower level pays back more.
    level = labels[("options", "b", "guarantees", "g", "level")]
    assert level.saving_low > level.saving_high
    # The rate at 0.018 and 0.022: the 2014/15 charge 8 x 1.018 = 8.144 or 8 x 1.022 = 8.176 (both under the
    # level, so not paid back), paid while the provider has not failed by the end of 2014/15 (same year: 0.9^2
    # = 0.81). The saving falls by 8 x 0.004 x 0.81 = 0.02592 from the low rate to the high.
    rate = labels[("options", "b", "lines", "charge", "index", "rate")]
    assert rate.saving_low - rate.saving_high == pytest.approx(8 * 0.004 * 0.81, rel=1e-9)


def test_sensitivity_of_an_option_based_on_another_keeps_what_it_inherits() -> None:
    from barnetmodel.analysis.sensitivity import switching_values, tornado

    # Baseline a: 10 a year. Option c is based on b (a charge of 6 a year) and adds 1 a year: 7 a year, a saving
    # of 3 a year, 12 over 4 years (no inflation, no discounting). Moving b's charge 10% down and up (5.4, 6.6)
    # moves c's saving to 4 x (10 - 6.4) = 14.4 and 4 x (10 - 7.6) = 9.6; option d, based on nothing c is,
    # cannot move it. The saving is zero when b's charge is 10 - 1 = 9.
    s = scenario(
        {
            "a": {"lines": [{"name": "staff", "annual": 10}]},
            "b": {"lines": [{"name": "charge", "annual": 6}]},
            "c": {"based_on": "b", "lines": [{"name": "client", "annual": 1}]},
            "d": {"lines": [{"name": "other", "annual": 3}]},
        }
    )
    swings = {swing.path: swing for swing in tornado(s, "c", "nominal", 10.0)}
    charge = swings[("options", "b", "lines", "charge", "annual")]
    assert (charge.saving_low, charge.saving_high) == pytest.approx((14.4, 9.6), rel=1e-14)
    assert ("options", "d", "lines", "other", "annual") not in swings
    switches = {switch.path: switch.value for switch in switching_values(s, "c", "nominal")}
    assert switches[("options", "b", "lines", "charge", "annual")] == pytest.approx(9.0, rel=1e-9)


def test_a_present_value_tornado_leaves_transfers_out_as_run_does() -> None:
    from barnetmodel.analysis.sensitivity import central_saving, tornado

    # Baseline a: staff 10 a year. Option b: a charge of 8 a year and redundancy pay of 2 in 2014/15, a transfer.
    # Present values at 10%: the saving is 2 x (1 + 1/1.1 + 1/1.21 + 1/1.331) = 6.9737..., the redundancy left
    # out (the cash saving keeps it: 8 - 2 = 6). The redundancy moves the cash saving (by 2 x 0.2 = 0.4 at
    # +/-10%) and not the present value one; the charge at 7.2 and 8.8 moves the present value saving by
    # 0.8 x 3.1698... either way.
    s = scenario(
        {
            "a": {"lines": [{"name": "staff", "annual": 10}]},
            "b": {
                "lines": [
                    {"name": "charge", "annual": 8},
                    {"name": "redundancy", "once": 2014, "amount": 2, "transfer": True},
                ]
            },
        },
        discount=0.1,
    )
    years = 1 + 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    assert central_saving(s, "b", "present_value") == pytest.approx(2 * years, rel=1e-14)
    present = {swing.path: swing for swing in tornado(s, "b", "present_value", 10.0)}
    redundancy = ("options", "b", "lines", "redundancy", "amount")
    assert redundancy not in present
    charge = present[("options", "b", "lines", "charge", "annual")]
    assert (charge.saving_low, charge.saving_high) == pytest.approx((2.8 * years, 1.2 * years), rel=1e-14)
    cash = {swing.path: swing for swing in tornado(s, "b", "nominal", 10.0)}
    assert (cash[redundancy].saving_low, cash[redundancy].saving_high) == pytest.approx((6.2, 5.8), rel=1e-14)


def test_sensitivity_of_switches_in_pieces_gives_the_same_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows with switches are projected once for each combination of the years the switches happen in: an
    input's rows go to the engine in pieces when they would pass CELLS; the figures do not change."""
    from barnetmodel.analysis import sensitivity

    s = scenario(
        {
            "a": {"lines": [{"name": "staff", "annual": 10}]},
            "b": {
                "lines": [
                    {"name": "charge", "by_year": {2013: 8, 2014: 8}, "index": {"rate": 0.02, "from": 2014}},
                    {"name": "fallback", "annual": 12},
                ],
                "risks": [SWITCH | {"stops": ["charge"], "fallback": ["fallback"]}],
                "guarantees": [{"name": "g", "lines": ["charge"], "level": 8.2}],
            },
        }
    )
    whole = sensitivity.analyse_sensitivity(s, "b", "nominal")
    calls: list[int] = []
    evaluate = sensitivity._evaluate
    monkeypatch.setattr(sensitivity, "CELLS", 1)  # one row an engine call
    monkeypatch.setattr(sensitivity, "_evaluate", lambda *a: calls.append(sum(len(r) for _, r in a[3])) or evaluate(*a))
    split = sensitivity.analyse_sensitivity(s, "b", "nominal")
    assert calls and all(rows == 1 for rows in calls)  # each input's rows in pieces of one row
    assert [r["input"] for r in split["tornado"]] == [r["input"] for r in whole["tornado"]]
    for key in ("tornado", "switching_values"):
        for a, b in zip(whole[key], split[key], strict=True):
            for field, value in a.items():
                if isinstance(value, float):
                    assert b[field] == pytest.approx(value, rel=1e-9, abs=1e-9), (a["input"], field)
                else:
                    assert b[field] == value, (a["input"], field)


def test_chunks_of_draws_count_what_switches_and_guarantees_make() -> None:
    from barnetmodel.engine.simulate import CHUNK_MEMORY, chunk_draws

    # 100 years, 60 lines an option, a line drawn: each draw makes a few thousand values before any contract
    # mechanics, so chunks are already under sampling.CHUNK. A switch that stops 30 lines and starts 30 makes
    # (stops + fallback) x years = 6,000 values a draw more, and a guarantee on them 2 x 100 = 200 more: the
    # chunk holds 8 x (values + 6,200) bytes a draw, within CHUNK_MEMORY, so fewer draws than without them.
    lines = [{"name": f"c{i}", "annual": {"uniform": {"low": 5, "high": 15}}} for i in range(30)]
    lines += [{"name": f"f{i}", "annual": 9} for i in range(30)]
    plain = {"a": {"lines": [{"name": "staff", "annual": 10}]}, "b": {"lines": lines}}
    switch = SWITCH | {"stops": [f"c{i}" for i in range(30)], "fallback": [f"f{i}" for i in range(30)]}
    guarantee = {"name": "g", "lines": [f"c{i}" for i in range(30)], "level": 100}
    mechanics = {"a": plain["a"], "b": {"lines": lines, "risks": [switch], "guarantees": [guarantee]}}
    before = chunk_draws(scenario(plain, years=100))
    after = chunk_draws(scenario(mechanics, years=100))
    assert after < before
    # What a draw takes, from the chunk: CHUNK_MEMORY // (8 x values). The mechanics' 6,200 values a draw
    # (and the switch's event, 2, as any risk's) account for the difference, to the floor division.
    values_before = CHUNK_MEMORY / (8 * before)
    values_after = CHUNK_MEMORY / (8 * after)
    assert values_after - values_before == pytest.approx(6_200 + 2, rel=0.05)
