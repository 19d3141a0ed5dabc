"""Messages a new user meets: no follow-on error that is not true; a `--set` that fixes a correlated input;
rates written as whole numbers; plausibility warnings (and --strict); a dotted name the shell split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app

runner = CliRunner()
Write = Callable[[str], Path]

CORRELATED = """\
title: t
sources: {tender: A tender}
horizon: {start: 2024, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In
    lines:
      - {name: Staff, annual: {uniform: {low: 9, high: 11}}}
  outsource:
    title: Out
    lines:
      - name: Contract charge
        annual: {uniform: {low: 7, high: 9}}
        LINE_EXTRA
        source: tender
uncertainty:
  draws: 100
  correlations:
    - between: [options.in_house.lines.Staff.annual, options.outsource.lines.Contract charge.annual]
      rank: 0.5
"""


@pytest.mark.parametrize(
    "extra, problem",
    [
        ("growth: 2.5", "options.outsource.lines[0].growth: should be less than 1, not 2.5"),
        ("grwth: 0.02", "options.outsource.lines[0].grwth: unknown key 'grwth'; did you mean 'growth'?"),
    ],
)
def test_a_refused_line_makes_no_false_follow_on_error(write: Write, extra: str, problem: str) -> None:
    # The line is refused, so whether its `annual` is uncertain cannot be said: the correlation naming it is
    # not reported as naming "not an uncertain input" (it is one).
    path = write(CORRELATED.replace("LINE_EXTRA", extra))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert problem in result.stderr
    assert "not an uncertain input" not in result.stderr


def test_a_correlation_naming_a_truly_unknown_input_is_still_reported(write: Write) -> None:
    text = CORRELATED.replace("LINE_EXTRA", "growth: 2.5").replace("Staff.annual", "Stuff.annual")
    result = runner.invoke(app, ["validate", str(write(text))])
    assert "'options.in_house.lines.Stuff.annual' is not an uncertain input" in result.stderr


def test_setting_a_correlated_input_drops_its_correlation_with_a_note(write: Write) -> None:
    path = write(CORRELATED.replace("LINE_EXTRA", ""))
    setting = 'options.outsource.lines."Contract charge".annual=9.0'
    result = runner.invoke(app, ["run", str(path), "--set", setting, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"--set {setting}: note: ")
    assert "options.outsource.lines.Contract charge.annual is now a fixed number" in result.stderr
    assert "its correlation with options.in_house.lines.Staff.annual is left out" in result.stderr
    # Set to another distribution, it stays uncertain and keeps its correlation: nothing to say.
    other = runner.invoke(app, ["run", str(path), "--set", setting.replace("9.0", "{uniform: {low: 8, high: 9}}")])
    assert other.exit_code == 0 and "note" not in other.stderr


@pytest.mark.parametrize(
    "field, written, hint",
    [
        ("money: {inflation: 2, discount: 0.035}", "money.inflation", "2 is 200%: write 0.02 for 2%"),
        ("money: {inflation: 0.02, discount: 3.5}", "money.discount", "3.5 is 350%: write 0.035 for 3.5%"),
        ("{name: Staff, annual: 10, growth: 3}", "growth", "3 is 300%: write 0.03 for 3%"),
        ("{name: R, probability: 25, cost: 2}", "probability", "25 is 2500%: write 0.25 for 25%"),
        ("{name: R, probability: 0.2, cost: 2, recovered: 50}", "recovered", "50 is 5000%: write 0.5 for 50%"),
        ("{uplift: 0.41, mitigated: 75}", "mitigated", "75 is 7500%: write 0.75 for 75%"),
        ("{name: Staff, annual: 10, ramp: [50, 100]}", "ramp[0]", "50 is 5000%: write 0.5 for 50%"),
        ("{name: Staff, annual: 10, index: {rate: 0.02, from: 2025, cap: 3}}", "index.cap", "3 is 300%: write 0.03"),
        ("{name: Staff, annual: 10, index: {rate: 0.02, from: 2025, floor: 2}}", "index.floor", "2 is 200%"),
    ],
)
def test_a_rate_written_as_a_whole_number_says_how_to_write_it(
    write: Write, field: str, written: str, hint: str
) -> None:
    text = PLAIN
    if field.startswith("money"):
        text = text.replace("money: {inflation: 0.02, discount: 0.035}", field)
    elif "probability" in field:
        text = text.replace("    risks: []", f"    risks:\n      - {field}")
    elif "uplift" in field:
        text = text.replace("    risks: []", f"    risks: []\n    optimism_bias: {field}")
    else:
        text = text.replace("{name: Staff, annual: 10}", field)
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 2
    line = next(line for line in result.stderr.splitlines() if written in line)
    assert hint in line


PLAIN = """\
title: t
horizon: {start: 2024, years: 3}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In
    lines:
      - {name: Staff, annual: 10}
      - {name: Running costs, annual: 5}
  outsource:
    title: Out
    lines:
      - {name: Contract, annual: 8}
      - {name: Client side, share_of: Contract, rate: 0.04}
    risks: []
"""


@pytest.mark.parametrize(
    "old, new, path, said",
    [
        ("rate: 0.04", "rate: 4", "options.outsource.lines[1].rate", "4 is 400% of 'Contract'"),
        (
            "annual: 8}",
            "annual: 1000000}",
            "options.outsource.lines[0].annual",
            "an amount of 1,000,000 (£m) is 133,333 times",
        ),
        ("risks: []", "risks: [{name: R, probability: 0.1, cost: -2}]", "options.outsource.risks[0].cost", "negative"),
        ("risks: []", "risks: []\n    optimism_bias: {uplift: 41}", "options.outsource.optimism_bias.uplift", "4100%"),
        ("inflation: 0.02", "inflation: 0.25", "money.inflation", "25% a year"),
        ("discount: 0.035", "discount: 0.35", "money.discount", "35% a year"),
        ("annual: 10}", "annual: 10, growth: 0.5}", "options.in_house.lines[0].growth", "50% a year"),
    ],
)
def test_implausible_figures_are_warned_of_with_the_exit_code_unchanged(
    write: Write, old: str, new: str, path: str, said: str
) -> None:
    scenario = write(PLAIN.replace(old, new, 1))
    for command in (["run", str(scenario)], ["validate", str(scenario)], ["sensitivity", str(scenario)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        (warning,) = [line for line in result.stderr.splitlines() if "warning:" in line]
        assert warning.startswith(f"{scenario}:") and f": {path}: warning: " in warning
        assert said in warning
    strict = runner.invoke(app, ["validate", str(scenario), "--strict"])
    assert strict.exit_code == 2
    assert "--strict" in strict.stderr


def test_strict_on_every_command_that_reads_a_scenario(write: Write, tmp_path: Path) -> None:
    scenario = str(write(PLAIN.replace("rate: 0.04", "rate: 4")))
    clean = str(write(PLAIN, "clean.yaml"))
    commands = [
        ["run", scenario],
        ["validate", scenario],
        ["sensitivity", scenario],
        ["compare", scenario, clean],
        ["report", scenario, "-o", str(tmp_path / "r.html")],
        ["plot", scenario, "-o", str(tmp_path / "c.svg")],
    ]
    for command in commands:
        result = runner.invoke(app, [*command, "--strict"])
        assert result.exit_code == 2, command
        assert "warning:" in result.stderr
        assert not (tmp_path / "r.html").exists() and not (tmp_path / "c.svg").exists()  # nothing written
    for command in commands:
        assert runner.invoke(app, command).exit_code == 0, command
    assert runner.invoke(app, ["run", clean, "--strict"]).exit_code == 0


def test_the_shipped_scenarios_raise_no_warning() -> None:
    from conftest import SCENARIOS

    result = runner.invoke(app, ["validate", "--strict", *map(str, SCENARIOS)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_a_name_with_a_dot_split_by_the_shell_suggests_quoting(write: Write) -> None:
    # The shell took the double quotes of --set options.outsource.lines."No. 2 contract".annual=9 away.
    scenario = write(
        PLAIN.replace("{name: Contract, annual: 8}", "{name: No. 2 contract, annual: 8}").replace(
            "share_of: Contract", "share_of: No. 2 contract"
        )
    )
    result = runner.invoke(app, ["run", str(scenario), "--set", "options.outsource.lines.No. 2 contract.annual=9"])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "the name 'No. 2 contract' holds a dot" in message
    assert """--set 'options.outsource.lines."No. 2 contract".annual=9'""" in message


def test_a_setting_without_a_value_suggests_quoting() -> None:
    from barnetmodel.scenario.address import AddressError
    from barnetmodel.scenario.overrides import split_setting

    with pytest.raises(AddressError, match="put single quotes around the whole setting"):
        split_setting("options.outsource.lines.Re")


def test_inflation_is_bounded_as_the_docs_say(write: Write) -> None:
    # docs/scenario-format.md: above -0.5 and below 1, both ends excluded.
    from conftest import ROOT

    row = next(
        line
        for line in (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `money.inflation`")
    )
    assert "above -0.5 and below 1" in row
    for value, code in [(-0.5, 2), (-0.49, 0), (0.99, 0), (1, 2)]:
        text = PLAIN.replace("inflation: 0.02", f"inflation: {value}")
        assert runner.invoke(app, ["validate", str(write(text))]).exit_code == code, value


def test_strict_on_scenario_tests(write: Write) -> None:
    # `test --strict`: the tests pass, but the scenario they name has a warning (a rate of 400%), so the run
    # exits 2 after its summary, naming the warning; without --strict it passes (0), and a clean scenario
    # passes with it. The figure checked: Contract's first year, 8 (an annual amount, cash, no growth).
    warned = write(PLAIN.replace("rate: 0.04", "rate: 4"), "warned.yaml")
    clean = write(PLAIN, "clean.yaml")
    test_text = (
        "- name: contract\n  scenario: {name}\n  outputs:\n    options.outsource.lines.Contract.nominal[0]: {value}\n"
    )
    for scenario in (warned, clean):
        write(test_text.format(name=scenario.name, value=8.0), f"test_{scenario.stem}.yaml")
    found = runner.invoke(app, ["test", str(warned.parent / "test_warned.yaml")])
    assert found.exit_code == 0, found.stdout + found.stderr
    strict = runner.invoke(app, ["test", str(warned.parent / "test_warned.yaml"), "--strict"])
    assert strict.exit_code == 2
    assert "1 passed, 0 failed" in strict.stdout
    assert "options.outsource.lines[1].rate" in strict.stderr and "--strict: 1 warning" in strict.stderr
    assert runner.invoke(app, ["test", str(clean.parent / "test_clean.yaml"), "--strict"]).exit_code == 0
