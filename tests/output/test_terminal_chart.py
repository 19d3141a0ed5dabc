"""The block-character chart of cumulative saving under `run`'s tables."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.output import terminal_chart
from conftest import ROOT, SCENARIOS, computed

runner = CliRunner()
PAID = ROOT / "scenarios" / "actually_paid.yaml"


def test_a_saving_runs_right_of_zero_and_an_extra_cost_left() -> None:
    # Scale -10..10 over 20 cells: zero in cell 10, each cell 1.0.
    assert terminal_chart.bar(5.0, None, -10.0, 10.0, 20).plain == " " * 10 + "│" + "█" * 5 + " " * 5
    assert terminal_chart.bar(-5.0, None, -10.0, 10.0, 20).plain == " " * 5 + "▒" * 5 + "│" + " " * 10
    assert terminal_chart.bar(0.0, None, -10.0, 10.0, 20).plain == " " * 10 + "│" + " " * 10


def test_a_band_is_a_line_around_the_bar() -> None:
    # Bar to 3 (cells 11-13), band from 1 to 7 (cells 11-17): the band shows past the bar's end.
    assert terminal_chart.bar(3.0, (1.0, 7.0), -10.0, 10.0, 20).plain == " " * 10 + "│" + "███" + "────" + " " * 3


def show(results: dict, width: int) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True)
    chart = terminal_chart.render(results, width)
    assert chart is not None
    console.print(chart)
    return buffer.getvalue().splitlines()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_readable_at_80_columns_with_a_bar_and_figure_a_year(path) -> None:
    _, results = computed(path)
    lines = show(results, 80)
    assert max(len(line) for line in lines) <= 80
    for option in results["options"]:
        if option["is_baseline"]:
            continue
        for year, value in zip(results["years"], option["yearly"]["cumulative_saving_nominal"], strict=True):
            label = f"{year}/{(year + 1) % 100:02d}"
            assert any(
                line.startswith(label) and line.endswith(f"{value:,.1f}".replace("-0.0", "0.0")) for line in lines
            )


def test_extra_costs_are_drawn_distinctly() -> None:
    _, results = computed(PAID)
    lines = show(results, 80)
    paid = lines[lines.index("Payments to Capita as reported") :]
    assert any("▒" in line for line in paid)  # paid more than the in-house cost by the end
    assert "█ saving   ▒ extra cost" in lines


def test_bands_appear_with_draws() -> None:
    _, central = computed(ROOT / "scenarios" / "critics_stress.yaml", draws=0)
    assert not any("─" in line for line in show(central, 80))
    _, results = computed(ROOT / "scenarios" / "critics_stress.yaml")
    band = results["uncertainty"]["yearly"]["outsource"]["cumulative_saving_nominal"]
    lines = show(results, 80)
    assert lines[-1].strip() == "█ saving   ▒ extra cost   ─ P10-P90"
    # The bands set the scale: the lowest P10 at the left edge, the highest P90 at the right.
    assert min(band["p10"]) < 0 < max(band["p90"])
    cumulative = results["options"][1]["yearly"]["cumulative_saving_nominal"]

    def bar(year: int) -> str:
        label = f"{year}/{(year + 1) % 100:02d}"
        (line,) = [line for line in lines if line.startswith(label)]
        return line[len(label) + 1 : -len(f"{cumulative[results['years'].index(year)]:9,.1f}")]

    lowest = bar(results["years"][band["p10"].index(min(band["p10"]))])
    highest = bar(results["years"][band["p90"].index(max(band["p90"]))])
    assert lowest[0] == "─" and "│" in lowest
    assert highest[-1] == "─" and "│" in highest


def test_shown_under_the_tables_only() -> None:
    path = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    table = runner.invoke(app, ["run", path]).stdout
    assert "Cumulative saving against Keep the services in-house (£m, nominal)" in table
    assert table.index("Year by year") < table.index("█ saving")
    for fmt in ("json", "csv", "markdown"):
        text = runner.invoke(app, ["run", path, "-f", fmt]).stdout
        assert "█" not in text and "▒" not in text and "Cumulative saving against" not in text
