"""Tornado and switching values against values worked by hand; the engine at each switching value."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from barnetmodel.analysis.sensitivity import analyse_sensitivity, switching_values, tornado
from barnetmodel.cli.app import app
from barnetmodel.engine.projection import Inputs, project
from barnetmodel.errors import ValueProblem
from barnetmodel.output.sensitivity_out import bar
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.load import load
from barnetmodel.scenario.models import Scenario
from barnetmodel.scenario.paths import numbers
from conftest import ROOT, SCENARIOS

runner = CliRunner()


def scenario(contract: object = 24.0, rate: object = 0.0, in_house: object = 10.0) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 3},
            "money": {"inflation": 0.02, "discount": 0.035},
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In-house", "lines": [{"name": "staff", "annual": in_house}]},
                "outsource": {
                    "title": "Outsourced",
                    "lines": [
                        {"name": "contract", "total": contract, "term": [2013, 2015]},
                        {"name": "client side", "share_of": "contract", "rate": rate},
                    ],
                },
            },
        }
    )


def switches(s: Scenario) -> dict[str, float | None]:
    return {"/".join(map(str, sw.path[-2:])): sw.value for sw in switching_values(s, "outsource", "present_value")}


def test_switching_values_worked_by_hand() -> None:
    # Each year: in-house 10 against contract T/3 x (1 + r). Equal when T = 30 / (1 + r), r = 30 / T - 1,
    # or in-house = T (1 + r) / 3, whatever the discounting, since every year is the same.
    found = switches(scenario(contract=24.0, rate=0.1))
    assert found["contract/total"] == pytest.approx(30 / 1.1, rel=1e-9)
    assert found["client side/rate"] == pytest.approx(30 / 24 - 1, rel=1e-9)
    assert found["staff/annual"] == pytest.approx(24 * 1.1 / 3, rel=1e-9)


def test_inflation_cannot_switch_a_same_every_year_comparison() -> None:
    assert switches(scenario(contract=24.0, rate=0.1))["money/inflation"] is None


def test_the_range_searched_is_given_in_words_too() -> None:
    # Inflation, which cannot switch this comparison, is searched from -20% to +30%; the client-side rate,
    # a share of the contract, from a tenth to ten times its value, 10%: 1.0% to 100.0%.
    result = analyse_sensitivity(scenario(contract=24.0, rate=0.1), "outsource")
    rows = {r["input"]: r for r in result["switching_values"]}
    assert rows["money.inflation"]["search_range_text"] == ["-20.0%", "30.0%"]
    assert rows["options.outsource.lines.client side.rate"]["search_range_text"] == ["1.0%", "100.0%"]
    assert rows["options.outsource.lines.contract.total"]["search_range_text"] == ["£2.40m", "£240.00m"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_engine_at_each_switching_value_gives_zero_saving(path: object) -> None:
    s = load(str(path)).scenario
    option = next(o for o in s.options if o != s.baseline)
    scale = abs(float(project(s).saving(option, "present_value").sum())) + 1
    for sw in switching_values(s, option, "present_value"):
        if sw.value is None:
            continue
        at_switch = project(s, Inputs(values={sw.path: np.array([sw.value])}))
        assert abs(float(at_switch.saving(option, "present_value").sum())) < 1e-8 * scale, sw.path


def test_tornado_uses_p10_and_p90_of_uncertain_inputs() -> None:
    s = scenario(contract={"uniform": {"low": 21, "high": 33}})
    (swing,) = tornado(s, "outsource", "present_value", None)
    assert (swing.low, swing.high) == pytest.approx((22.2, 31.8))
    # Saving = sum over years of (10 - T/3) x discount / deflator, worked for T = 22.2 and 31.8.
    weights = sum(1 / (1.02 * 1.035) ** t for t in range(3))
    assert swing.saving_low == pytest.approx((10 - 22.2 / 3) * weights)
    assert swing.saving_high == pytest.approx((10 - 31.8 / 3) * weights)


def test_tornado_by_percent_ranks_by_swing() -> None:
    swings = tornado(scenario(contract=24.0, rate=0.1), "outsource", "present_value", 10.0)
    names = [sw.path[-2] for sw in swings]
    # Moving staff cost by 10% (3 a year) swings the saving more than the contract (2.64 a year) or the rate.
    assert names[:3] == ["staff", "contract", "client side"]
    assert [sw.swing for sw in swings] == sorted((sw.swing for sw in swings), reverse=True)
    staff = swings[0]
    assert (staff.low, staff.high) == pytest.approx((9.0, 11.0))


def test_statements_say_which_way() -> None:
    result = analyse_sensitivity(scenario(contract=24.0, rate=0.1))
    by_input = {r["input"]: r for r in result["switching_values"]}
    contract = by_input["options.outsource.lines.contract.total"]
    assert contract["statement"] == (
        "Outsourced stays cheaper than In-house only while total of contract (outsource) stays below £27.27m"
    )
    staff = by_input["options.in_house.lines.staff.annual"]
    assert staff["statement"].endswith("stays above £8.80m a year")
    assert contract["break_even"] is True and staff["break_even"] is False


def test_an_option_that_costs_more_is_told_when_it_would_become_cheaper() -> None:
    result = analyse_sensitivity(scenario(contract=36.0))
    contract = next(r for r in result["switching_values"] if r["input"].endswith("contract.total"))
    assert contract["statement"].startswith("Outsourced becomes cheaper than In-house only if total of contract")
    assert contract["switching_value"] == pytest.approx(30.0)


def test_bar() -> None:
    assert bar(-10, 10, 0, 10) == "▒▒▒▒▒▒▒▒|████████"
    assert bar(0, 0, 0, 0) == " " * 8 + "|" + " " * 8


def test_cli_formats() -> None:
    path = str(ROOT / "scenarios" / "critics_stress.yaml")
    data = json.loads(runner.invoke(app, ["sensitivity", path, "-f", "json"]).stdout)
    assert data["mode"] == "p10_p90" and data["units"] == "£m, present value, 2013/14 prices"
    assert data["tornado"][0]["input"] == "options.outsource.lines.Extra charges and variations.annual"
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["sensitivity", path, "-f", "csv"]).stdout)))
    # Every number but the targets' amounts, which do not move a saving, and the formulas, which are worked
    # out from what they name: their parts are moved. Nor the three that set the comparator's CSG staff cost
    # (posts x pay x (1 + on-costs)), whose running costs are the CSG baseline less it: they cannot move the
    # saving (test_inputs_that_move_the_saving_by_rounding_only_are_left_out).
    s = load(path).scenario
    written = [value for value in numbers(s).values() if not isinstance(value, Formula)]
    assert len(rows) == len(written) - len(s.targets) - 3
    assert not any(r["input"].startswith("targets") or r["input"] in ("csg_posts", "csg_pay", "on_costs") for r in rows)
    markdown = runner.invoke(app, ["sensitivity", path, "-f", "markdown", "--percent", "5"]).stdout
    assert "moved by ±5%" in markdown and "## In words" in markdown
    table = runner.invoke(app, ["sensitivity", path])
    assert table.exit_code == 0 and "Switching values" in table.stdout


def test_cli_unknown_option() -> None:
    result = runner.invoke(
        app, ["sensitivity", str(ROOT / "scenarios" / "critics_stress.yaml"), "--option", "outsorce"]
    )
    assert result.exit_code == 2
    assert "did you mean 'outsource'?" in result.stderr


def test_percent_must_be_above_zero_and_is_labelled_as_given() -> None:
    path = str(ROOT / "scenarios" / "critics_stress.yaml")
    zero = runner.invoke(app, ["sensitivity", path, "--percent", "0"])
    assert zero.exit_code == 2 and "--percent: should be above 0" in zero.stderr
    five = runner.invoke(app, ["sensitivity", path, "--percent", "2.5", "-f", "markdown"]).stdout
    assert "moved by ±2.5%" in five
    for refused in ("-3", "nan"):
        result = runner.invoke(app, ["sensitivity", path, "--percent", refused])
        assert result.exit_code == 2 and f"--percent: should be above 0, not {refused}" in result.stderr
    # --help says what is taken: not Typer's [x>=0], which 0 is not
    shown = " ".join(runner.invoke(app, ["sensitivity", "--help"], env={"COLUMNS": "200"}).stdout.split())
    assert "P% (P above 0)" in shown and "x>=0" not in shown


def test_a_move_by_percent_stops_where_the_input_may_go() -> None:
    # A ramp of 50% and a probability of 100%, moved by 200%: each held to what a --set may give it (0 to 1),
    # not moved to -50% and 150%, or 300%. An amount, which may be negative, is not held.
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["options"]["in_house"]["lines"][0]["ramp"] = [0.5]
    data["options"]["outsource"]["risks"] = [{"name": "exit", "probability": 1.0, "cost": 5}]
    swings = tornado(Scenario.model_validate(data), "outsource", "present_value", 200.0)
    moved = {sw.path[4]: (sw.low, sw.high) for sw in swings if sw.path[0] == "options"}
    assert moved["ramp"] == (0.0, 1.0)
    assert moved["probability"] == (0.0, 1.0)
    assert moved["total"] == pytest.approx((-24.0, 72.0))


def test_a_named_input_is_held_by_the_places_that_name_it() -> None:
    # A ramp step of 100% named `r` (`ramp: [r]`), moved by the default 10%: held at 1, as written in place,
    # not moved to 110% for the engine to refuse; 50% moved by 150% held at 0 and 1, not -25% and 125%. An
    # input a formula uses (`r2 * 1`) is left to the engine, which checks the formula's value at its place.
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["inputs"] = {"r": 1.0}
    data["options"]["in_house"]["lines"][0]["ramp"] = ["r"]
    swings = tornado(Scenario.model_validate(data), "outsource", "present_value", 10.0)
    assert {sw.path: (sw.low, sw.high) for sw in swings}[("inputs", "r")] == (0.9, 1.0)
    data["inputs"] = {"r": 0.5}
    swings = tornado(Scenario.model_validate(data), "outsource", "present_value", 150.0)
    assert {sw.path: (sw.low, sw.high) for sw in swings}[("inputs", "r")] == (0.0, 1.0)
    data["inputs"] = {"r": 0.5, "r2": "r * 1"}
    data["options"]["in_house"]["lines"][0]["ramp"] = ["r2"]
    with pytest.raises(ValueProblem):
        tornado(Scenario.model_validate(data), "outsource", "present_value", 150.0)


def test_a_named_input_moved_past_a_bound_its_places_may_not_take_is_refused_at_the_input() -> None:
    # Inflation named `g` (2%), moved by 3000%, would be -58%: below the -50% inflation may not reach, so the
    # move is refused at the input, as it is for inflation written in place.
    data = scenario().model_dump(mode="json", exclude_none=True)
    data["inputs"] = {"g": 0.02}
    data["money"]["inflation"] = "g"
    with pytest.raises(ValueProblem) as refused:
        tornado(Scenario.model_validate(data), "outsource", "present_value", 3000.0)
    assert refused.value.path == ("inputs", "g")
    assert "--percent 3000 moves it to -0.58, but the number must be > -0.5" in str(refused.value.message)


def test_a_move_past_a_bound_it_may_not_take_is_refused() -> None:
    # Inflation must stay above -50%: 2% moved by 3000% would be -58%; no nearest value to stop at.
    with pytest.raises(ValueProblem) as refused:
        tornado(scenario(), "outsource", "present_value", 3000.0)
    assert refused.value.path == ("money", "inflation")
    assert "--percent 3000 moves it to -0.58, but the number must be > -0.5; give a smaller --percent" in str(
        refused.value.message
    )


OUTSIDE = """\
title: t
horizon: {start: 2013, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: staff, annual: 9.23}
  outsource:
    title: Outsourced
    lines:
      - {name: contract, total: {triangular: {low: 27.9, mode: 28.8, high: 36}}, term: [2013, 2015]}
