"""The tables a run shows, as rows of text: one source for the terminal and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from barnetmodel.labels import financial_year


@dataclass(frozen=True)
class View:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


def money(value: float) -> str:
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def header(results: dict[str, Any]) -> list[str]:
    m = results["money"]
    h = results["horizon"]
    d = results["discounting"]
    baseline = next(o for o in results["options"] if o["is_baseline"])
    return [
        results["scenario"]["title"],
        f"{financial_year(h['start'])} to {financial_year(h['end'])} ({h['years']} years); "
        f"money in {m['unit']}, nominal or real {financial_year(m['price_base'])} prices "
        f"(GDP deflator {m['inflation']:.1%} a year)",
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
    return View(
        "Options over the horizon",
        ["Option", "Cost\nnominal", "Cost\nreal", "Cost\nPV", "Saving\nnominal", "Saving\nPV"],
        rows,
        note=f"Real: {units['real']}. PV: {units['present_value']}. Saving = baseline cost minus option cost.",
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
        note=f"Cost and cumulative saving: {results['money']['units']['nominal']}. DF: Green Book discount factor.",
    )


def all_views(results: dict[str, Any]) -> list[View]:
    found = [comparison(results), targets(results), yearly(results)]
    return [view for view in found if view is not None]
