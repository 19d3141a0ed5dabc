"""The HTML report: one self-contained page (charts embedded) from a results dict and a Jinja2 template.

Sections for uncertainty, sensitivity, risks and optimism bias appear only when the
results carry them; their shapes are in `optional_sections`. Every figure cell carries a
`data-figure` attribute naming where it comes from in the results, so tests (and
readers' scripts) can find each one.
"""

from __future__ import annotations

import base64
from typing import Any

import jinja2

from barnetmodel.labels import financial_year
from barnetmodel.output import charts
from barnetmodel.output.headline import headline, money_text, share_text, target_period
from barnetmodel.output.optional_sections import tornado_bars
from barnetmodel.output.views import money

BASES = ("nominal", "real", "present_value")
BASIS_NAMES = {"nominal": "nominal", "real": "real", "present_value": "present value"}
YEARLY_SAVINGS = [f"{measure}_{basis}" for measure in ("saving", "cumulative_saving") for basis in BASES]


def _percent(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}%}"


def _factor(value: float) -> str:
    return f"{value:.4f}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("barnetmodel", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name in the template fails loudly, never prints ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters |= {
        "money": money,
        "fy": financial_year,
        "percent": _percent,
        "factor": _factor,
    }
    return environment


def _image(figure: Any, description: str) -> dict[str, str]:
    svg = charts.to_bytes(figure, "svg")
    return {"src": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"), "alt": description}


def _charts(results: dict[str, Any]) -> dict[str, dict[str, str]]:
    span = f"{financial_year(results['years'][0])} to {financial_year(results['years'][-1])}"
    units = results["money"]["units"]
    found = {
        "cost": _image(
            charts.cost_chart(results), f"Line chart: annual cost of each option, {span}, {units['nominal']}."
        ),
    }
    if any(not o["is_baseline"] for o in results["options"]):
        found["saving"] = _image(
            charts.saving_chart(results),
            f"Line chart: cumulative saving of each option against the baseline, {span}, {units['nominal']}, "
            "with the targets marked.",
        )
    bars = tornado_bars(results)
    if bars:
        sensitivity = results["sensitivity"]
        figure = charts.tornado_chart(bars, sensitivity["central"], sensitivity["unit"], sensitivity["measure"])
        found["tornado"] = _image(
            figure, f"Tornado chart: {sensitivity['measure']} with each input at its low and high value."
        )
    return found


def _source_numbers(results: dict[str, Any]) -> dict[str, int]:
    """Sources numbered in the order the scenario lists them, for [n] marks beside the figures."""
    return {key: number for number, key in enumerate(results["scenario"]["sources"], start=1)}


def context(results: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, beyond the results themselves."""
    options = results["options"]
    return {
        "r": results,
        "headline": headline(results),
        "baseline": next(o for o in options if o["is_baseline"]),
        "others": [o for o in options if not o["is_baseline"]],
        "titles": {o["name"]: o["title"] for o in options},
        "source_numbers": _source_numbers(results),
        "charts": _charts(results),
        "bases": BASES,
        "basis_names": BASIS_NAMES,
        "yearly_savings": YEARLY_SAVINGS,
        "tornado": tornado_bars(results),
        "money_text": money_text,
        "share_text": share_text,
        "target_period": target_period,
    }


def render(results: dict[str, Any]) -> str:
    """The report as one HTML page: no network needed to view it, printable on A4."""
    return _environment().get_template("report.html.j2").render(context(results))
