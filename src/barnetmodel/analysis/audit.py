"""The promise against the ledger: what a supplier was paid, from a council's payment files, set
against what a scenario's option promised, year by year, in cash and in real terms (`barnetmodel audit`).

Payments are totalled exactly in pence (barnetmodel.payments) and converted once, at the end, to the
scenario's money.unit. The promise is the option's nominal cost in the central run (the same figures as
`run`'s JSON, `cost_nominal`). Real terms use the scenario's deflator: a year's figure divided by the
engine's own price index, (1 + inflation) ** (year - price_base) or a published deflator series, also for
years of payments outside the horizon. Those years are shown apart: the yearly rows, running totals and
totals are the horizon's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from barnetmodel import __version__
from barnetmodel.analysis.results import basis_label, summarise
from barnetmodel.engine.projection import project
from barnetmodel.errors import Problem, ScenarioError
from barnetmodel.payments import Amounts, Ledger, Summary, match_supplier
from barnetmodel.payments import summarise as summarise_payments
from barnetmodel.scenario.load import Loaded, located
from barnetmodel.scenario.models import InflationSeries, financial_year

# Pounds in one of each unit the audit converts payments (written in pounds) to.
POUNDS_PER_UNIT = {"£": 1, "£k": 1_000, "£m": 1_000_000, "£bn": 1_000_000_000}
# Category columns whose largest categories are shown each year (a description is free text: left out).
CATEGORY_FIELDS = ("expense_type", "service_area")
CATEGORY_NAMES = {"expense_type": "expense type", "service_area": "service area"}


def pounds_per_unit(loaded: Loaded) -> int:
    """How many pounds one of the scenario's money.unit holds; a unit it cannot convert to is a located error."""
    unit = loaded.scenario.money.unit
    if unit not in POUNDS_PER_UNIT:
        known = ", ".join(POUNDS_PER_UNIT)
        message = f"the audit converts payments, written in pounds, to {known}; it cannot convert them to '{unit}'"
        raise ScenarioError([loaded.source.problem(("money", "unit"), message)])
    return POUNDS_PER_UNIT[unit]


def promised_option(loaded: Loaded, option: str | None) -> str:
    """The option whose cost is the promise: `option`, else the first other than the baseline."""
    scenario = loaded.scenario
    others = [name for name in scenario.options if name != scenario.baseline]
    if option is not None and option not in others:
        from barnetmodel.errors import did_you_mean

        message = f"'{option}' is not an option to audit{did_you_mean(option, others)} (options: {', '.join(others)})"
        raise ScenarioError([Problem("--option", message)])
    if option is None and not others:
        raise ScenarioError(
            [loaded.source.problem(("options",), "there is no option other than the baseline to audit")]
        )
    return option or others[0]


class _Money:
    """Pence to the scenario's unit, nominal or real (price_base prices)."""

    def __init__(self, per_unit: int, inflation: float | None, price_level: Callable[[int], float]):
        self.per_unit = per_unit
        self.inflation = inflation
        self.price_level = price_level

    def nominal(self, pence: int) -> float:
        return pence / (100 * self.per_unit)

    def deflator(self, year: int) -> float:
        """Real / nominal in `year`: 1 over the scenario's price index there, as the engine works it out."""
        return 1.0 / self.price_level(year)

    def amounts(self, amounts: Amounts) -> dict[str, Any]:
        return {
            "rows": amounts.rows,
            "paid": self.nominal(amounts.paid_pence),
            "credited": self.nominal(amounts.credited_pence),
            "net": self.nominal(amounts.net_pence),
            "net_pounds": amounts.net_pence / 100,
        }


def _price_level(loaded: Loaded, inflation: float | None) -> Callable[[int], float]:
    """The scenario's price index of any year (1 in price_base), as the engine works it out over the horizon:
    (1 + inflation) ** (year - price_base) for a rate; for a deflator series, its index relative to price_base's,
    with the rate `after` on top once it ends. A year the series cannot price (before its first, or after its
    last with no `after`) is a located error: payments there cannot be put in real terms."""
    scenario = loaded.scenario
    written = scenario.money.inflation
    base = scenario.price_base
    if not isinstance(written, InflationSeries):
        assert inflation is not None  # a rate: the central run's
        return lambda year: float((1.0 + inflation) ** (year - base))
    from barnetmodel.data.series import series
    from barnetmodel.scenario.named import central_values

    found = series(written.series)
    after = None if written.after is None else central_values(scenario)(written.after)

    def level(year: int) -> float:
        if year < found.first or (year > found.last and after is None):
            covers = f"{financial_year(found.first)} to {financial_year(found.last)}"
            message = (
                f"payments in {financial_year(year)}, outside the horizon, cannot be put in real terms: the series "
                f"'{found.name}' covers {covers}"
            )
            if year > found.last:
                message += "; give `after`, the rate a year after it ends"
            raise ScenarioError([loaded.source.problem(("money", "inflation"), message)])
        past = max(year - found.last, 0)
        return found.value(min(year, found.last)) * (1.0 + (after or 0.0)) ** past

    return lambda year: level(year) / level(base)


