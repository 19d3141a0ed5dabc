"""CSV: one row per option and year (and a `total` row per option), every basis in columns."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = [
    f"{measure}_{basis}"
    for measure in ("cost", "saving", "cumulative_saving")
    for basis in ("nominal", "real", "present_value")
]


def render(results: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["option", "year", "unit", "price_base", "discount_factor", *COLUMNS])
    unit = results["money"]["unit"]
    base = results["money"]["price_base"]
    for option in results["options"]:
        yearly = option["yearly"]
        for i, year in enumerate(results["years"]):
            values = [repr(yearly[c][i]) for c in COLUMNS]
            writer.writerow([option["name"], year, unit, base, repr(results["discount_factor"][i]), *values])
        totals = {f"cost_{b}": option["total_cost"][b] for b in ("nominal", "real", "present_value")}
        totals |= {f"saving_{b}": option["total_saving"][b] for b in ("nominal", "real", "present_value")}
        totals |= {f"cumulative_{k}": v for k, v in totals.items() if k.startswith("saving_")}
        writer.writerow([option["name"], "total", unit, base, "", *(repr(totals[c]) for c in COLUMNS)])
    return out.getvalue()