"""


def test_a_switching_value_just_outside_an_input_s_range_is_given_and_flagged(write: Callable[[str], Path]) -> None:
    # In-house 9.23 a year against a contract of T over three years, T triangular from 27.9 to 36 (9.30 to
    # 12.00 a year): the saving is zero at T = 3 x 9.23 = 27.69, just below the range. It is given, flagged
    # as outside the range, not called "never".
    path = str(write(OUTSIDE))
    result = analyse_sensitivity(load(path).scenario)
    rows = {r["input"]: r for r in result["switching_values"]}
    contract = rows["options.outsource.lines.contract.total"]
    assert contract["switching_value"] == pytest.approx(3 * 9.23, rel=1e-9)
    assert contract["within_range"] is False
    assert "outside its range" in contract["statement"] and "£27.90m" in contract["statement"]
    # In-house at T / 3 with T at its mean, (27.9 + 28.8 + 36) / 3 = 30.9: 10.3 a year, inside its range.
    staff = rows["options.in_house.lines.staff.annual"]
    assert staff["switching_value"] == pytest.approx(30.9 / 3, rel=1e-9) and staff["within_range"] is True
    table = runner.invoke(app, ["sensitivity", "-f", "markdown", path]).stdout
    assert "£27.69m (outside its range)" in table


def test_batches_do_not_change_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """However the rows are split into engine calls (to bound memory), each input's figures are the same."""
    from barnetmodel.analysis import sensitivity

    scenario = load(str(ROOT / "scenarios" / "critics_stress.yaml")).scenario
    whole = analyse_sensitivity(scenario)
    monkeypatch.setattr(sensitivity, "CELLS", 1)  # one input an engine call
    split = analyse_sensitivity(scenario)
    assert [r["input"] for r in split["tornado"]] == [r["input"] for r in whole["tornado"]]
    for key in ("tornado", "switching_values"):
        for a, b in zip(whole[key], split[key], strict=True):
            for field, value in a.items():
                if isinstance(value, float):
                    assert b[field] == pytest.approx(value, rel=1e-9, abs=1e-9), (a["input"], field)
                else:
                    assert b[field] == value, (a["input"], field)


