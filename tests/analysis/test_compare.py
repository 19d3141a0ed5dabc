"""compare: key figures side by side, differences from the first file, and the inputs that differ."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.analysis.compare import telling_apart
from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()


def test_differences_and_inputs(write: Callable[[str, str], Path]) -> None:
    a = write(MINIMAL, "a.yaml")
    b = write(MINIMAL.replace("annual: 8}", "annual: 9}").replace("inflation: 0.02", "inflation: 0.03"), "b.yaml")
    data = json.loads(runner.invoke(app, ["compare", str(a), str(b), "-f", "json"]).stdout)
    figures = {f["key"]: f for f in data["figures"]}
    nominal = figures["outsource.cost.nominal"]
    assert nominal["values"] == pytest.approx([24.0, 27.0])  # 8 and 9 a year for three years
    assert nominal["differences"] == pytest.approx([3.0])
    # The cash saving, for the affordability case: (10 - 8) and (10 - 9) a year for three years.
    assert figures["outsource.saving.nominal"]["values"] == pytest.approx([6.0, 3.0])
    assert figures["outsource.saving.nominal"]["differences"] == pytest.approx([-3.0])
    saving = figures["outsource.saving.present_value"]
    # (10 - 8) and (10 - 9) a year, deflated and discounted at 3.5%.
    assert saving["values"][0] == pytest.approx(sum(2 / (1.02 * 1.035) ** t for t in range(3)))
    assert saving["values"][1] == pytest.approx(sum(1 / (1.03 * 1.035) ** t for t in range(3)))
    differ = {row["name"]: row["values"] for row in data["inputs_that_differ"]}
    assert differ == {"money.inflation": ["0.02", "0.03"], "options.outsource.lines.Contract.annual": ["8", "9"]}


def test_council_against_critics() -> None:
    council = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    critics = str(ROOT / "scenarios" / "critics_stress.yaml")
    result = runner.invoke(app, ["compare", council, critics, "--draws", "500"])
    assert result.exit_code == 0
    assert "Key figures" in result.stdout and "Inputs that differ" in result.stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["compare", council, critics, "-f", "csv"]).stdout)))
    saving = next(r for r in rows if r["figure"] == "outsource.saving.present_value")
    assert float(saving["critics_stress.yaml minus one_barnet_council_case.yaml"]) == pytest.approx(
        float(saving["critics_stress.yaml"]) - float(saving["one_barnet_council_case.yaml"])
    )
    markdown = runner.invoke(app, ["compare", council, critics, "-f", "markdown"]).stdout
    assert "## Inputs that differ" in markdown


def test_needs_two_files_and_reports_every_bad_one(write: Callable[[str, str], Path]) -> None:
    one = runner.invoke(app, ["compare", str(ROOT / "scenarios" / "critics_stress.yaml")])
    assert one.exit_code == 2 and "two or more" in one.stderr
    bad_a = write("title: [\n", "bad_a.yaml")
    bad_b = write(MINIMAL.replace("inflation", "inflaton"), "bad_b.yaml")
    both = runner.invoke(app, ["compare", str(bad_a), str(bad_b)])
    assert both.exit_code == 2
    assert "bad_a.yaml:2:1: invalid YAML" in both.stderr and "bad_b.yaml:3:9: money.inflaton" in both.stderr


def test_files_in_different_units_are_not_compared(write: Callable[[str, str], Path]) -> None:
    a = write(MINIMAL, "a.yaml")
    b = write(MINIMAL.replace("inflation: 0.02", "inflation: 0.02, unit: '£k'"), "b.yaml")
    result = runner.invoke(app, ["compare", str(a), str(b)])
    assert result.exit_code == 2
    assert "different units (£k, £m)" in result.stderr


def test_correlations_are_listed_by_the_inputs_they_join() -> None:
    # The council case has no correlation (an empty list: nothing to list), the critics' one: its rank is
    # listed under the pair of inputs it joins, not as "[]" against "-" nor by position.
    council = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    critics = str(ROOT / "scenarios" / "critics_stress.yaml")
    data = json.loads(runner.invoke(app, ["compare", council, critics, "-f", "json"]).stdout)
    differ = {row["name"]: row["values"] for row in data["inputs_that_differ"]}
    pair = "client_share ~ options.outsource.lines.Extra charges and variations.annual"  # a named input by its name
    assert differ[f"uncertainty.correlations.{pair}"] == [None, "0.5"]
    assert not [name for name in differ if name.startswith("uncertainty.correlations") and "~" not in name]


def test_a_changed_rank_is_one_row(write: Callable[[str, str], Path]) -> None:
    text = MINIMAL.replace("annual: 8}", "annual: {uniform: {low: 7, high: 9}}}").replace(
        "annual: 10}", "annual: {uniform: {low: 9, high: 11}}}"
    )
    correlated = text + (
        "uncertainty:\n  correlations:\n    - between: [options.outsource.lines.Contract.annual,"
        " options.in_house.lines.Staff.annual]\n      rank: RANK\n"
    )
    a, b = write(correlated.replace("RANK", "0.3"), "a.yaml"), write(correlated.replace("RANK", "0.6"), "b.yaml")
    data = json.loads(runner.invoke(app, ["compare", str(a), str(b), "-f", "json"]).stdout)
    pair = "options.in_house.lines.Staff.annual ~ options.outsource.lines.Contract.annual"
    assert data["inputs_that_differ"] == [{"name": f"uncertainty.correlations.{pair}", "values": ["0.3", "0.6"]}]


def test_files_are_told_apart_by_the_shortest_end_of_their_paths() -> None:
    assert telling_apart(["v1/case.yaml", "v2/case.yaml", "other.yaml"]) == [
        "v1/case.yaml",
        "v2/case.yaml",
        "other.yaml",
    ]
    assert telling_apart(["x/a/s.yaml", "y/a/s.yaml", "a/t.yaml"]) == ["x/a/s.yaml", "y/a/s.yaml", "t.yaml"]
    assert telling_apart(["s.yaml", "s.yaml"]) == [
        "s.yaml",
        "s.yaml",
    ]  # one file twice: output.compare_out numbers them


def test_files_of_one_name_in_different_folders_have_columns_of_their_own(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b" / "s.yaml").write_text(MINIMAL.replace("annual: 8}", "annual: 9}"), encoding="utf-8")
    files = [str(tmp_path / "a" / "s.yaml"), str(tmp_path / "b" / "s.yaml")]
    markdown = runner.invoke(app, ["compare", *files, "-f", "markdown"]).stdout
    assert "| Figure | a/s | b/s | b/s minus a/s |" in markdown and "| Input | a/s | b/s |" in markdown
    assert "- `a/s.yaml`: Minimal" in markdown
    header = runner.invoke(app, ["compare", *files, "-f", "csv"]).stdout.splitlines()[0]
    assert header == "figure,unit,a/s.yaml,b/s.yaml,b/s.yaml minus a/s.yaml"
    data = json.loads(runner.invoke(app, ["compare", *files, "-f", "json"]).stdout)
    assert [s["file"] for s in data["scenarios"]] == ["a/s.yaml", "b/s.yaml"]
    table = runner.invoke(app, ["compare", *files], env={"COLUMNS": "200"}).stdout
    assert re.search(r"Figure +a/s +b/s ", table) and re.search(r"Input +a/s +b/s ", table)


def test_a_set_that_fails_names_the_file_it_failed_on(write: Callable[[str, str], Path]) -> None:
    council = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    minimal = str(write(MINIMAL, "minimal.yaml"))  # no `inputs`
    result = runner.invoke(app, ["compare", council, minimal, "--set", "inputs.csg_contract=400"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{minimal}: --set inputs.csg_contract=400: the top of the file has no 'inputs'")
    assert council not in result.stderr
    # A warning about a value a --set wrote, and a problem the engine finds with one, name the file too.
    other = str(write(MINIMAL, "other.yaml"))
    warned = runner.invoke(app, ["compare", minimal, other, "--set", "money.inflation=0.2", "-f", "json"])
    assert warned.exit_code == 0
    assert f"{minimal}: --set money.inflation=0.2: money.inflation: warning:" in warned.stderr
    assert f"{other}: --set money.inflation=0.2: money.inflation: warning:" in warned.stderr
    uncertain = str(
        write(MINIMAL.replace("baseline:", "inputs: {x: {uniform: {low: 0, high: 2}}}\nbaseline:"), "x.yaml")
    )
    ramp = "options.outsource.lines.Contract.ramp=[x * 1]"  # above 1, as a ramp may not be, in some draws only
    failed = runner.invoke(app, ["compare", uncertain, uncertain, "--set", ramp, "-n", "100"])
    assert failed.exit_code == 2
    assert failed.stderr.startswith(f"{uncertain}: --set {ramp}: options.outsource.lines[0].ramp[0]: 'x * 1' takes")


def test_present_values_in_different_prices_are_not_subtracted(write: Callable[[str, str], Path]) -> None:
    # Like files in different units: £m in 2013/14 prices less £m in 2014/15 prices is no figure. Nominal
    # figures, cash either way, still are.
    a = write(MINIMAL, "a.yaml")
    b = write(MINIMAL.replace("inflation: 0.02", "inflation: 0.02, price_base: 2014"), "b.yaml")
    result = runner.invoke(app, ["compare", str(a), str(b), "-f", "json"])
    assert result.exit_code == 0
    assert "present values are in different prices (2013/14, 2014/15)" in result.stderr
    data = json.loads(result.stdout)
    assert [s["price_base"] for s in data["scenarios"]] == ["2013/14", "2014/15"]
    figures = {f["key"]: f for f in data["figures"]}
    pv = figures["outsource.saving.present_value"]
    assert pv["differences"] == [None] and None not in pv["values"]
    assert pv["unit"] == "£m, present value, 2013/14 prices; £m, present value, 2014/15 prices"
    assert figures["outsource.cost.nominal"]["differences"] == [0.0]
    markdown = runner.invoke(app, ["compare", str(a), str(b), "-f", "markdown"]).stdout
    assert "| outsource: saving, PV | 5.7 | 5.8 | - |" in markdown
    assert "present values in each file's prices (a 2013/14, b 2014/15)" in markdown
    same = runner.invoke(app, ["compare", str(a), str(a), "-f", "markdown"])
    assert "different prices" not in same.stderr and "present values in 2013/14 prices;" in same.stdout


CAPPED = """\
title: A contract price indexed to CPI, capped at 3%
horizon: {start: 2030, years: 5}
money: {inflation: 0.02, discount: 0.035}
inputs:
  cpi: {triangular: {low: 0.01, mode: 0.02, high: 0.05}}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: 8, index: {series: cpi, from: 2031, cap: 0.03, after: cpi}}
