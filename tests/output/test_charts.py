"""Charts render for every scenario, as valid PNG and SVG, with units on the axes and the targets marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.collections import PolyCollection

from barnetmodel.output import charts
from barnetmodel.output.optional_sections import Band
from conftest import ROOT, SCENARIOS, computed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COUNCIL = ROOT / "scenarios" / "one_barnet_council_case.yaml"
CRITICS = ROOT / "scenarios" / "critics_stress.yaml"


def assert_valid(data: bytes, fmt: str) -> None:
    assert len(data) > 1000
    if fmt == "png":
        assert data.startswith(PNG_SIGNATURE)
        assert data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82")
    else:
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", charts.FORMATS)
@pytest.mark.parametrize("name", ["cost", "saving"])
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_charts_as_png_and_svg(path: Path, name: str, fmt: str) -> None:
    _, results = computed(path)
    assert_valid(charts.to_bytes(charts.chart(results, name), fmt), fmt)


@pytest.mark.parametrize("fmt", charts.FORMATS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_has_a_tornado(path: Path, fmt: str) -> None:
    _, results = computed(path, draws=0, sensitivity=True)
    assert_valid(charts.to_bytes(charts.chart(results, "tornado"), fmt), fmt)


def test_tornado_draws_the_sensitivity_results() -> None:
    _, results = computed(CRITICS, draws=0, sensitivity=True)
    sensitivity = results["sensitivity"]
    axes = charts.chart(results, "tornado").axes[0]
    rows = list(reversed(sensitivity["tornado"]))  # widest swing on top, and barh draws bottom-up
    assert [one_line(t.get_text()) for t in axes.get_yticklabels()] == [r["label"] for r in rows]
    low, high = axes.containers
    assert [p.get_x() + p.get_width() for p in low.patches] == pytest.approx([r["saving_at_low"] for r in rows])
    assert [p.get_x() + p.get_width() for p in high.patches] == pytest.approx([r["saving_at_high"] for r in rows])
    assert [p.get_x() for p in [*low.patches, *high.patches]] == pytest.approx(
        [sensitivity["central_saving"]] * 2 * len(rows)
    )
    assert one_line(axes.get_xlabel()) == (
        "Saving against Keep the services in-house (£m, present value, 2013/14 prices)"
    )
    legend = [t.get_text() for t in axes.figure.legends[0].get_texts()]
    assert legend == ["Every input central", "No saving: the answer switches", "Input at its P10", "Input at its P90"]


@pytest.mark.parametrize("basis", ["nominal", "real", "present_value"])
def test_axes_say_unit_and_price_basis(basis: str) -> None:
    _, results = computed(COUNCIL)
    unit = results["money"]["units"][basis]  # e.g. '£m, real 2013/14 prices'
    cost = charts.cost_chart(results, basis).axes[0]
    saving = charts.saving_chart(results, basis).axes[0]
    assert one_line(cost.get_ylabel()) == f"Cost a year ({unit})"
    assert one_line(saving.get_ylabel()) == f"Cumulative saving ({unit})"
    assert cost.get_xlabel() == saving.get_xlabel() == "Financial year"
    assert [t.get_text() for t in cost.get_xticklabels()][:2] == ["2013/14", "2014/15"]


def test_cost_chart_draws_every_option_from_zero() -> None:
    _, results = computed(ROOT / "scenarios" / "in_house_improvement.yaml")
    axes = charts.cost_chart(results).axes[0]
    assert len(axes.lines) == 3
    for line, option in zip(axes.lines, results["options"], strict=True):
        assert list(line.get_ydata()) == option["yearly"]["cost_nominal"]
    assert axes.get_ylim()[0] == 0


def test_every_target_is_marked() -> None:
    _, results = computed(COUNCIL)
    figure = charts.saving_chart(results)
    legend = [one_line(t.get_text()) for t in figure.legends[0].get_texts()]
    budget = "T1: Savings these contracts were to make in the 2013-15 budget, £6.7m (a saving in 2014/15, nominal)"
    assert budget in legend
    assert "T2: Savings claimed over the decade, £165.0m (savings to 2023/24 added up, real)" in legend
    # A cumulative target in the chart's basis is a point at (its year, its amount): the claim is in real terms.
    axes = charts.saving_chart(results, "real").axes[0]
    assert any(list(line.get_xdata()) == [2023] and list(line.get_ydata()) == [165.0] for line in axes.lines)


def test_bands_are_drawn_when_given_and_only_then() -> None:
    _, results = computed(COUNCIL)
    without = charts.saving_chart(results).axes[0]
    assert not [c for c in without.collections if isinstance(c, PolyCollection)]
    band = Band(p10=[1.0] * 11, p90=[2.0] * 11)
    given = charts.saving_chart(results, extra_bands={"outsource": band}).axes[0]
    (fill,) = [c for c in given.collections if isinstance(c, PolyCollection)]
    vertices = fill.get_paths()[0].vertices
    assert {float(y) for y in vertices[:, 1]} == {1.0, 2.0}


def band_edges(fill: PolyCollection) -> set[float]:
    return {round(float(y), 9) for y in fill.get_paths()[0].vertices[:, 1]}


def test_bands_of_the_draws_on_the_saving_and_cost_charts() -> None:
    _, results = computed(CRITICS)
    yearly = results["uncertainty"]["yearly"]
    saving = charts.saving_chart(results).axes[0]
    (fill,) = [c for c in saving.collections if isinstance(c, PolyCollection)]
    cumulative = yearly["outsource"]["cumulative_saving_nominal"]
    assert band_edges(fill) == {round(v, 9) for v in cumulative["p10"] + cumulative["p90"]}
    cost = charts.cost_chart(results).axes[0]
    fills = [c for c in cost.collections if isinstance(c, PolyCollection)]
    expected = [yearly[o["name"]]["cost_nominal"] for o in results["options"]]
    assert [band_edges(f) for f in fills] == [{round(v, 9) for v in e["p10"] + e["p90"]} for e in expected]
    # Draws keep yearly bands in nominal terms only: a chart in real prices has none, rather than a wrong one.
    real = charts.saving_chart(results, "real").axes[0]
    assert not [c for c in real.collections if isinstance(c, PolyCollection)]


def test_tornado_puts_the_widest_swing_on_top() -> None:
    bars = [("Small", 9.0, 11.0), ("Large", 0.0, 20.0), ("Middle", 5.0, 14.0)]
    axes = charts.tornado_chart(bars, 10.0, "£m, present value, 2013/14 prices", "Saving").axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Small", "Middle", "Large"]  # bottom to top
    assert one_line(axes.get_xlabel()) == "Saving (£m, present value, 2013/14 prices)"
    low, high = axes.containers
    assert [p.get_x() + p.get_width() for p in low.patches] == [9.0, 5.0, 0.0]
    assert [p.get_x() + p.get_width() for p in high.patches] == [11.0, 14.0, 20.0]


def test_inputs_with_equal_swings_read_down_in_the_order_given() -> None:
    # The tornado table lists inputs widest first, ties in their order; the chart reads down the same way.
    bars = [("Wide", 0.0, 20.0), ("First tie", 10.0, 10.0), ("Second tie", 10.0, 10.0)]
    axes = charts.tornado_chart(bars, 10.0, "£m", "Saving").axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Second tie", "First tie", "Wide"]  # bottom to top


def test_a_chart_without_data_is_a_clear_error() -> None:
    _, results = computed(COUNCIL)
    with pytest.raises(charts.NoChartData, match="an option besides the baseline"):
        charts.chart(results, "tornado")
    with pytest.raises(charts.NoChartData, match="unknown chart 'pie'"):
        charts.chart(results, "pie")
    with pytest.raises(charts.NoChartData):
        charts.tornado_chart([], 0.0, "£m", "Saving")


def test_the_same_chart_gives_the_same_bytes() -> None:
    _, results = computed(COUNCIL)
    for fmt in charts.FORMATS:
        assert charts.to_bytes(charts.saving_chart(results), fmt) == charts.to_bytes(charts.saving_chart(results), fmt)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_target_labels_stay_inside_the_plot(path: Path) -> None:
    # "T2" at a target in the last year was cut off at the top right: every target's label must lie inside
    # the axes, where nothing clips it.
    _, results = computed(path)
    figure = charts.chart(results, "saving")
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    figure.canvas.draw()
    axes = figure.axes[0]
    box = axes.get_window_extent(renderer)
    labels = [t for t in axes.texts if t.get_text().startswith("T")]
    assert len(labels) == len(results["targets"])
    for label in labels:
        extent = label.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1, label


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_tornado_has_a_zero_line(path: Path) -> None:
    # The saving's zero, where the answer switches, is drawn and in view, besides the central saving.
    _, results = computed(path, draws=0, sensitivity=True)
    figure = charts.chart(results, "tornado")
    axes = figure.axes[0]
    zero = [line for line in axes.get_lines() if list(line.get_xdata()) == [0, 0]]
    assert len(zero) == 1 and "switch" in str(zero[0].get_label())
    low, high = axes.get_xlim()
    assert low <= 0 <= high
