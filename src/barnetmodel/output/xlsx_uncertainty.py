"""The workbook's Uncertainty sheet: Monte Carlo figures as values, since the draws are not in the workbook
and no formula could make them."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from barnetmodel.output.optional_sections import distribution_text
from barnetmodel.output.xlsx_cells import BOLD, FIRST_YEAR_COLUMN, HEADING_FILL, NOTE, SHARE_FORMAT, TITLE, WRAP, put
from barnetmodel.scenario.models import financial_year

STATISTICS = {
    "mean": "Mean",
    "standard_error": "Standard error of the mean",
    "p5": "P5",
    "p10": "P10",
    "p50": "P50",
    "p90": "P90",
    "p95": "P95",
}
MEASURES = {
    "cost_present_value": ("Cost", "present_value"),
    "cost_nominal": ("Cost", "nominal"),
    "saving_present_value": ("Saving against the baseline", "present_value"),
    "saving_nominal": ("Saving against the baseline", "nominal"),
}
# A probability's standard error, in percentage points to two significant figures however small.
ERROR_FORMAT = "0.00##%"
YEARLY = {"cost_nominal": "Cost a year", "cumulative_saving_nominal": "Cumulative saving"}


def _headings(sheet: Worksheet, row: int, titles: list[str], first: int = 1) -> None:
    for column, title in enumerate(titles, start=first):
        cell = sheet.cell(row, column, title)
        cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP


def write(sheet: Worksheet, results: dict[str, Any], money: str) -> None:
    """Every figure of results["uncertainty"]: totals over the horizon, chances, targets, bands a year, inputs."""
    uncertainty = results["uncertainty"]
    units = results["money"]["units"]
    titles = {o["name"]: o["title"] for o in results["options"]}
    baseline = results["baseline"]
    sheet["A1"] = f"Uncertainty: {uncertainty['draws']:,} Monte Carlo draws (values, not formulas)"
    sheet["A1"].font = TITLE
    sheet["A2"] = (
        "The central figures on the other sheets use each uncertain input's mean, and each risk's expected cost. "
        "Percentiles of each year are taken on their own."
    )
    sheet["A2"].font = NOTE
    facts = [
        ("Draws", uncertainty["draws"]),
        ("Sampling", uncertainty["sampling"].replace("_", " ")),
        ("Seed", uncertainty["seed"]),
        ("Independent Latin Hypercube samples (replicates)", uncertainty["replicates"] or "-"),
        ("Yearly bands from the first draws", uncertainty["band_draws"]),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, value).number_format = "#,##0" if isinstance(value, int) else "General"

    row = 3 + len(facts) + 1
    sheet.cell(row, 1, "Over the horizon").font = BOLD
    row += 1
    _headings(sheet, row, ["Option", "Measure", *STATISTICS.values()])
    for entry in uncertainty["options"]:
        for key, (measure, basis) in MEASURES.items():
            if key not in entry:
                continue
            row += 1
            put(sheet, row, 1, titles[entry["name"]])
            put(sheet, row, 2, f"{measure} ({units[basis]})")
            for column, statistic in enumerate(STATISTICS, start=3):
                sheet.cell(row, column, entry[key][statistic]).number_format = money

    row += 2
    _headings(
        sheet,
        row,
        [
            "Option",
            "Chance it is the cheapest (PV)",
            "Its standard error",
            "Chance it is cheaper than the baseline (PV)",
            "Its standard error",
        ],
    )
    for entry in uncertainty["options"]:
        row += 1
        put(sheet, row, 1, titles[entry["name"]])
        sheet.cell(row, 2, entry["probability_cheapest"]).number_format = SHARE_FORMAT
        sheet.cell(row, 3, entry["probability_cheapest_standard_error"]).number_format = ERROR_FORMAT
        if "probability_cheaper_than_baseline" in entry:
            sheet.cell(row, 4, entry["probability_cheaper_than_baseline"]).number_format = SHARE_FORMAT
            error = entry["probability_cheaper_than_baseline_standard_error"]
            sheet.cell(row, 5, error).number_format = ERROR_FORMAT

    if uncertainty["targets"]:
        row += 2
        put(sheet, row, 1, f"Targets: the saving counted against each ({results['money']['unit']}, its price basis)")
        sheet.cell(row, 1).font = BOLD
        row += 1
        _headings(sheet, row, ["Target", "Option", "Chance it is met", "Its standard error", *STATISTICS.values()])
        for entry in uncertainty["targets"]:
            row += 1
            put(sheet, row, 1, entry["target"])
            put(sheet, row, 2, entry["option"])
            sheet.cell(row, 3, entry["probability_met"]).number_format = SHARE_FORMAT
            sheet.cell(row, 4, entry["probability_met_standard_error"]).number_format = ERROR_FORMAT
            for column, statistic in enumerate(STATISTICS, start=5):
                sheet.cell(row, column, entry["achieved"][statistic]).number_format = money

    for option, measures in uncertainty["yearly"].items():
        for measure, name in YEARLY.items():
            if measure.startswith("cumulative_saving") and option == baseline:
                continue  # the baseline saves nothing against itself
            row += 2
            put(sheet, row, 1, f"{name} of {titles[option]} ({units['nominal']})").font = BOLD
            _headings(sheet, row, [financial_year(y) for y in results["years"]], FIRST_YEAR_COLUMN)
            for statistic, values in measures[measure].items():
                row += 1
                sheet.cell(row, 1, STATISTICS[statistic])
                for i, value in enumerate(values):
                    sheet.cell(row, FIRST_YEAR_COLUMN + i, value).number_format = money

    row += 2
    sheet.cell(row, 1, "Uncertain inputs").font = BOLD
    row += 1
    # A named input says where it came from; a line drawn each year says so (columns only when there are any).
    described = any("source" in entry for entry in uncertainty["inputs"])
    yearly = any("draw" in entry for entry in uncertainty["inputs"])
    headings = ["Input", "Distribution", "Mean (what the central run uses)"]
    headings += ["Source", "Note"] if described else []
    headings += ["Drawn", "Persistence"] if yearly else []
    _headings(sheet, row, headings)
    for entry in uncertainty["inputs"]:
        row += 1
        put(sheet, row, 1, entry["name"])
        put(sheet, row, 2, distribution_text(entry["distribution"]))
        sheet.cell(row, 3, entry["mean"])
        extra = [entry.get("source"), entry.get("note")] if described else []
        if yearly:
            extra += ["each year", entry["persistence"]] if "draw" in entry else ["once a draw", None]
        for column, value in enumerate(extra, start=4):
            if value is not None:
                sheet.cell(row, column, value)
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 40
