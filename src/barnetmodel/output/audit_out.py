"""`barnetmodel audit`'s results as terminal tables (fitting 80 columns), Markdown and CSV.

Payee names and categories come from files anyone can publish: they are written as text and nothing
more. In the terminal, control characters are shown as escapes (views.terminal_safe) and cells are rich
Text, never markup; in Markdown, HTML and pipes are escaped (markdown_out.text); in CSV, every cell goes
through csv_out's spreadsheet-safe writer (a cell a spreadsheet would read as a formula starts with an
apostrophe).
"""

from __future__ import annotations

import io
from typing import Any

from rich.text import Text

from barnetmodel.output.views import View

TOP_CATEGORIES = 3  # the largest categories shown each year in the tables (JSON and CSV carry every one)


def figure(value: float) -> str:
    """A figure to two decimals with thousands separators; never '-0.00'."""
    text = f"{value:,.2f}"
    return "0.00" if text == "-0.00" else text


def _signed(value: float) -> str:
    text = f"{value:+,.2f}"
    return "0.00" if text in {"-0.00", "+0.00"} else text


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 and part > 0 else "-"


def _yearly_view(result: dict[str, Any], basis: str) -> View:
    unit = result["money"]["units"][basis]
    real = basis == "real"
    columns = ["Year", *(["Deflator"] if real else []), "Paid", "Promised", "Paid less promised"]
    columns += ["Paid to date", "Promised to date"]
    rows = []
    for year in result["years"]:
        f = year[basis]
        cells = [year["label"], *([f"{year['deflator']:.4f}"] if real else [])]
        cells += [figure(f["paid"]), figure(f["promised"]), _signed(f["difference"])]
        rows.append(cells + [figure(f["paid_to_date"]), figure(f["promised_to_date"])])
    promised = result["promised"]
    note = f"{unit}. Promised: {promised['title']} ({promised['option']}). Paid: payments less credit notes"
    note += ", in the year paid." if not real else ", each year's cash times its deflator."
    title = "Paid and promised, real terms" if real else "Paid and promised, cash"
    return View(title, columns, rows, note=note)


def _totals_view(result: dict[str, Any]) -> View:
    totals, units = result["totals"], result["money"]["units"]
    names = [
        ("Paid", "paid"),
        (f"Promised: {result['promised']['title']}", "promised"),
        ("Paid less promised", "difference"),
        (f"Baseline: {result['baseline']['title']}", "baseline"),
    ]
    rows = [
        [label, *((_signed if key == "difference" else figure)(totals[b][key]) for b in ("nominal", "real"))]
        for label, key in names
    ]
    h = result["horizon"]
    span = f"{_fy(h['start'])} to {_fy(h['end'])}"
    return View(f"Totals over the horizon, {span}", ["", units["nominal"], units["real"]], rows)


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _outside_view(result: dict[str, Any]) -> View | None:
    outside = result["outside_horizon"]
    if not outside["years"]:
        return None
    units = result["money"]["units"]
    rows = [
        [row["label"], str(row["nominal"]["rows"]), figure(row["nominal"]["net"]), figure(row["real"])]
        for row in outside["years"]
    ]
    rows.append(["Total", "", figure(outside["nominal"]), figure(outside["real"])])
    return View(
        "Payments outside the horizon (not in the totals above)",
        ["Year", "Rows", units["nominal"], units["real"]],
        rows,
    )


def _payees_view(result: dict[str, Any]) -> View:
    unit = result["money"]["units"]["nominal"]
    rows = [
        [p["name"], f"{p['rows']:,}", figure(p["paid"]), figure(p["credited"]), figure(p["net"])]
        for p in result["payees"]
    ]
    suppliers = ", ".join(result["suppliers"])
    excluded = f"; excluding {', '.join(result['exclude'])}" if result["exclude"] else ""
    note = f"{unit}, every year. Every payee name matching {suppliers}{excluded}."
    if not rows:
        note = f"No payee name matches {suppliers}{excluded}."
    return View("Payees counted", ["Payee", "Rows", "Paid", "Credit notes", "Net"], rows, note=note)


def _category_views(result: dict[str, Any]) -> list[View]:
    """Each year's largest categories, the rest added up: the year as a row of its own, its categories below."""
    views = []
    unit = result["money"]["units"]["nominal"]
    for field, years in result["categories"].items():
        name = {"expense_type": "Expense type", "service_area": "Service area"}[field]
        rows = []
        for year in years:
            whole = sum(c["net"] for c in year["categories"] if c["net"] > 0)
            rows.append([year["label"], "", ""])
            for category in year["categories"][:TOP_CATEGORIES]:
                label = category["name"] or "(not given)"
                rows.append([f"  {label}", figure(category["net"]), _share(category["net"], whole)])
            others = year["categories"][TOP_CATEGORIES:]
            if others:
                rest = sum(c["net"] for c in others)
                rows.append(
                    [f"  {len(others)} other{'s' if len(others) != 1 else ''}", figure(rest), _share(rest, whole)]
                )
        views.append(
            View(
                f"What it was paid for: largest by {name.lower()}",
                [name, "Net", "Share"],
                rows,
                note=f"{unit}. Share: of the year's categories with net payments (credits net of payments: -).",
            )
        )
    return views