def test_inputs_that_move_the_saving_by_rounding_only_are_left_out() -> None:
    """csg_pay and on_costs set the comparator's CSG staff cost (posts x pay x (1 + on-costs)), and its
    running costs are the CSG baseline less that staff cost: staff and running costs add up to the baseline
    whatever they are, so they cannot move the saving. Rows worked out in different batches (or columns of
    one product) round differently in their last bits (5.7e-14 on a saving of tens of £m): no tornado bar and
    no switching value of that."""
    scenario = load(str(ROOT / "scenarios" / "in_house_improvement.yaml")).scenario
    result = analyse_sensitivity(scenario)
    inputs = {row["input"] for key in ("tornado", "switching_values") for row in result[key]}
    assert not inputs & {"csg_pay", "on_costs"}
    assert {"retained_share", "pay_growth", "money.inflation"} <= inputs  # those that do move it are there


def test_a_premium_reads_as_a_percentage_and_a_scale_as_a_factor() -> None:
    """A fallback's premium of 0.25 is 25% on the cost it carries, not £0.25m; a by_year line's scale of 1.05 is
    a factor. A fixed premium is searched from none to 200%, as optimism bias's uplift is."""
    from barnetmodel.analysis.sensitivity import describe_value, plausible_range

    assert describe_value("premium", 0.25, "£m") == "25.0%"
    assert describe_value("scale", 1.05, "£m") == "x1.05"
    assert describe_value("annual", 1.05, "£m") == "£1.05m a year"
    assert plausible_range("premium", 0.25) == (0.0, 2.0)
    path = str(ROOT / "benchmarks" / "contracts.yaml")
    result = runner.invoke(app, ["sensitivity", path, "--allow-extends-outside", "-f", "json"])
    assert result.exit_code == 0, result.output
    texts = [
        text
        for entry in json.loads(result.stdout)["switching_values"]
        if entry["input"].endswith(".premium")
        for text in (entry["central_text"], *entry["search_range_text"])
    ]
    assert texts and all(text.endswith("%") for text in texts), texts
