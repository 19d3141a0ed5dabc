"""How the tables write a figure's uncertainty: standard errors with the digits they need, 'n/a' when
there is none, and probabilities with their standard error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.output.views import probability_text, standard_error_text
from conftest import ROOT

runner = CliRunner()
COUNCIL = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")


def test_a_standard_error_keeps_two_significant_figures_however_small() -> None:
    assert standard_error_text(0.28) == "±0.28"
    assert standard_error_text(1.534) == "±1.53"
    assert standard_error_text(0.0046) == "±0.0046"
    assert standard_error_text(0.000123) == "±0.00012"
    assert standard_error_text(7e-8) == "±7.0e-08"
    assert standard_error_text(0.0) == "±0.00"
    assert standard_error_text(None) == "n/a"


def test_a_probability_carries_its_standard_error_in_points() -> None:
    # 66.2% from 10,000 draws: sqrt(0.662 x 0.338 / 10,000) = 0.00473, 0.47 percentage points.
    assert probability_text(0.662, (0.662 * 0.338 / 10_000) ** 0.5) == "66.2% ±0.47"
    assert probability_text(0.5, None) == "50.0%"


def test_one_draw_has_no_standard_error_in_json_or_table() -> None:
    data = json.loads(runner.invoke(app, ["run", COUNCIL, "--draws", "1", "-f", "json"]).stdout)
    saving = data["uncertainty"]["options"][1]["saving_present_value"]
    assert saving["standard_error"] is None
    table = runner.invoke(app, ["run", COUNCIL, "--draws", "1"], env={"COLUMNS": "120"}).stdout
    assert "n/a" in table and "±0.00" not in table


def test_tables_give_the_probabilities_standard_errors() -> None:
    result = runner.invoke(app, ["run", COUNCIL, "--draws", "10000", "-f", "json"])
    option = json.loads(result.stdout)["uncertainty"]["options"][1]
    p, se = option["probability_cheaper_than_baseline"], option["probability_cheaper_than_baseline_standard_error"]
    markdown = runner.invoke(app, ["run", COUNCIL, "--draws", "10000", "-f", "markdown"]).stdout
    assert probability_text(p, se) in markdown


def test_a_risk_s_chance_says_what_it_is_a_chance_of() -> None:
    # critics_stress: an early exit 25% over its window (2015/16 to 2019/20), fraud 10% a year.
    from barnetmodel.output.views import risks

    results = json.loads(
        runner.invoke(app, ["run", str(ROOT / "scenarios" / "critics_stress.yaml"), "-f", "json"]).stdout
    )
    view = risks(results)
    assert view is not None
    chances = {row[0]: " ".join(row[1].split()) for row in view.rows}  # the window on a line of its own
    assert (
        chances["Partnership breaks down and the council leaves early (outsource)"] == "25.0% once in 2015/16-2019/20"
    )
    assert chances["Fraud (outsource)"] == "10.0% each year"
    assert "in all" not in " ".join(chances.values())
    assert "happens at most once" in view.note


def test_a_switch_s_row_says_its_expected_cost_is_its_one_off_cost_only() -> None:
    """A provider failure that stops lines and starts others costs far more than its one-off cost: the table
    marks it, and says where the rest of its effect is (the option's lines), so it is not read as the whole."""
    from barnetmodel.output.views import risks

    path = str(ROOT / "benchmarks" / "contracts.yaml")
    results = json.loads(runner.invoke(app, ["run", path, "--allow-extends-outside", "-f", "json"]).stdout)
    view = risks(results)
    assert view is not None
    assert [row[0] for row in view.rows] == ["Provider failure (outsource; a switch)"]
    assert "A switch's expected cost here is its one-off cost only" in view.note
    council = json.loads(runner.invoke(app, ["run", COUNCIL, "-f", "json"]).stdout)
    plain = risks(council)
    assert plain is None or "switch" not in plain.note + " ".join(row[0] for row in plain.rows)
