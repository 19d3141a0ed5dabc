"""Charts of a run as PNG or SVG bytes (matplotlib, Agg backend: no display needed).

Figures are drawn on their own Agg canvas, without pyplot, so no global backend is set and
nothing is left open between charts.

Each chart function takes the plain results dict (and, for bands and the tornado, plain
lists), so Monte Carlo and sensitivity results slot in without changing the callers.
Every axis carries its unit and price basis.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from barnetmodel.output.headline import money_text, target_period
from barnetmodel.output.optional_sections import Band, TornadoBar, bands, moved_by, tornado_bars
from barnetmodel.scenario.models import financial_year

FORMATS = ("png", "svg")
CHARTS = ("cost", "saving", "tornado")

# Okabe-Ito: told apart by readers with any common colour-vision deficiency, and in grey print.
BASELINE_COLOUR = "#555555"
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
STYLE: dict[Any, Any] = {  # Any keys: matplotlib types them as a Literal of every rc name
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "svg.hashsalt": "barnetmodel",  # stable element ids: the same run gives the same SVG
    "svg.fonttype": "path",  # text as shapes: the SVG looks the same without our fonts
}
SIZE = (5.2, 4.6)  # inches: narrow enough for its text to stay legible when a phone scales it down
TORNADO_WIDTH = 7.0


class NoChartData(Exception):
    """A chart asked for by name has nothing to show in these results (e.g. a tornado before sensitivity)."""


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _year_axis(axes: Axes, years: Sequence[int]) -> None:
    if len(years) <= 12:
        axes.set_xticks(list(years))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: financial_year(int(value))))
    axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    axes.set_xlabel("Financial year")
    axes.tick_params(axis="x", labelsize=9, labelrotation=45)
    for label in axes.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")


def _colours(results: dict[str, Any]) -> dict[str, str]:
    others = iter(COLOURS * (1 + len(results["options"]) // len(COLOURS)))
    return {o["name"]: BASELINE_COLOUR if o["is_baseline"] else next(others) for o in results["options"]}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _legend(figure: Figure, axes: Axes) -> None:
    """Below the plot, so long option titles never cover the lines; long entries wrapped to its width."""
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        figure.legend(
            handles, [_wrap(label, 60) for label in labels], loc="outside lower center", frameon=False, fontsize=9
        )


def _band(axes: Axes, years: Sequence[int], band: Band | None, colour: str, title: str) -> None:
    if band is not None:
        label = f"{title}: P10-P90"
        axes.fill_between(years, band.p10, band.p90, color=colour, alpha=0.2, linewidth=0, label=label)


def cost_chart(results: dict[str, Any], basis: str = "nominal") -> Figure:
    """Annual cost of every option, in one basis, with its P10-P90 band when there are draws (nominal only)."""
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        years = results["years"]
        colours = _colours(results)
        shown = bands(results, "cost", basis)
        for option in results["options"]:
            label = option["title"] + (" (baseline)" if option["is_baseline"] else "")
            style = "--" if option["is_baseline"] else "-"
            _band(axes, years, shown.get(option["name"]), colours[option["name"]], label)
            axes.plot(
                years, option["yearly"][f"cost_{basis}"], style, marker="o", color=colours[option["name"]], label=label
            )
        # From zero: a cut axis makes a small difference in cost look like a large one.
        low = min(min(o["yearly"][f"cost_{basis}"]) for o in results["options"])
        low = min([low, *(min(band.p10) for band in shown.values())])
        axes.set_ylim(bottom=min(0.0, low * 1.05))
        axes.set_title("Annual cost by option")
        axes.set_ylabel(_wrap(f"Cost a year ({results['money']['units'][basis]})", 30))
        _year_axis(axes, years)
        _legend(figure, axes)
    return figure


def promised_and_paid_chart(audit: dict[str, Any]) -> Figure:
    """Running totals of what was paid to a supplier and what the option promised, over the horizon
    (barnetmodel audit's results), nominal; the baseline's running total dashed, for scale."""
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        rows = audit["years"]
        years = [row["year"] for row in rows]
        promised, baseline = audit["promised"], audit["baseline"]
        series = (
            (f"Paid ({', '.join(audit['suppliers'])})", "paid_to_date", COLOURS[1], "-"),
            (f"Promised: {promised['title']}", "promised_to_date", COLOURS[0], "-"),
        )
        for label, key, colour, style in series:
            axes.plot(years, [row["nominal"][key] for row in rows], style, marker="o", color=colour, label=label)
        running = [sum(row["nominal"]["baseline"] for row in rows[: i + 1]) for i in range(len(rows))]
        axes.plot(years, running, "--", color=BASELINE_COLOUR, label=f"Baseline: {baseline['title']}")
        axes.set_ylim(bottom=0.0)
        axes.set_title("Promised and paid, added up")
        axes.set_ylabel(_wrap(f"To date ({audit['money']['units']['nominal']})", 30))
        _year_axis(axes, years)
        _legend(figure, axes)
    return figure


def saving_chart(results: dict[str, Any], basis: str = "nominal", extra_bands: dict[str, Band] | None = None) -> Figure:
    """Cumulative saving of each option against the baseline, its P10-P90 band when there are draws,
    and every target marked.

    Bands come from results["uncertainty"] (see optional_sections; nominal only), or from
    `extra_bands` (option key -> Band), which take precedence. A cumulative target in this
    basis is a point at (its year, its amount) on the same scale; an annual target, or one
    in another basis, is a dotted line at its year, with its amount in the legend.
    """
    with matplotlib.rc_context(STYLE):
        figure, axes = _figure()
        years = results["years"]
        colours = _colours(results)
        shown = bands(results, "cumulative_saving", basis) | (extra_bands or {})
        for option in results["options"]:
            if option["is_baseline"]:
                continue
            colour = colours[option["name"]]
            _band(axes, years, shown.get(option["name"]), colour, option["title"])
            cumulative = option["yearly"][f"cumulative_saving_{basis}"]
            axes.plot(years, cumulative, marker="o", color=colour, label=option["title"])
        axes.axhline(0, color="black", linewidth=0.8)
        _mark_targets(axes, results, basis)
        baseline = next(o for o in results["options"] if o["is_baseline"])
        axes.set_title(_wrap(f"Cumulative saving against: {baseline['title']}", 45))
        axes.set_ylabel(_wrap(f"Cumulative saving ({results['money']['units'][basis]})", 30))
        _year_axis(axes, years)
        _legend(figure, axes)
    return figure


def _mark_targets(axes: Axes, results: dict[str, Any], basis: str) -> None:
    unit = results["money"]["unit"]
    marks = []
    for number, target in enumerate(results["targets"], start=1):
        label = f"T{number}: {target['name']}, {money_text(target['amount'], unit)} ({target_period(target)})"
        same_scale = target["measure"] == "cumulative" and target["prices"] == basis
        if same_scale:
            axes.plot(
                [target["by"]], [target["amount"]], marker="*", markersize=14, color="black", linestyle="", label=label
            )
        else:
            axes.axvline(target["by"], color="black", linestyle=":", linewidth=1.2, label=label)
        marks.append((number, target, same_scale))
    # Each label inside the plot, where nothing cuts it: left of its mark in the right half of the chart,
    # below it in the top half (the limits are known once every mark is drawn).
    left, right = axes.get_xlim()
    bottom, top = axes.get_ylim()
    for number, target, same_scale in marks:
        to_left = target["by"] > (left + right) / 2
        below = not same_scale or target["amount"] > (bottom + top) / 2
        axes.annotate(
            f"T{number}",
            (target["by"], target["amount"] if same_scale else 1.0),
            xycoords=("data", "data" if same_scale else "axes fraction"),
            xytext=(-6 if to_left else 6, -8 if below else 6),
            textcoords="offset points",
            horizontalalignment="right" if to_left else "left",
            verticalalignment="top" if below else "bottom",
            fontsize=9,
            fontweight="bold",
        )


def tornado_chart(
    bars: Sequence[TornadoBar | tuple[str, float, float]],
    central: float,
    unit: str,
    measure: str,
    ends: tuple[str, str] = ("at its low value", "at its high value"),
) -> Figure:
    """A tornado: the result with each input at its low and high value, widest swing at the top.

    `bars` are (input label, result at the low value, result at the high value); `central` is
    the result with every input at its central value; `measure` and `unit` label the axis,
    e.g. "Saving, present value" and "£m, present value, 2013/14 prices"; `ends` name the
    low and high values in the legend, e.g. ("at its P10", "at its P90").
    """
    items = [bar if isinstance(bar, TornadoBar) else TornadoBar(*bar) for bar in bars]
    if not items:
        raise NoChartData("a tornado chart needs at least one input's low and high results")
    # Widest first, ties in the order given (the table's), then reversed: barh draws bottom-up, so the
    # widest is at the top and the rows read down in the table's order.
    items = sorted(items, key=lambda bar: bar.swing, reverse=True)[::-1]
    with matplotlib.rc_context(STYLE):
        # Wider than the other charts, and a row for three lines of label: input names are long.
        figure = Figure(figsize=(TORNADO_WIDTH, max(3.0, 1.8 + 0.6 * len(items))), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        rows = range(len(items))
        axes.barh(rows, [b.low - central for b in items], left=central, color=COLOURS[0], label=f"Input {ends[0]}")
        axes.barh(rows, [b.high - central for b in items], left=central, color=COLOURS[1], label=f"Input {ends[1]}")
        axes.axvline(central, color="black", linewidth=1, label="Every input central")
        # Where the saving is nought and the answer switches: always in view, told apart from the central line.
        axes.axvline(0, color="#CC0000", linewidth=1, linestyle="--", label="No saving: the answer switches")
        axes.set_yticks(list(rows), [_wrap(b.label, 30) for b in items], fontsize=9)
        axes.grid(axis="y", visible=False)
        axes.set_title("What moves the result most")
        axes.set_xlabel(_wrap(f"{measure} ({unit})", 50))
        _legend(figure, axes)
    return figure


def sensitivity_tornado(results: dict[str, Any]) -> Figure:
    """The tornado of results["sensitivity"]: what moves the option's saving against the baseline most."""
    sensitivity = results["sensitivity"]
    return tornado_chart(
        tornado_bars(results),
        sensitivity["central_saving"],
        sensitivity["units"],
        f"Saving against {sensitivity['baseline_title']}",
        moved_by(sensitivity),
    )


def chart(results: dict[str, Any], name: str, basis: str = "nominal") -> Figure:
    """A chart by name: 'cost', 'saving' or 'tornado'. NoChartData when the results cannot draw it."""
    if name == "cost":
        return cost_chart(results, basis)
    if name == "saving":
        if not any(not o["is_baseline"] for o in results["options"]):
            raise NoChartData("the saving chart needs an option besides the baseline")
        return saving_chart(results, basis)
    if name == "tornado":
        if not results.get("sensitivity"):
            raise NoChartData("the tornado chart needs an option besides the baseline, to measure its saving")
        return sensitivity_tornado(results)
    raise NoChartData(f"unknown chart '{name}': choose one of {', '.join(CHARTS)}")


def to_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG; the same figure gives the same bytes (no dates in the metadata)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    buffer = io.BytesIO()
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {}
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()
