"""The HTML report: one self-contained page (charts embedded) from a results dict and a Jinja2 template.

Sections for risks, optimism bias, uncertainty and sensitivity appear only when the
results carry them; their shapes are in `optional_sections`. Every figure cell carries a
`data-figure` attribute naming where it comes from in the results (its path, with an
option's place in the list given by its key), so tests (and readers' scripts) can find
each one.
"""

from __future__ import annotations

import base64
from typing import Any

import jinja2
import markupsafe

from barnetmodel.errors import printable
from barnetmodel.output import charts
from barnetmodel.output.headline import headline, money_text, share_text, target_period
from barnetmodel.output.optional_sections import distribution_text, moved_by
from barnetmodel.output.sensitivity_out import statements
from barnetmodel.output.views import deflator_text, money, standard_error_text
from barnetmodel.scenario.models import financial_year

BASES = ("nominal", "real", "present_value")
BASIS_NAMES = {"nominal": "nominal", "real": "real", "present_value": "present value"}
YEARLY_SAVINGS = [f"{measure}_{basis}" for measure in ("saving", "cumulative_saving") for basis in BASES]
# Monte Carlo figures as the tables show them, and the measures they are shown for.
STATISTICS = {
    "mean": "Mean",
    "standard_error": "±SE",
    "p5": "P5",
    "p10": "P10",
    "p50": "P50",
    "p90": "P90",
    "p95": "P95",
}
DRAWN_MEASURES = {  # each followed by its unit and price basis
    "cost_present_value": "Cost",
    "cost_nominal": "Cost",
    "saving_present_value": "Saving against the baseline",
    "saving_nominal": "Saving against the baseline",
}


def _percent(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}%}"


def _share(value: float) -> str:
    """An input share as written, to two decimals at most: 41%, 10.25%, 0.5%."""
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _statistic(value: float | None, name: str) -> str:
    if name == "standard_error":
        return standard_error_text(value)
    assert value is not None
    return money(value)


def _points(se: float | None) -> str:
    """A probability's standard error, in percentage points: '±0.47 pts'; 'n/a' with one draw."""
    return "n/a" if se is None else f"{standard_error_text(se * 100)} pts"


def _factor(value: float) -> str:
    return f"{value:.4f}"


def _visible_text(value: Any) -> Any:
    """A value about to be written into the page: text with its control characters as visible escapes."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return printable(value)
    return value


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("barnetmodel", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name in the template fails loudly, never prints ""
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Text from payment files (payee names) may carry control characters, which HTML does not allow and a
        # terminal would obey (the page goes to standard output without -o): shown as escapes (\x1b), before
        # autoescaping. Markup the report makes itself (charts) is left as it is.
        finalize=_visible_text,
    )
    environment.filters |= {
        "money": money,
        "fy": financial_year,
        "percent": _percent,
        "share": _share,
        "factor": _factor,
        "statistic": _statistic,
        "points": _points,
        "deflator": deflator_text,
    }
    return environment


def _image(figure: Any, description: str) -> dict[str, str]:
    svg = charts.to_bytes(figure, "svg")
    return {"src": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"), "alt": description}


def _charts(results: dict[str, Any], audit: dict[str, Any] | None = None) -> dict[str, dict[str, str]]:
    span = f"{financial_year(results['years'][0])} to {financial_year(results['years'][-1])}"
    units = results["money"]["units"]
    bands = ", with the P10-P90 band of the draws" if results.get("uncertainty") else ""
    found = {
        "cost": _image(
            charts.cost_chart(results), f"Line chart: annual cost of each option, {span}, {units['nominal']}{bands}."
        ),
    }
    if any(not o["is_baseline"] for o in results["options"]):
        found["saving"] = _image(
            charts.saving_chart(results),
            f"Line chart: cumulative saving of each option against the baseline, {span}, {units['nominal']}"
            f"{bands}, with the targets marked.",
        )
    if audit is not None:
        found["promised_and_paid"] = _image(
            charts.promised_and_paid_chart(audit),
            f"Line chart: payments to {', '.join(audit['suppliers'])} and the promise of {audit['promised']['title']}, "
            f"added up year by year, {span}, {audit['money']['units']['nominal']}.",
        )
    sensitivity = results.get("sensitivity")
    if sensitivity and sensitivity["tornado"]:
        low, high = moved_by(sensitivity)
        found["tornado"] = _image(
            charts.sensitivity_tornado(results),
            f"Tornado chart: saving of {sensitivity['option_title']} against {sensitivity['baseline_title']}, "
            f"{sensitivity['units']}, with each input {low} and {high}, the others central.",
        )
    return found


def _source_numbers(results: dict[str, Any]) -> dict[str, int]:
    """Sources numbered in the order the scenario lists them, for [n] marks beside the figures."""
    return {key: number for number, key in enumerate(results["scenario"]["sources"], start=1)}


def _sensitivity(results: dict[str, Any]) -> dict[str, Any] | None:
    """The sensitivity section's results, how its inputs were moved, and its switching values in words."""
    sensitivity = results.get("sensitivity")
    if not sensitivity:
        return None
    low, high = moved_by(sensitivity)
    return {"s": sensitivity, "low": low, "high": high, "statements": statements(sensitivity)}


def context(results: dict[str, Any], audit: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the template shows, beyond the results themselves; `audit`: `barnetmodel audit`'s results,
    for the "Promised and paid" section, or None."""
    options = results["options"]
    return {
        "r": results,
        "headline": headline(results),
        "baseline": next(o for o in options if o["is_baseline"]),
        "others": [o for o in options if not o["is_baseline"]],
        "titles": {o["name"]: o["title"] for o in options},
        "source_numbers": _source_numbers(results),
        "charts": _charts(results, audit),
        "audit": audit,
        "bases": BASES,
        "basis_names": BASIS_NAMES,
        "yearly_savings": YEARLY_SAVINGS,
        "statistics": STATISTICS,
        "drawn_measures": DRAWN_MEASURES,
        "with_risks": [o for o in options if o["risks"]],
        "with_switches": any("switch" in risk for o in options for risk in o["risks"]),
        "with_bias": [o for o in options if o["optimism_bias"]],
        "sensitivity": _sensitivity(results),
        "distribution_text": distribution_text,
        "money_text": money_text,
        "share_text": share_text,
        "target_period": target_period,
    }


def render(results: dict[str, Any], audit: dict[str, Any] | None = None) -> str:
    """The report as one HTML page: no network needed to view it, printable on A4; with a "Promised and
    paid" section when given `barnetmodel audit`'s results."""
    return _environment().get_template("report.html.j2").render(context(results, audit))