def _categories(summary: Summary, money: _Money) -> dict[str, list[dict[str, Any]]]:
    """Per category column the files have: each year, its categories, largest net first (every one)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for field in CATEGORY_FIELDS:
        by_year = summary.categories.get(field)
        if by_year is None or all(set(named) == {""} for named in by_year.values()):
            continue  # no file has the column, or every row has it blank
        found[field] = [
            {
                "year": year,
                "label": financial_year(year),
                "categories": [{"name": name, **money.amounts(amounts)} for name, amounts in named.items()],
            }
            for year, named in sorted(by_year.items())
        ]
    return found


def _yearly(
    years: Sequence[int],
    paid_pence: Sequence[int],
    promised: Sequence[float],
    baseline: Sequence[float],
    deflators: Sequence[float],
    money: _Money,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The horizon's rows, nominal and real, with running totals; and the totals."""
    rows = []
    paid_to_date_pence = 0
    running = {"nominal": [0.0, 0.0], "real": [0.0, 0.0]}
    for year, pence, promise, base, deflator in zip(years, paid_pence, promised, baseline, deflators, strict=True):
        paid_to_date_pence += pence
        row: dict[str, Any] = {"year": year, "label": financial_year(year), "deflator": deflator}
        for basis, factor in (("nominal", 1.0), ("real", deflator)):
            paid = money.nominal(pence) * factor
            promise_here = promise if basis == "nominal" else promise * deflator
            running[basis][0] += paid
            running[basis][1] += promise_here
            row[basis] = {
                "paid": paid,
                "promised": promise_here,
                "difference": paid - promise_here,
                # nominal paid to date from whole pence: exact, whatever the number of years
                "paid_to_date": money.nominal(paid_to_date_pence) if basis == "nominal" else running[basis][0],
                "promised_to_date": running[basis][1],
                "baseline": base if basis == "nominal" else base * deflator,
            }
        rows.append(row)
    totals = {
        basis: {
            "paid": sum(r[basis]["paid"] for r in rows) if basis == "real" else money.nominal(sum(paid_pence)),
            "promised": sum(r[basis]["promised"] for r in rows),
            "baseline": sum(r[basis]["baseline"] for r in rows),
        }
        for basis in ("nominal", "real")
    }
    for total in totals.values():
        total["difference"] = total["paid"] - total["promised"]
    return rows, totals


def audit(
    loaded: Loaded,
    ledger: Ledger,
    suppliers: Sequence[str],
    exclude: Sequence[str] = (),
    option: str | None = None,
    *,
    payments: Sequence[str] = (),
) -> dict[str, Any]:
    """The audit's figures as plain data (JSON-ready, stable order): see docs/audit.md, "Outputs".

    `payments`: the files and folders as the user named them, recorded as given.
    Raises ScenarioError for a unit it cannot convert, an unknown option, or a supplier name with no words.
    """
    scenario = loaded.scenario
    per_unit = pounds_per_unit(loaded)
    name = promised_option(loaded, option)
    matched = match_supplier(ledger.payee.values, suppliers, exclude)
    summary = summarise_payments(ledger, matched)
    results = located(
        loaded, lambda: summarise(project(scenario), file_name=Path(loaded.source.file).name, sha256=loaded.sha256)
    )
    options = {o["name"]: o for o in results["options"]}
    promise, base = options[name], options[scenario.baseline]
    inflation = results["money"]["inflation"]  # None when it is a series
    money = _Money(per_unit, inflation, _price_level(loaded, inflation))

    horizon = [int(y) for y in results["years"]]
    deflators = [1.0 / index for index in results["price_index"]]  # the engine's own price index
    paid_pence = [summary.years.get(year, Amounts()).net_pence for year in horizon]
    years, totals = _yearly(
        horizon,
        paid_pence,
        promise["yearly"]["cost_nominal"],
        base["yearly"]["cost_nominal"],
        deflators,
        money,
    )
    outside = [
        {
            "year": year,
            "label": financial_year(year),
            "deflator": (deflator := money.deflator(year)),
            "nominal": money.amounts(amounts),
            "real": money.nominal(amounts.net_pence) * deflator,
            "before_horizon": year < horizon[0],
        }
        for year, amounts in summary.years.items()
        if year not in horizon
    ]
    outside_pence = sum(amounts.net_pence for year, amounts in summary.years.items() if year not in horizon)
    return {
        "tool": {"name": "barnetmodel", "version": __version__},
        "scenario": {"title": scenario.title, "file": results["scenario"]["file"], "sha256": loaded.sha256},
        "promised": {"option": name, "title": promise["title"]},
        "baseline": {"option": scenario.baseline, "title": base["title"]},
        "suppliers": list(suppliers),
        "exclude": list(exclude),
        "horizon": results["horizon"],
        "money": {
            "unit": scenario.money.unit,
            "pounds_per_unit": per_unit,
            "price_base": scenario.price_base,
            "inflation": money.inflation,
            "units": {basis: basis_label(scenario, basis) for basis in ("nominal", "real")},
        },
        "years": years,
        "totals": totals,
        "outside_horizon": {
            "years": outside,
            "nominal": money.nominal(outside_pence),
            "real": sum(row["real"] for row in outside),
        },
        "all_payments": {"nominal": money.amounts(summary.total)},
        "payees": [{"name": payee, **money.amounts(amounts)} for payee, amounts in summary.payees.items()],
        "categories": _categories(summary, money),
        "duplicates": {
            "rows_dropped": ledger.duplicates.rows,
            "matched": money.amounts(summary.repeated),
        },
        "unreadable": {
            "rows_skipped": ledger.skipped.rows,
            "matched": money.amounts(summary.skipped),
            "matched_without_amount": summary.skipped_without_amount,
            "examples": [str(problem) for problem in ledger.skipped.examples],
        },
        "files": {
            "named": list(payments),
            "read": [
                {
                    "path": report.path,
                    "encoding": report.encoding,
                    "header_line": report.header_line,
                    "columns": dict(sorted(report.columns.items())),
                    "rows": report.rows,
                    "repeated_rows": report.repeated_rows,
                    "bad_rows": report.bad_rows,
                }
                for report in ledger.files
            ],
        },
    }
