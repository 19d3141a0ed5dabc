"""Named inputs in the engine: the central run worked by hand; Monte Carlo draws checked against a per-draw
computation done separately here; each input drawn once a draw and shared; correlations by name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from barnetmodel.analysis.analyse import analyse
from barnetmodel.analysis.sensitivity import analyse_sensitivity
from barnetmodel.cli.app import app
from barnetmodel.engine.projection import project
from barnetmodel.engine.sampling import Sampler
from barnetmodel.scenario.load import load

runner = CliRunner()

# Three years, no inflation, no discounting: every total is a plain sum of the years.
SCENARIO = """\
title: Drivers
sources: {judgement: Our judgement}
inputs:
  posts: {value: 514, note: posts that moved}
  pay: {value: {pert: {low: 0.028, mode: 0.031, high: 0.036}}, source: judgement, note: "pay a post", unit: £m}
  on_costs: 0.29
  pay_award: {triangular: {low: 0.0, mode: 0.01, high: 0.025}}
  staff_cost: posts * pay * (1 + on_costs)
  redundancy_pay: 0.025
horizon: {start: 2013, years: 3}
money: {inflation: 0.0, discount: 0.0}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: staff_cost, growth: pay_award}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 18}
      - {name: Redundancy, once: 2013, amount: 175 * redundancy_pay}
"""

PAY_MEAN = (0.028 + 4 * 0.031 + 0.036) / 6  # PERT mean (low + 4 mode + high) / 6 = 0.188 / 6 = 0.031333...
AWARD_MEAN = (0.0 + 0.01 + 0.025) / 3  # triangular mean = 0.011666...


def stream(seed: int, name: str) -> np.random.Generator:
    """An input's random stream, as the README describes it: the seed, and a key from the SHA-256 of its name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def pert(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    """Beta-PERT draws: low + (high - low) x Beta(1 + 4 (mode - low) / width, 1 + 4 (high - mode) / width)."""
    width = high - low
    return low + width * rng.beta(1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width, n)


def test_central_run_worked_by_hand(write: Callable[[str], Path]) -> None:
    results = analyse(load(str(write(SCENARIO))))
    in_house, outsource = results["options"]
    # staff_cost = 514 x 0.0313333 x 1.29 = 20.77588, grown by 1.0116667 a year from 2013:
    # 20.77588, 21.018266, 21.263479; in all 20.77588 x (1 + 1.0116667 + 1.0116667^2) = 63.057625
    staff = 514 * PAY_MEAN * 1.29
    assert staff == pytest.approx(20.77588, rel=1e-12)
    years = [staff * (1 + AWARD_MEAN) ** t for t in range(3)]
    assert in_house["lines"][0]["nominal"] == pytest.approx(years, rel=1e-14)
    assert in_house["total_cost"]["nominal"] == pytest.approx(63.057625, rel=1e-7)
    # Outsourced: 18 a year, and 175 x 0.025 = 4.375 in 2013: 58.375 in all.
    assert outsource["lines"][1]["nominal"] == pytest.approx([4.375, 0.0, 0.0], rel=1e-15)
    assert outsource["total_saving"]["nominal"] == pytest.approx(63.057625 - 58.375, rel=1e-6)
    # No inflation, no discounting: real and present value are the nominal figures.
    assert outsource["total_saving"]["present_value"] == pytest.approx(outsource["total_saving"]["nominal"])


MONTE_CARLO = SCENARIO.replace(
    "  posts: {value: 514, note: posts that moved}", "  posts: {triangular: {low: 480, mode: 514, high: 530}}"
).replace("amount: 175 * redundancy_pay", "amount: posts * 0.34 * redundancy_pay")