def notes(result: dict[str, Any]) -> list[str]:
    """What the reading dropped or could not read, in words."""
    unit = result["money"]["units"]["nominal"]
    files = result["files"]["read"]
    found = [f"{len(files)} file{'s' if len(files) != 1 else ''} read, {sum(f['rows'] for f in files):,} payments."]
    dup = result["duplicates"]
    found.append(
        f"Repeated rows dropped (the same payment in two files): {dup['rows_dropped']:,}, "
        f"of them to the payees counted {dup['matched']['rows']:,} ({figure(dup['matched']['net'])} {unit})."
    )
    bad = result["unreadable"]
    if bad["rows_skipped"]:
        found.append(
            f"Rows skipped whose date or amount could not be read (--skip-bad-rows): {bad['rows_skipped']:,}, "
            f"of them to the payees counted {bad['matched']['rows']:,} ({figure(bad['matched']['net'])} {unit} "
            f"read; {bad['matched_without_amount']:,} with no amount that could be read)."
        )
    return found


def views(result: dict[str, Any]) -> list[View]:
    found = [_yearly_view(result, "nominal"), _yearly_view(result, "real"), _totals_view(result)]
    outside = _outside_view(result)
    if outside is not None:
        found.append(outside)
    return [*found, _payees_view(result), *_category_views(result)]


def heading(result: dict[str, Any]) -> list[str]:
    scenario = result["scenario"]
    return [
        f"Audit: {', '.join(result['suppliers'])} paid, against {scenario['title']}",
        f"{scenario['file']}: promised = {result['promised']['option']}, baseline = {result['baseline']['option']}",
    ]


def show(result: dict[str, Any], console: Any) -> None:
    from barnetmodel.output.table_out import print_view
    from barnetmodel.output.views import terminal_safe

    result = terminal_safe(result)
    lines = heading(result)
    console.print(Text(lines[0], style="bold"))
    console.print(Text(lines[1], style="dim"))
    for view in views(result):
        console.print()
        print_view(console, view)
    console.print()
    for line in notes(result):
        console.print(Text(line))


def render_markdown(result: dict[str, Any]) -> str:
    from barnetmodel.output.markdown_out import table, text

    lines = heading(result)
    out = [f"# {text(lines[0])}", "", text(lines[1]), ""]
    for view in views(result):
        out += table(view)
    out += [f"- {text(line)}" for line in notes(result)]
    return "\n".join(out) + "\n"


def csv_rows(result: dict[str, Any]) -> list[list[Any]]:
    """Every figure, one a row: table, year, name, measure, unit, value."""
    units = result["money"]["units"]
    rows: list[list[Any]] = []
    for year in result["years"]:
        rows.append(["years", year["label"], "", "deflator", "real / nominal", year["deflator"]])
        for basis in ("nominal", "real"):
            rows += [["years", year["label"], "", key, units[basis], v] for key, v in year[basis].items()]
    for basis, total in result["totals"].items():
        rows += [["totals", "", "", key, units[basis], v] for key, v in total.items()]
    for row in result["outside_horizon"]["years"]:
        rows.append(["outside_horizon", row["label"], "", "rows", "rows", row["nominal"]["rows"]])
        rows.append(["outside_horizon", row["label"], "", "net", units["nominal"], row["nominal"]["net"]])
        rows.append(["outside_horizon", row["label"], "", "net", units["real"], row["real"]])
    for payee in result["payees"]:
        rows.append(["payees", "", payee["name"], "rows", "rows", payee["rows"]])
        rows += [
            ["payees", "", payee["name"], key, units["nominal"], payee[key]] for key in ("paid", "credited", "net")
        ]
    for field, years in result["categories"].items():
        for year in years:
            for c in year["categories"]:
                rows.append([field, year["label"], c["name"], "rows", "rows", c["rows"]])
                rows.append([field, year["label"], c["name"], "net", units["nominal"], c["net"]])
    dup, bad = result["duplicates"], result["unreadable"]
    rows.append(["duplicates", "", "", "rows_dropped", "rows", dup["rows_dropped"]])
    rows.append(["duplicates", "", "", "matched_rows", "rows", dup["matched"]["rows"]])
    rows.append(["duplicates", "", "", "matched_net", units["nominal"], dup["matched"]["net"]])
    rows.append(["unreadable", "", "", "rows_skipped", "rows", bad["rows_skipped"]])
    rows.append(["unreadable", "", "", "matched_rows", "rows", bad["matched"]["rows"]])
    rows.append(["unreadable", "", "", "matched_net", units["nominal"], bad["matched"]["net"]])
    return rows


def render_csv(result: dict[str, Any]) -> str:
    """Every figure, through the project's spreadsheet-safe writer (csv_out.writer)."""
    from barnetmodel.output.csv_out import writer

    out = io.StringIO()
    write = writer(out)
    write(["table", "year", "name", "measure", "unit", "value"])
    for row in csv_rows(result):
        write(row)
    return out.getvalue()
