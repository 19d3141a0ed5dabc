"""Figures that are allowed but probably a mistake: warned of (file:line:col on standard error), never
refused, unless a command is run with --strict (for CI).

The warnings, in the order they are checked (the docs list them too):
- a `share_of` rate above 1: more than the whole of the line it is a share of (4 for 4%?);
- an optimism-bias `uplift` above 2: above the Green Book's highest upper bound, 200% (41 for 41%?);
- inflation or a constant discount rate above 0.15, or a line's growth above 0.2: 15% or 20% a year;
- an amount (a line's `annual`, `total` or `amount`, a risk's `cost`, a target's `amount`) a thousand
  times the median of the scenario's other amounts, or more: in the wrong unit (£ for £m?);
- a risk's `cost` below 0: a risk is a cost when it happens, a negative one a gain;
- a named input below 0 whose `unit` is a count of people or things, every word of it a count word (`posts`,
  `FTE posts`, `staff`, `people`, `units`...: see COUNT_WORDS): -120 posts make a staff line built from them a
  negative cost, an income. Only the unit is judged: money (`£m a post`, `staff costs £m a year`, an income or
  a saving written as a negative cost) is never a count.
A number written as a distribution is judged by its mean, one written as a formula by its value in the
central run.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable

from barnetmodel.errors import Path
from barnetmodel.scenario.checks import Finding
from barnetmodel.scenario.models import InflationSeries, Scenario
from barnetmodel.scenario.named import central_values
from barnetmodel.scenario.numbers import Number

RATE_ABOVE = 1.0  # a share_of rate: the whole of its line
UPLIFT_ABOVE = 2.0  # the Green Book's highest upper bound (equipment and development, 200%)
YEARLY_ABOVE = 0.15  # inflation, a constant discount rate
GROWTH_ABOVE = 0.2
AMOUNT_TIMES = 1000.0
# A unit whose first word is one of these counts people or things, which are never fewer than none. The first
# word, so that `£m a post` (money per post, which may be a negative cost) is not one.
COUNT_WORDS = frozenset(
    {
        *("post", "posts", "fte", "ftes", "staff", "people", "person", "persons", "head", "heads", "headcount"),
        *("employee", "employees", "worker", "workers", "unit", "units"),
        *("full", "part", "time", "equivalent", "equivalents"),  # "full-time equivalent posts"
    }
)


# From here on a figure is written in scientific form (1e+308): its digits would be hundreds long, and past
# 2**53 not even the figure written.
SCIENTIFIC_FROM = 1e15


def _figure(value: float) -> str:
    """1,000,000; 7.5; 0.004; 1e+200."""
    if abs(value) >= SCIENTIFIC_FROM:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1 else f"{value:.3g}"


def _times(ratio: float) -> str:
    """1,250; 1.5e+308."""
    return f"{ratio:.3g}" if ratio >= SCIENTIFIC_FROM else f"{ratio:,.0f}"


def _percent(value: float) -> str:
    return f"{value:.0%}" if abs(value) >= 0.01 else f"{value:.2%}"


def warnings(scenario: Scenario) -> list[Finding]:
    """Every figure of a valid scenario that is probably a mistake, with why, in file order."""
    central = central_values(scenario)
    found: list[Finding] = []
    money = scenario.money
    series = isinstance(money.inflation, InflationSeries)
    written = money.inflation.after if isinstance(money.inflation, InflationSeries) else money.inflation
    inflation = None if written is None else central(written)  # a series alone: its own figures
    if inflation is not None and inflation > YEARLY_ABOVE:
        where: Path = ("money", "inflation", "after") if series else ("money", "inflation")
        found.append(Finding(where, f"inflation of {_percent(inflation)} a year: is that meant?"))
    if isinstance(money.discount, float) and money.discount > YEARLY_ABOVE:
        found.append(
            Finding(
                ("money", "discount"),
                f"a discount rate of {_percent(money.discount)} a year; the Green Book's is 3.5%: is that meant?",
            )
        )
    amounts: list[tuple[Path, float]] = [
        (("targets", i, "amount"), central(t.amount)) for i, t in enumerate(scenario.targets)
    ]
    for name, option in scenario.options.items():
        for i, line in enumerate(option.lines):
            path: Path = ("options", name, "lines", i)
            for key in ("annual", "total", "amount"):
                value = getattr(line, key)
                if value is not None:
                    amounts.append(((*path, key), central(value)))
            for year, value in (line.by_year or {}).items():  # a contract's price year by year
                amounts.append(((*path, "by_year", year), central(value)))
            if line.growth is not None and central(line.growth) > GROWTH_ABOVE:
                growth = central(line.growth)
                found.append(Finding((*path, "growth"), f"growth of {_percent(growth)} a year: is that meant?"))
            if line.rate is not None and central(line.rate) > RATE_ABOVE:
                rate = central(line.rate)
                found.append(
                    Finding(
                        (*path, "rate"),
                        f"{rate:g} is {_percent(rate)} of '{line.share_of}'; for {rate:g}%, write {rate / 100:g}",
                    )
                )
        for i, risk in enumerate(option.risks):
            cost = central(risk.cost)
            amounts.append((("options", name, "risks", i, "cost"), cost))
            if cost < 0:
                found.append(
                    Finding(
                        ("options", name, "risks", i, "cost"),
                        f"a negative cost ({cost:g}): a risk costs this when it happens, so a negative cost is a "
                        "gain; write an income as a negative line instead",
                    )
                )
        bias = option.optimism_bias
        if bias is not None and bias.uplift is not None and central(bias.uplift) > UPLIFT_ABOVE:
            uplift = central(bias.uplift)
            found.append(
                Finding(
                    ("options", name, "optimism_bias", "uplift"),
                    f"an uplift of {_percent(uplift)}, above the Green Book's highest upper bound (200%); "
                    f"for {uplift:g}%, write {uplift / 100:g}",
                )
            )
    found += _outsized(amounts, scenario.money.unit)
    found += _negative_counts(scenario, central)
    return found


def _negative_counts(scenario: Scenario, central: Callable[[Number], float]) -> list[Finding]:
    """Named inputs whose unit counts people or things and whose central value is below 0."""
    found = []
    for name, named in scenario.named_inputs.items():
        if named.unit is None:  # a short form has none
            continue
        # Every word a count word, and no currency: `staff costs £m a year` or `unit cost, £` is money.
        words = re.findall(r"[a-z]+", named.unit.lower())
        if not words or not COUNT_WORDS.issuperset(words) or re.search(r"[£$€]", named.unit):
            continue
        value = central(named.value)
        if value < 0:
            found.append(
                Finding(
                    ("inputs", name, "value"),
                    f"{_figure(value)} {named.unit}: a count of {named.unit} cannot be below 0, and a cost built "
                    "from it would be an income: is the minus sign a slip?",
                    inputs=frozenset({name}),
                )
            )
    return found


def _outsized(amounts: list[tuple[Path, float]], unit: str) -> list[Finding]:
    """Amounts a thousand times the median of the other amounts, or more. Each median is read off one sorted
    list of the amounts' sizes, the amount in hand left out: a long file takes n log n, not n² (a median of
    its own for each amount)."""
    sizes = sorted(abs(v) for _, v in amounts if v != 0)
    ordered = not any(math.isnan(size) for size in sizes)  # NaN has no place in a sorted list
    found = []
    for k, (path, value) in enumerate(amounts):
        if ordered:
            typical = _median_without(sizes, abs(value) if value != 0 else None)
        else:
            typical = _median([abs(v) for j, (_, v) in enumerate(amounts) if j != k and v != 0])
        if typical is None:
            continue
        if abs(value) >= AMOUNT_TIMES * typical:
            found.append(
                Finding(
                    path,
                    f"an amount of {_figure(value)} ({unit}) is {_times(abs(value) / typical)} times the median of "
                    f"the scenario's other amounts ({_figure(typical)}): is it in {unit}?",
                )
            )
    return found


def _median(values: list[float]) -> float | None:
    """statistics.median of `values` (None when there are none)."""
    return _median_without(sorted(values), None)


def _median_without(ordered: list[float], size: float | None) -> float | None:
    """The median of the sorted list `ordered` with one `size` (one of them) left out, None leaving none out,
    as statistics.median works it out: the middle value, or the mean of the two middle ones. None when
    none are left."""
    gone = len(ordered) if size is None else bisect.bisect_left(ordered, size)
    count = len(ordered) - (size is not None)
    if count == 0:
        return None

    def at(i: int) -> float:
        return ordered[i if i < gone else i + 1]

    middle = count // 2
    return at(middle) if count % 2 else (at(middle - 1) + at(middle)) / 2