@pytest.mark.parametrize("draws", [5_000, 70_000])  # one chunk, and two (65,536 draws at most in a chunk)
def test_monte_carlo_against_a_per_draw_computation(draws: int, write: Callable[[str], Path]) -> None:
    """`posts` is drawn once a draw and used in two places (staff and redundancy): worked out here draw by
    draw, with the engine's streams drawn by hand, the figures agree to rounding."""
    seed = 11
    results = analyse(load(str(write(MONTE_CARLO))), draws=draws, seed=seed)
    chunks = [draws] if draws <= 65_536 else [draws // 2, draws - draws // 2]  # near-equal chunks
    posts, pay, award = (stream(seed, f"inputs.{name}") for name in ("posts", "pay", "pay_award"))
    savings = []
    for n in chunks:  # each stream continues from chunk to chunk
        p = posts.triangular(480, 514, 530, n)
        w = pert(pay, 0.028, 0.031, 0.036, n)
        g = award.triangular(0.0, 0.01, 0.025, n)
        for i in range(n):
            staff = p[i] * w[i] * (1 + 0.29)
            in_house = staff + staff * (1 + g[i]) + staff * (1 + g[i]) ** 2
            outsource = 3 * 18 + p[i] * 0.34 * 0.025
            savings.append(in_house - outsource)
    expected = np.asarray(savings)
    found = results["uncertainty"]["options"][1]["saving_present_value"]
    assert found["mean"] == pytest.approx(expected.mean(), rel=1e-12)
    for q in (5, 10, 50, 90, 95):
        assert found[f"p{q}"] == pytest.approx(np.percentile(expected, q), rel=1e-12)
    # Listed by name, with source and note.
    listed = {entry["name"]: entry for entry in results["uncertainty"]["inputs"]}
    assert list(listed) == ["posts", "pay", "pay_award"]
    assert (listed["pay"]["source"], listed["pay"]["note"], listed["pay"]["unit"]) == ("judgement", "pay a post", "£m")
    assert listed["pay"]["mean"] == pytest.approx(PAY_MEAN, rel=1e-15)


def test_an_input_nothing_uncertain_feeds_stays_one_value(write: Callable[[str], Path]) -> None:
    scenario = load(str(write(MONTE_CARLO))).scenario
    inputs = Sampler(scenario, 1, "monte_carlo").draw(100)
    projection = project(scenario, inputs)
    named = projection.inputs.named
    assert named["on_costs"].shape == (1, 1) and named["redundancy_pay"].shape == (1, 1)
    assert named["staff_cost"].shape == (100, 1)  # posts x pay x (1 + on_costs): drawn
    assert projection.line_flows["outsource"]["Contract"].amount.shape == (1, 1)


def test_correlations_name_inputs_by_name_or_by_path(write: Callable[[str], Path], tmp_path: Path) -> None:
    by_name = write(SCENARIO + "uncertainty:\n  correlations: [{between: [pay, pay_award], rank: 0.6}]\n", "a.yaml")
    by_path = write(
        SCENARIO + "uncertainty:\n  correlations: [{between: [inputs.pay, inputs.pay_award], rank: 0.6}]\n", "b.yaml"
    )
    scenario = load(str(by_name)).scenario
    drawn = Sampler(scenario, 5, "latin_hypercube").draw(20_000)
    pay, award = drawn.values[("inputs", "pay")], drawn.values[("inputs", "pay_award")]
    assert stats.spearmanr(pay, award).statistic == pytest.approx(0.6, abs=0.02)
    outputs = []
    for path in (by_name, by_path):
        out = tmp_path / f"{path.stem}.json"
        result = runner.invoke(app, ["run", str(path), "--draws", "3000", "-f", "json", "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        outputs.append(json.loads(out.read_text())["uncertainty"])
    assert outputs[0] == outputs[1]  # the same draws, whichever way the pair is named


def test_sensitivity_moves_named_inputs_not_formulas(write: Callable[[str], Path]) -> None:
    result = analyse_sensitivity(load(str(write(SCENARIO))).scenario, "outsource", "present_value")
    bars = {row["input"]: row for row in result["tornado"]}
    assert set(bars) == {"pay", "pay_award"}  # staff_cost is derived: its parts move, not it
    # pay at its P10 and P90 (the beta(2.5, 3.5) of the PERT), award at its mean: saving =
    # 514 x pay x 1.29 x (1 + 1.0116667 + 1.0116667^2) - 58.375.
    growth = 1 + (1 + AWARD_MEAN) + (1 + AWARD_MEAN) ** 2
    for end, q in (("low", 0.1), ("high", 0.9)):
        pay = 0.028 + 0.008 * stats.beta.ppf(q, 2.5, 3.5)
        assert bars["pay"][f"{end}_value"] == pytest.approx(pay, rel=1e-9)
        assert bars["pay"][f"saving_at_{end}"] == pytest.approx(514 * pay * 1.29 * growth - 58.375, rel=1e-9)
    assert (bars["pay"]["source"], bars["pay"]["note"], bars["pay"]["label"]) == ("judgement", "pay a post", "pay")
    assert bars["pay"]["low_text"] == f"{bars['pay']['low_value']:,.4g} £m"  # its own unit
    switches = {row["input"]: row for row in result["switching_values"]}
    # The saving is nought where 514 x pay x 1.29 x growth = 58.375.
    assert switches["pay"]["switching_value"] == pytest.approx(58.375 / (514 * 1.29 * growth), rel=1e-9)
    # posts, fixed and used only in a formula, is searched from a tenth to ten times 514.
    assert switches["posts"]["search_range"] == pytest.approx([51.4, 5140.0])
    assert switches["posts"]["switching_value"] == pytest.approx(58.375 / (PAY_MEAN * 1.29 * growth), rel=1e-9)
    # pay_award is used alone as a growth rate: searched as one, from -20% to +30%.
    assert switches["pay_award"]["search_range"] == [0.0, 0.025]  # uncertain: over its own range
    assert "staff_cost" not in switches


def test_switching_values_skip_what_a_formula_cannot_take(write: Callable[[str], Path]) -> None:
    """Moving `rate` from a tenth to ten times 0.2 would make `rate * 4` a share above 1 from 0.25 on: those
    candidates are left out, not an error, and the switching value is still found where it lies."""
    text = SCENARIO.replace("  on_costs: 0.29", "  on_costs: 0.29\n  rate: 0.2").replace(
        "      - {name: Contract, annual: 18}", "      - {name: Contract, annual: 18, ramp: [rate * 4]}"
    )
    result = analyse_sensitivity(load(str(write(text))).scenario, "outsource", "present_value")
    row = next(r for r in result["switching_values"] if r["input"] == "rate")
    # Saving = 63.057625 - (18 x 4 rate + 18 + 18 + 4.375): nought at rate = (63.057625 - 40.375) / 72 = 0.31503,
    # where rate * 4 = 1.26 is not a share: no switching value inside what the formula allows.
    assert row["switching_value"] is None
    text = text.replace("annual: 18, ramp", "annual: 25, ramp")
    result = analyse_sensitivity(load(str(write(text))).scenario, "outsource", "present_value")
    row = next(r for r in result["switching_values"] if r["input"] == "rate")
    # With 25 a year: nought at 25 x 4 rate = 63.057625 - 54.375, rate = 0.0868276.
    assert row["switching_value"] == pytest.approx((63.057625 - 54.375) / 100, rel=1e-6)


def test_a_drawn_value_beyond_a_tornado_end_is_a_located_error(write: Callable[[str], Path]) -> None:
    # `spare * 10` is a ramp step: 0.9 centrally, 1.1 when the tornado moves spare 20% up (--percent 20).
    text = SCENARIO.replace("  on_costs: 0.29", "  on_costs: 0.29\n  spare: 0.09").replace(
        "{name: Contract, annual: 18}", "{name: Contract, annual: 18, ramp: [spare * 10]}"
    )
    path = write(text)
    result = runner.invoke(app, ["sensitivity", str(path), "--percent", "20"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert (
        f"{path}:22:45: options.outsource.lines[0].ramp[0]: 'spare * 10' takes 1.08, but the number must be "
        "<= 1 when the tornado moves spare to 20% higher, 0.108, where spare = 0.108"
    ) in result.stderr
