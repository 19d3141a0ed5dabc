"""Named inputs and formulas in a scenario file: what is read, what is refused (file:line:col, exit 2, no
traceback), what is a warning (exit 0), and how `extends`, `--set` and correlations name them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario.load import load

runner = CliRunner()

# Line numbers matter: the expected messages below point into this text.
DRIVERS = """\
title: Drivers
sources:
  seed-000: One Barnet article (illustrative)
  judgement: Our judgement
inputs:
  posts: {value: 514, source: seed-000, note: posts that moved to Capita}
  pay: {value: {pert: {low: 0.028, mode: 0.031, high: 0.036}}, source: judgement, note: "average pay a post, £m"}
  on_costs: 0.29
  pay_award: {value: {triangular: {low: 0.0, mode: 0.01, high: 0.025}}, source: judgement}
  staff_cost: posts * pay * (1 + on_costs)
  redundancy_pay: {value: 0.025, source: judgement, note: "average cost of one redundancy, £m"}
horizon: {start: 2013, years: 3}
money: {inflation: 0.0, discount: 0.0}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - name: Staff
        annual: staff_cost
        growth: pay_award
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 18}
      - name: Redundancy
        once: 2013
        amount: 175 * redundancy_pay
"""


def edit(old: str, new: str, text: str = DRIVERS) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def run(path: Path, *extra: str) -> tuple[int, str, str]:
    out = path.parent / "out.json"
    result = runner.invoke(app, ["run", str(path), "-f", "json", "-o", str(out), *extra])
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert not out.exists()
    return result.exit_code, result.stdout, result.stderr


def test_the_example_of_the_issue_is_read(write: Callable[[str], Path]) -> None:
    loaded = load(str(write(DRIVERS)))
    assert list(loaded.scenario.inputs) == ["posts", "pay", "on_costs", "pay_award", "staff_cost", "redundancy_pay"]
    assert loaded.warnings == ()
    named = loaded.scenario.named_inputs
    assert named["posts"].source == "seed-000" and named["posts"].note == "posts that moved to Capita"
    assert named["on_costs"].value == 0.29 and named["on_costs"].source is None


CASES = {
    # name: (the file, the message expected after 'scenario.yaml:')
    "unknown name, did you mean": (
        edit("posts * pay * (1", "posts * pya * (1"),
        ":10:15: inputs.staff_cost: unknown name 'pya' at character 9; did you mean 'pay'?",
    ),
    "unknown name in a line": (
        edit("amount: 175 * redundancy_pay", "amount: 175 * redundancy"),
        ":28:17: options.outsource.lines[1].amount: unknown name 'redundancy' at character 7; "
        "did you mean 'redundancy_pay'?",
    ),
    "unknown name, nothing close": (
        edit("annual: staff_cost", "annual: zzz"),
        ":20:17: options.in_house.lines[0].annual: unknown name 'zzz' at character 1; the inputs are: "
        "on_costs, pay, pay_award, posts, redundancy_pay, staff_cost",
    ),
    "syntax error, where in the string": (
        edit("posts * pay * (1 + on_costs)", "posts * pay * (1 + on_costs"),
        ":10:15: inputs.staff_cost: '(' at character 15 is not closed at character 28",
    ),
    "a call other than min or max": (
        edit("posts * pay * (1 + on_costs)", "posts * pay * abs(on_costs)"),
        ":10:15: inputs.staff_cost: 'abs(...)' is not a function a formula may call: only min(...) and max(...) "
        "at character 15",
    ),
    "Python's import": (
        edit("amount: 175 * redundancy_pay", "amount: \"__import__('os').system('echo hi')\""),
        ":28:17: options.outsource.lines[1].amount: '__import__(...)' is not a function a formula may call",
    ),
    "an attribute": (
        edit("posts * pay * (1 + on_costs)", "posts.__class__"),
        ":10:15: inputs.staff_cost: '.': a formula has no attributes; it holds numbers, input names, "
        "+ - * / **, parentheses, min(...) and max(...) at character 6",
    ),
    "a subscript": (
        edit("posts * pay * (1 + on_costs)", "posts[0]"),
        ":10:15: inputs.staff_cost: '[': a formula has no subscripts",
    ),
    "an over-long string": (
        edit("posts * pay * (1 + on_costs)", "posts" + " + posts" * 60),
        ":10:15: inputs.staff_cost: a formula is at most 400 characters; this one has 485 at character 401",
    ),
    "deep nesting": (
        edit("posts * pay * (1 + on_costs)", "(" * 25 + "posts" + ")" * 25),
        ":10:15: inputs.staff_cost: a formula is nested at most 20 levels deep at character 21",
    ),
    "a circle of inputs": (
        edit("  on_costs: 0.29", "  on_costs: staff_cost / 100"),
        ":8:13: inputs.on_costs: inputs refer to each other in a circle: on_costs -> staff_cost -> on_costs",
    ),
    "an input naming itself": (
        edit("  on_costs: 0.29", "  on_costs: on_costs + 1"),
        ":8:13: inputs.on_costs: inputs refer to each other in a circle: on_costs -> on_costs",
    ),
    "a source that is not a key of sources": (
        edit("posts that moved to Capita}", "posts that moved to Capita, source: seed-00}").replace(
            "{value: 514, source: seed-000, note", "{value: 514, note"
        ),
        ":6:65: inputs.posts.source: 'seed-00' is not a key of `sources`; did you mean 'seed-000'?",
    ),
    "a name that is not an identifier": (
        edit("  on_costs: 0.29", "  on costs: 0.29"),
        ":8:3: inputs.on costs: 'on costs' cannot name an input: a name is letters, digits and _",
    ),
    "a name that is a function": (
        edit("  on_costs: 0.29", "  on_costs: 0.29\n  max: 3"),
        ":9:3: inputs.max: 'max' is a function of formulas, so it cannot name an input",
    ),
    "a misspelt key of the long form": (
        edit("source: seed-000, note:", "sorce: seed-000, note:"),
        ":6:23: inputs.posts.sorce: unknown key 'sorce'; did you mean 'source'?",
    ),
    "a long form without its value": (
        edit("  on_costs: 0.29", "  on_costs: {source: judgement}"),
        ":8:13: inputs.on_costs.value: required key 'value' is missing",
    ),
    "a quoted number": (
        edit("  on_costs: 0.29", '  on_costs: "0.29"'),
        ":8:13: inputs.on_costs: should be a number, not '0.29': write it without quotes",
    ),
    "division by zero in the central run": (
        edit("  on_costs: 0.29", "  on_costs: 0.29 / (posts - 514)"),
        ":8:13: inputs.on_costs: '0.29 / (posts - 514)' is inf (a division by zero or an overflow) in the central "
        "run (every input at its mean), where posts = 514",
    ),
    "a growth rate out of bounds": (
        edit("growth: pay_award", "growth: pay_award * 100"),
        ":21:17: options.in_house.lines[0].growth: 'pay_award * 100' takes 1.16667, but the number must be < 1 "
        "in the central run (every input at its mean), where pay_award = 0.0116667",
    ),
    "an input drawn outside the bounds of where it is used": (
        edit("  on_costs: 0.29", "  on_costs: 0.29\n  share: {normal: {mean: 0.5, sd: 0.1}}").replace(
            "growth: pay_award", "growth: pay_award\n        ramp: [share]"
        ),
        ":23:16: options.in_house.lines[0].ramp[0]: 'share' is a normal distribution that can take -inf, "
        "but the number must be >= 0",
    ),
    "draw yearly on a formula": (
        edit("growth: pay_award", "growth: pay_award\n        draw: yearly"),
        ":22:15: options.in_house.lines[0].draw: draw: yearly draws the line's own distribution afresh each "
        "year, and its `annual` is a formula",
    ),
    "persistence without yearly draws": (
        edit("{name: Contract, annual: 18}", "{name: Contract, annual: 18, persistence: 0.5}"),
        ":25:51: options.outsource.lines[0].persistence: `persistence` says how yearly draws follow each other: "
        "it needs draw: yearly",
    ),
    "a correlation naming no input": (
        DRIVERS + "uncertainty:\n  correlations:\n    - {between: [pya, pay_award], rank: 0.5}\n",
        ":31:18: uncertainty.correlations[0].between[0]: 'pya' is not an uncertain input; did you mean 'pay'?",
    ),
    "a correlation naming a fixed input": (
        DRIVERS + "uncertainty:\n  correlations:\n    - {between: [posts, pay], rank: 0.5}\n",
        ":31:18: uncertainty.correlations[0].between[0]: 'posts' is not an uncertain input; the uncertain inputs "
        "are: pay, pay_award",
    ),
    "one input correlated twice, by name and by path": (
        DRIVERS
        + "uncertainty:\n  correlations:\n    - {between: [pay, pay_award], rank: 0.5}\n"
        + "    - {between: [inputs.pay, pay_award], rank: 0.5}\n",
        ":32:17: uncertainty.correlations[1].between: this pair is already correlated (#1)",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_at_file_line_col(name: str, write: Callable[[str], Path]) -> None:
    text, expected = CASES[name]
    path = write(text)
    code, _, stderr = run(path)
    assert code == 2, stderr
    assert f"{path}{expected}" in stderr, stderr


def test_every_problem_at_once_and_nothing_that_follows_from_one(write: Callable[[str], Path]) -> None:
    # A refused input (a misspelt key) is not also reported as unknown where it is used; a syntax error in
    # one formula does not hide an unknown name in another.
    text = edit("source: seed-000, note:", "sorce: seed-000, note:")
    text = edit("amount: 175 * redundancy_pay", "amount: 175 * redundancy", text)
    text = edit("growth: pay_award", "growth: pay_award +", text)
    path = write(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(problems) == 3, result.stderr
    assert "inputs.posts.sorce: unknown key 'sorce'" in problems[0]
    assert "lines[0].growth: the formula ends where a number or a name is expected at character 12" in problems[1]
    assert "lines[1].amount: unknown name 'redundancy' at character 7" in problems[2]


def test_an_input_used_nowhere_is_a_warning_and_the_run_goes_on(write: Callable[[str], Path]) -> None:
    path = write(edit("  on_costs: 0.29", "  on_costs: 0.29\n  spare: 3\n  unused_formula: spare * 2"))
    code, _, stderr = run(path)
    assert code == 0
    assert (path.parent / "out.json").exists()
    assert f"{path}:10:3: inputs.unused_formula: warning: the input 'unused_formula' is used nowhere" in stderr
    # `spare` feeds only an input that is used nowhere: it feeds nothing either.
    assert f"{path}:9:3: inputs.spare: warning: the input 'spare' is used nowhere" in stderr
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and f"{path}: valid" in result.stdout
    assert "inputs.spare: warning" in result.stderr


def test_a_formula_that_is_not_finite_in_some_draw_names_the_draw(write: Callable[[str], Path]) -> None:
    import hashlib

    import numpy as np

    text = edit("  on_costs: 0.29", "  on_costs: 0.29\n  spread: {uniform: {low: -0.5, high: 1.5}}")
    text = edit("{name: Contract, annual: 18}", '{name: Contract, annual: "18 + 0.1 / max(spread, 0)"}', text)
    path = write(text)
    # Draw the `inputs.spread` stream as the engine does (the seed and the input's name, see sampling.py):
    # the first draw at or below 0 divides by zero.
    digest = hashlib.sha256(b"inputs.spread").digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(20121206, spawn_key=key)))
    spread = rng.uniform(-0.5, 1.5, 1000)
    first = int(np.flatnonzero(spread <= 0)[0])
    assert first > 0  # not the first draw, so the message is known to count from the right place
    code, _, stderr = run(path, "--draws", "1000")
    assert code == 2
    expected = (
        f"{path}:26:34: options.outsource.lines[0].annual: '18 + 0.1 / max(spread, 0)' is inf (a division by "
        f"zero or an overflow) in draw {first + 1}, where spread = {spread[first]:g}"
    )
    assert expected in stderr, stderr
    assert run(path)[0] == 0  # the central run (spread at its mean, 0.5) is finite


def test_extends_replaces_an_input_by_name(write: Callable[[str], Path]) -> None:
    write(DRIVERS, "parent.yaml")
    child = write(
        "extends: parent.yaml\nsources: {tender: A tender}\ninputs:\n  pay: {value: 0.029, source: tender}\n",
        "child.yaml",
    )
    scenario = load(str(child)).scenario
    pay = scenario.named_inputs["pay"]
    assert (pay.value, pay.source, pay.note) == (0.029, "tender", None)  # the parent's note went with its figure
    assert scenario.named_inputs["posts"].value == 514  # the others as they were
    # A value the child writes refers to the parent's file for everything else.
    bad = write("extends: parent.yaml\ninputs:\n  pay: {value: pya * 2}\n", "bad.yaml")
    code, _, stderr = run(bad)
    assert code == 2
    assert f"{bad}:3:16: inputs.pay.value: unknown name 'pya' at character 1; did you mean 'pay'?" in stderr


def test_set_changes_a_named_input(write: Callable[[str], Path]) -> None:
    path = write(DRIVERS)
    assert load(str(path), ["inputs.pay=0.033"]).scenario.named_inputs["pay"].value == 0.033
    assert load(str(path), ["inputs.posts.value=500"]).scenario.named_inputs["posts"].value == 500
    result = runner.invoke(app, ["run", str(path), "--set", "inputs.pay=pya"])
    assert result.exit_code == 2
    assert "--set inputs.pay=pya: inputs.pay: unknown name 'pya' at character 1; did you mean 'pay'?" in result.stderr


def test_a_scenario_test_overrides_a_named_input(write: Callable[[str], Path]) -> None:
    write(DRIVERS, "drivers.yaml")
    # pay 0.033: staff 514 x 0.033 x 1.29 = 21.880980 a year, grown by pay_award's mean (0.01 + 0.025) / 3:
    # x (1 + 1.0116667 + 1.0116667^2) = 3.0351361 -> 66.411757; outsourced 3 x 18 + 175 x 0.025 = 58.375.
    growth = 1 + (1 + 0.035 / 3) + (1 + 0.035 / 3) ** 2
    expected = 514 * 0.033 * 1.29 * growth - 58.375
    assert round(expected, 4) == 8.0368
    # The results list each named input with its central value: staff_cost = 514 x 0.033 x 1.29 = 21.88098.
    tests = write(
        "- name: pay from the tender\n  scenario: drivers.yaml\n  overrides:\n    inputs.pay: 0.033\n"
        "  absolute_error_margin: 0.0001\n  outputs:\n    options.outsource.total_saving.nominal: 8.0368\n"
        "    inputs.staff_cost.value: 21.88098\n    inputs.posts.source: seed-000\n",
        "drivers_test.yaml",
    )
    result = runner.invoke(app, ["test", str(tests)])
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.stdout


def test_set_fixing_a_correlated_named_input_leaves_its_correlation_out(write: Callable[[str], Path]) -> None:
    path = write(DRIVERS + "uncertainty:\n  correlations:\n    - {between: [pay, pay_award], rank: 0.5}\n")
    result = runner.invoke(app, ["run", str(path), "--draws", "100", "--set", "inputs.pay=0.033", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert (
        "--set inputs.pay=0.033: note: pay is now a fixed number, so its correlation with pay_award is left out"
        in result.stderr
    )