uncertainty: {sampling: latin_hypercube}
"""


def test_with_draws_the_mean_of_each_cost_and_saving_shows_what_a_cap_is_worth(
    write: Callable[[str, str], Path],
) -> None:
    # CPI's mean, 2.67%, is under the cap: the central run, every input at its mean, never meets the cap, so
    # the central figures of the capped and the uncapped contract are the same. The draws above 3% are
    # capped in one and not the other: the mean saving of the draws is what the cap is worth.
    capped = str(write(CAPPED, "capped.yaml"))
    uncapped = str(write(CAPPED.replace(", cap: 0.03", ""), "uncapped.yaml"))
    data = json.loads(runner.invoke(app, ["compare", capped, uncapped, "-n", "2000", "-f", "json"]).stdout)
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["outsource.saving.present_value"]["differences"] == [0.0]
    mean = figures["outsource.saving.present_value.mean"]
    assert mean["label"] == "outsource: saving, PV, mean of draws"
    assert mean["differences"][0] < -0.1  # the uncapped contract saves less, on average
    run = json.loads(runner.invoke(app, ["run", capped, "-n", "2000", "-f", "json"]).stdout)
    drawn = next(o for o in run["uncertainty"]["options"] if o["name"] == "outsource")
    for statistic in ("mean", "p10", "p90"):
        assert figures[f"outsource.saving.present_value.{statistic}"]["values"][0] == pytest.approx(
            drawn["saving_present_value"][statistic]
        )
        assert figures[f"outsource.cost.present_value.{statistic}"]["values"][0] == pytest.approx(
            drawn["cost_present_value"][statistic]
        )
    table = runner.invoke(app, ["compare", capped, uncapped, "-n", "2000", "-f", "csv"]).stdout
    row = next(r for r in csv.DictReader(io.StringIO(table)) if r["figure"] == "outsource.saving.present_value.mean")
    # A number, as in the JSON: a mean over Latin Hypercube replicates is a NumPy number, not np.float64(...).
    assert float(row["uncapped.yaml minus capped.yaml"]) == pytest.approx(mean["differences"][0])
    assert "in_house.cost.present_value.mean" in figures and "in_house.saving.present_value.mean" not in figures
    assert [s["draws"] for s in data["scenarios"]] == [2000, 2000]
    # Each statistic follows its central figure.
    keys = [f["key"] for f in data["figures"]]
    assert keys[keys.index("outsource.saving.present_value") :][:5] == [
        "outsource.saving.present_value",
        "outsource.saving.present_value.mean",
        "outsource.saving.present_value.p10",
        "outsource.saving.present_value.p90",
        "outsource.saving.nominal",
    ]
    # Without draws there are none; with draws in one file only, the other has none ('-'), in their place.
    central = json.loads(runner.invoke(app, ["compare", capped, uncapped, "-f", "json"]).stdout)
    assert not [f for f in central["figures"] if f["key"].endswith((".mean", ".p10", ".p90"))]
    assert [s["draws"] for s in central["scenarios"]] == [0, 0]
    drawn_file = str(write(CAPPED.replace("{sampling", "{draws: 500, sampling"), "drawn.yaml"))
    mixed = json.loads(runner.invoke(app, ["compare", capped, drawn_file, "-f", "json"]).stdout)
    rows = {f["key"]: f for f in mixed["figures"]}
    assert rows["outsource.saving.present_value.mean"]["values"][0] is None
    assert rows["outsource.saving.present_value.mean"]["differences"] == [None]
    assert [f["key"] for f in mixed["figures"]][:4] == [
        "in_house.cost.present_value",
        "in_house.cost.present_value.mean",
        "in_house.cost.present_value.p10",
        "in_house.cost.present_value.p90",
    ]
