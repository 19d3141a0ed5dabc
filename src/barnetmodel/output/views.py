"""The tables a run shows, as rows of text: one source for the terminal and Markdown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from barnetmodel.errors import printable
from barnetmodel.scenario.models import financial_year


@dataclass(frozen=True)
class View:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    wrap_all: bool = False  # text in every column (not figures that must stay whole)


def terminal_safe(data: Any) -> Any:
    """Results with every text (keys too, so lookups still match) made safe for a terminal: control characters
    shown as escapes, never obeyed. Tables are built of rich Text, never markup, so '[bold]' stays as written."""
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, dict):
        return {terminal_safe(key): terminal_safe(value) for key, value in data.items()}
    if isinstance(data, list):
        return [terminal_safe(value) for value in data]
    return data


def money(value: float) -> str:
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def deflator_text(m: dict[str, Any]) -> str:
    """The GDP deflator a run uses: a rate a year, or a published series (and the rate after it ends)."""
    series = m.get("inflation_series")
    if series is None:
        return f"GDP deflator {m['inflation']:.1%} a year"
    text = f"GDP deflator: {series['publisher']}, {series['release']}, to {financial_year(series['last'])}"
    text += f" (outturn to {financial_year(series['outturn_to'])})"
    if m["inflation"] is not None:
        text += f", then {m['inflation']:.1%} a year"
    return text


def standard_error_text(se: float | None) -> str:
    """A standard error with the digits it needs, two significant figures however small: '±0.28',
    '±0.0046', '±7.0e-08'; 'n/a' when there is none (one draw, or one Latin Hypercube replicate)."""
    if se is None:
        return "n/a"
    if se == 0:
        return "±0.00"
    if se < 1e-4:
        return f"±{se:.1e}"
    return f"±{se:.{max(2, 1 - math.floor(math.log10(se)))}f}"


def probability_text(probability: float, se: float | None) -> str:
    """A probability with its standard error in percentage points: '66.2% ±0.47'."""
    text = f"{probability:.1%}"
    return text if se is None else f"{text} {standard_error_text(se * 100)}"


def header(results: dict[str, Any]) -> list[str]:
    m = results["money"]
    h = results["horizon"]
    d = results["discounting"]
    baseline = next(o for o in results["options"] if o["is_baseline"])
    vat = {"excluded": "; amounts exclude VAT", "included": "; amounts include VAT"}.get(m.get("vat", ""), "")
    return [
        results["scenario"]["title"],
        f"{financial_year(h['start'])} to {financial_year(h['end'])} ({h['years']} years); "
        f"money in {m['unit']}, nominal or real {financial_year(m['price_base'])} prices "
        f"({deflator_text(m)}){vat}",
        f"Discounting: {d['title']} ({d['source']}); year {financial_year(h['start'])} undiscounted",
        f"Savings are against: {baseline['title']}",
    ]


def comparison(results: dict[str, Any]) -> View:
    units = results["money"]["units"]
    rows = []
    for option in results["options"]:
        cost = option["total_cost"]
        saving = option["total_saving"]
        rows.append(
            [
                option["title"] + (" (baseline)" if option["is_baseline"] else ""),
                money(cost["nominal"]),
                money(cost["real"]),
                money(cost["present_value"]),
                "" if option["is_baseline"] else money(saving["nominal"]),
                "" if option["is_baseline"] else money(saving["present_value"]),
            ]
        )
    note = f"Real: {units['real']}. PV: {units['present_value']}. Saving = baseline cost minus option cost."
    if any("transfers" in option for option in results["options"]):
        note += (
            " PV is the economic case's (Green Book): transfers left out; nominal and real are the cash"
            " (affordability) case's, transfers in."
        )
    return View(
        "Options over the horizon",
        ["Option", "Cost\nnominal", "Cost\nreal", "Cost\nPV", "Saving\nnominal", "Saving\nPV"],
        rows,
        note=note,
    )


def targets(results: dict[str, Any]) -> View | None:
    if not results["targets"]:
        return None
    rows = []
    for target in results["targets"]:
        measure = "in" if target["measure"] == "annual" else "to"
        for result in target["results"]:
            rows.append(
                [
                    f"{target['name']} ({measure} {financial_year(target['by'])}, {target['prices']})",
                    result["option"],
                    money(target["amount"]),
                    money(result["achieved"]),
                    f"{result['share_met']:.1%}",
                    "yes" if result["met"] else "no",
                ]
            )
    return View(
        "Targets",
        ["Target", "Option", "Needed", "Saved", "Share", "Met"],
        rows,
        note=f"{results['money']['unit']}: an annual target counts the saving in its year; "
        "a cumulative one adds the savings up to its year.",
    )


def yearly(results: dict[str, Any]) -> View:
    options = results["options"]
    others = [o for o in options if not o["is_baseline"]]
    columns = ["Year", "DF"] + [f"{o['name']}\ncost" for o in options]
    columns += [f"{o['name']}\ncum. saving" for o in others]
    rows = []
    for i, year in enumerate(results["years"]):
        row = [financial_year(year), f"{results['discount_factor'][i]:.4f}"]
        row += [money(o["yearly"]["cost_nominal"][i]) for o in options]
        row += [money(o["yearly"]["cumulative_saving_nominal"][i]) for o in others]
        rows.append(row)
    return View(
        "Year by year",
        columns,
        rows,
        note=f"Cost and cumulative saving: {results['money']['units']['nominal']}. "
        f"DF: discount factor, {results['discounting']['title']}.",
    )


def optimism_bias(results: dict[str, Any]) -> View | None:
    rows = []
    for option in results["options"]:
        bias = option["optimism_bias"]
        if bias is None:
            continue
        rows.append(
            [
                option["title"],
                f"{bias['uplift']:.0%}",
                f"{bias['mitigated']:.0%}",
                f"{bias['applied']:.1%}",
                money(option["total_cost_before_optimism_bias"]["present_value"]),
                money(option["total_cost"]["present_value"]),
            ]
        )
    if not rows:
        return None
    return View(
        "Optimism bias",
        ["Option", "Uplift", "Mitigated", "Applied", "Cost PV\nbefore", "Cost PV\nafter"],
        rows,
        note=f"Applied = (1 - mitigated) x uplift (Green Book). Costs: {results['money']['units']['present_value']}.",
    )


def risks(results: dict[str, Any]) -> View | None:
    rows = []
    switches = False
    for option in results["options"]:
        for risk in option["risks"]:
            window = f"{financial_year(risk['from'])}-{financial_year(risk['to'])}"
            chance = f"{risk['probability']:.1%}" + (" each year" if risk["per"] == "year" else f" once in\n{window}")
            switch = bool(risk.get("switch"))
            switches = switches or switch
            rows.append(
                [
                    f"{risk['name']} ({option['name']}{'; a switch' if switch else ''})",
                    chance,
                    "yes" if risk["recurring"] else "no",
                    f"{risk['recovered']:.0%}",
                    money(risk["expected_cost"]["present_value"]),
                ]
            )
    if not rows:
        return None
    return View(
        "Risks, at their expected cost",
        ["Risk", "Chance", "Recurs", "Recovered", "Expected\ncost PV"],
        rows,
        note="A risk happens at most once: 'each year', the chance in each year of its window until it happens; "
        "'once in', the chance it happens at all in that window, in a year equally likely within it. "
        f"Expected cost net of recoveries: {results['money']['units']['present_value']}. "
        "The central run carries each risk at this value; Monte Carlo draws it."
        + (
            " A switch's expected cost here is its one-off cost only: the lines it stops and starts are in its "
            "option's lines, weighed by the chance it has happened (see the option's cost)."
            if switches
            else ""
        ),
    )


def uncertainty(results: dict[str, Any]) -> list[View]:
    mc = results.get("uncertainty")
    if not mc:
        return []
    transfers = any("transfers" in option for option in results["options"])
    titles = {o["name"]: o["title"] for o in results["options"]}
    pv = results["money"]["units"]["present_value"]
    about = f"{mc['draws']:,} draws, {mc['sampling'].replace('_', ' ')}, seed {mc['seed']}"
    cost_rows = [
        _spread(
            titles[o["name"]],
            o["cost_present_value"],
            o["probability_cheapest"],
            o["probability_cheapest_standard_error"],
        )
        for o in mc["options"]
    ]
    saving_rows = [
        _spread(
            titles[o["name"]],
            o["saving_present_value"],
            o["probability_cheaper_than_baseline"],
            o["probability_cheaper_than_baseline_standard_error"],
        )
        for o in mc["options"]
        if "saving_present_value" in o
    ]
    errors = (
        f"standard error of the mean from the spread of {mc['replicates']} independent Latin Hypercube replicates"
        if mc["replicates"]
        else "Monte Carlo standard error of the mean"
    )
    views = [
        View(
            f"Cost, present value ({about})",
            ["Option", "Mean", "±SE", "P10", "P50", "P90", "P(cheapest)"],
            cost_rows,
            note=f"{pv}. ±SE: {errors} (n/a: not known from one draw); P5 and P95 are in the JSON. "
            "A probability's ± is its standard error, in percentage points."
            + (" Transfers are left out (economic case)." if transfers else ""),
        ),
        View(
            "Saving against the baseline, present value",
            ["Option", "Mean", "±SE", "P10", "P50", "P90", "P(cheaper)"],
            saving_rows,
            note=f"{pv}. P(cheaper): share of draws in which the option costs less than the baseline.",
        ),
    ]
    if mc["targets"]:
        by_name = {t["name"]: t for t in results["targets"]}
        rows = [
            [
                t["target"],
                t["option"],
                money(by_name[t["target"]]["amount"]),
                money(t["achieved"]["mean"]),
                money(t["achieved"]["p10"]),
                money(t["achieved"]["p90"]),
                probability_text(t["probability_met"], t["probability_met_standard_error"]),
            ]
            for t in mc["targets"]
        ]
        views.append(
            View(
                "Targets, with uncertainty",
                ["Target", "Option", "Needed", "Mean", "P10", "P90", "P(met)"],
                rows,
                note=f"Saved: {results['money']['unit']} in each target's price basis (see Targets).",
            )
        )
    return views


def _spread(title: str, figures: dict[str, Any], probability: float, se: float | None) -> list[str]:
    """A row of a drawn figure: mean, its standard error, P10, P50, P90, and a probability with its own."""
    spread = [money(figures[k]) for k in ("p10", "p50", "p90")]
    return [
        title,
        money(figures["mean"]),
        standard_error_text(figures["standard_error"]),
        *spread,
        probability_text(probability, se),
    ]


def all_views(results: dict[str, Any]) -> list[View]:
    found = [comparison(results), optimism_bias(results), risks(results), targets(results), yearly(results)]
    return [view for view in found if view is not None] + uncertainty(results)
