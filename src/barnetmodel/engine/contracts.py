"""Contract mechanics over rows of draws: indexation with caps and floors, planned changes, switches
(a provider failing: lines stop, fallback lines start), guaranteed savings, and the outcomes of
switches a central run weighs by their probabilities.

Every function works on whole rows at once: (rows or 1, years) arrays, no loop over draws. A row is
a Monte Carlo draw, or (in a run without draws) one outcome of the switches, weighed afterwards
(`outcomes`, `collapse`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from barnetmodel.engine.flows import powers
from barnetmodel.errors import Path
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import Indexation, Risk, Scenario

Number = Callable[[Path, "float | Distribution | Formula | None"], np.ndarray]  # an input by path: (rows or 1, 1)
NEVER = np.inf  # a switch that does not happen within the horizon


def index_factor(index: Indexation, path: Path, number: Number, years: np.ndarray) -> np.ndarray:
    """(rows or 1, years) the price of an indexed line relative to its written price: 1 before `from`, then
    each year the one before times 1 + that year's change (the index's change `lag` years before, or the
    rate), held between floor and cap."""
    from barnetmodel.data.series import series

    first = index.from_
    if first > years[-1]:
        return np.ones((1, len(years)))
    uplift_years = np.arange(first, years[-1] + 1)
    of = uplift_years - index.lag  # the year whose change each uplift uses
    if index.series is not None:
        covered = of <= series(index.series).last
        change = published = _published_changes(index.series, int(of[0]), len(of))
        if not covered.all():  # checks.py makes sure `after` is given
            change = np.where(covered, published, number((*path, "after"), index.after))
    else:  # one rate: the same change each year, held between floor and cap once, then compounded
        change = number((*path, "rate"), index.rate)
        if index.cap is not None:
            change = np.minimum(change, number((*path, "cap"), index.cap))
        if index.floor is not None:
            change = np.maximum(change, number((*path, "floor"), index.floor))
        factor = powers(1.0 + change, years - first + 1)
        factor[:, years < first] = 1.0
        return factor
    if index.cap is not None:
        change = np.minimum(change, number((*path, "cap"), index.cap))
    if index.floor is not None:
        change = np.maximum(change, number((*path, "floor"), index.floor))
    grown = np.cumprod(1.0 + change, axis=1)
    factor = np.ones((grown.shape[0], len(years)))
    inside = years >= first
    factor[:, inside] = grown[:, years[inside] - first]
    return factor


@functools.cache
def _published_changes(name: str, first: int, count: int) -> np.ndarray:
    """(1, count) a published series' change in each year from `first`, 0 after its last: the same for every
    chunk of draws, so made once (read-only)."""
    from barnetmodel.data.series import series

    found = series(name)
    changes = np.array([found.change(t) if t <= found.last else 0.0 for t in range(first, first + count)])[None, :]
    changes.flags.writeable = False
    return changes


def change_mask(scenario: Scenario, option: str, line: str, years: np.ndarray) -> np.ndarray | None:
    """(1, years) 1 while a line runs under the option's planned changes (stopped from a change's year,
    started in one), or None when no change names it."""
    stops = [c.year for _, c in scenario.changes_of(option) if line in c.stops]
    starts = [c.year for _, c in scenario.changes_of(option) if line in c.starts]
    if not stops and not starts:
        return None
    running = np.ones(len(years), dtype=bool)
    if stops:
        running &= years < min(stops)
    if starts:
        running &= years >= max(starts)
    return running.astype(float)[None, :]


@dataclass(frozen=True)
class Switch:
    """Where and when a switch risk happens: in rows `rows` of `draws` (no other row), in horizon year
    `happened` (an index); its lines change in `effect`, the same year or the next (NEVER: after the
    horizon). Kept for those rows alone: a provider fails in a few draws, and the rest cost nothing."""

    risk: Risk
    draws: int
    rows: np.ndarray  # (hits,)
    happened: np.ndarray  # (hits,)
    effect: np.ndarray  # (hits,)

    def until(self, year: int) -> Switch:
        """The switch in the rows where it happens before horizon year `year` only (a contract ended then)."""
        keep = self.happened < year
        return Switch(self.risk, self.draws, self.rows[keep], self.happened[keep], self.effect[keep])

    def before(self, columns: np.ndarray, when: np.ndarray | None = None) -> np.ndarray:
        """(hits, years) 1.0 in the years before `when` (default: the effect year), else 0.0."""
        at = self.effect if when is None else when
        return (columns[None, :] < at[:, None]).astype(float)

    def multiplier(self, line: str, columns: np.ndarray, premium: np.ndarray) -> np.ndarray | None:
        """(hits, years) what the switch does to a line's profile in its rows: a stopped line runs before the
        effect year, a fallback line from it, at 1 + premium in its transition years; None if it leaves the
        line alone. (In the other rows a stopped line runs, a fallback line does not.)"""
        if line in (self.risk.stops or []):
            return self.before(columns)
        if line in (self.risk.fallback or []):
            on = 1.0 - self.before(columns)
            transition = self.risk.transition or 0
            if not transition:
                return on
            during = on * (columns[None, :] < self.effect[:, None] + transition)
            return on + (premium[self.rows] if premium.shape[0] != 1 else premium) * during
        return None


def make_switch(risk: Risk, draws: int, rows: np.ndarray, happened: np.ndarray, years: int) -> Switch:
    """A switch that happens in `rows` in horizon year `happened` (an index); its lines change that year or
    the next."""
    effect = happened + 1 if risk.takes_effect == "next_year" else happened
    effect = np.where(effect >= years, NEVER, effect)
    return Switch(risk, draws, rows, happened, effect)


def happens_at(risk: Risk, p: np.ndarray, u: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows in which a once-only risk happens within its window, and how many years after it opens, from
    one uniform per row (inverse CDF). Per year: geometric, P(not before j) = (1 - p)^j; per horizon: with
    probability p, in a year equally likely within the window."""
    u = np.asarray(u, dtype=float).reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if risk.per == "year" and p.shape[0] == 1 and 0 < p[0, 0] < 1:
            # The usual case: only rows with u above (1-p)^window happen within it (a hair lower let through,
            # against rounding); the inverse CDF is worked out for those few alone.
            maybe = np.flatnonzero(u > (1 - p[0, 0]) ** window * (1 - 1e-12))
            at = np.floor(np.log(u[maybe]) / np.log1p(-p[0, 0]))
        else:
            maybe = np.arange(len(u))
            column = u[:, None]
            if risk.per == "year":
                first_year = np.floor(np.log(column) / np.log1p(-p))
                at = np.broadcast_to(np.select([p >= 1, p <= 0], [0.0, np.inf], first_year), column.shape)[:, 0]
            else:
                at = np.broadcast_to(np.where(column < p, np.floor(column / p * window), np.inf), column.shape)[:, 0]
    inside = at < window
    return maybe[inside], at[inside]


def outcome_probabilities(risk: Risk, p: np.ndarray, window: int) -> np.ndarray:
    """(rows or 1, window + 1): the chance a once-only risk happens in each year of its window, and (last)
    that it does not."""
    j = np.arange(window)[None, :]
    if risk.per == "year":
        happens = p * (1 - p) ** j
        never = (1 - p) ** window
    else:
        happens = np.broadcast_to(p / window, (p.shape[0], window))
        never = 1 - p
    return np.hstack([happens, never])


@dataclass(frozen=True)
class Outcomes:
    """Every combination of switch outcomes, for a run without draws: row r of a block of `count` is
    combination r; `happened[path]` (count,) the horizon year each switch happens in (NEVER: not at all)."""

    count: int
    happened: dict[Path, np.ndarray]
    weights: Callable[[Number], np.ndarray]  # the inputs -> (rows or 1, count) chance of each combination


def outcomes(switches: Sequence[tuple[Path, Risk, int, int]]) -> Outcomes:
    """The combinations of outcomes of `switches`: (path, risk, first year of its window as a horizon index,
    window length) each."""
    choices = []
    for _, _, first, window in switches:
        choices.append([*(first + j for j in range(window)), NEVER])
    combos = list(itertools.product(*choices))
    happened = {path: np.array([c[k] for c in combos], dtype=float) for k, (path, *_) in enumerate(switches)}

    def weights(number: Number) -> np.ndarray:
        total: np.ndarray = np.ones((1, len(combos)))
        for k, (path, risk, _, window) in enumerate(switches):
            chance = outcome_probabilities(risk, number((*path, "probability"), risk.probability), window)
            position = np.array([window if np.isinf(c[k]) else int(c[k]) - switches[k][2] for c in combos])
            total = total * chance[:, position]
        return total

    return Outcomes(len(combos), happened, weights)


def collapse(rows: np.ndarray, weights: np.ndarray, count: int) -> np.ndarray:
    """(R or 1, years) from (R x count or 1, years): each block of `count` outcome rows weighed by `weights`
    (R or 1, count). An array that no outcome changes (one row) is kept as it is."""
    if rows.shape[0] == 1:
        return rows
    blocks = rows.reshape(-1, count, rows.shape[1])
    return np.einsum("rky,rk->ry", blocks, np.broadcast_to(weights, blocks.shape[:2]))


def refund(
    real: bool,
    cost: np.ndarray,
    level: np.ndarray,
    cap: np.ndarray | None,
    cap_total: np.ndarray | None,
    active: np.ndarray,
    price_index: np.ndarray,
) -> np.ndarray:
    """(rows or 1, years) what the provider pays back each year: the named lines' cost above the level, at
    most `cap` a year and `cap_total` over the years it holds, in the years it holds. Amounts in real prices
    (`prices: real`) are compared in real prices. (Nothing once its provider has failed: projection.py.)"""
    above = cost / price_index - level if real else cost - level
    paid = _paid(above, active, cap)
    if cap_total is not None:
        running = np.minimum(np.cumsum(paid, axis=1), cap_total)
        paid = np.diff(running, axis=1, prepend=0.0)
    return paid * price_index if real else paid


def _paid(above: np.ndarray, active: np.ndarray, cap: np.ndarray | None) -> np.ndarray:
    """What is paid back in a year of cost `above` the level: the part above 0, in the years it holds, at most
    `cap`."""
    paid = np.maximum(above, 0.0) * active
    return paid if cap is None else np.minimum(paid, cap)


def cash_refund(
    written: Sequence[tuple[np.ndarray, bool]],
    level: np.ndarray,
    cap: np.ndarray | None,
    active: np.ndarray,
    price_index: np.ndarray,
) -> np.ndarray | None:
    """(draws, years) what `refund` pays back in cash (without a cap over the years) against the cost of lines
    written one row deep (1, years), each in cash or (True) in real prices, times the drawn price index; the
    same array, bit for bit, made without a pass over every draw in the years where every draw's refund is
    the same. None where that cannot be known (amounts drawn, a price index not drawn, no such year).

    In a year where each line's price in real prices is all of one sign, a line's cash cost rises (or falls)
    with the price index, and so does the lines' cost (added up in order, as `refund` is given it) and the
    cost above the level: rounding keeps the order. So the cost at the year's lowest and highest index bound
    every draw's: the same at both, every draw has that cost; the most of them below the level, nothing is
    paid back in any draw. (A guarantee of an income in real prices below a level in cash: the income rises
    with the index, above the level from its first year, in every draw.) Only the other years are worked out
    draw by draw."""
    if price_index.shape[0] == 1 or level.shape[0] != 1 or (cap is not None and cap.shape[0] != 1):
        return None
    if any(amounts.shape[0] != 1 for amounts, _ in written) or not any(real for _, real in written):
        return None  # amounts drawn; or lines all in cash, whose refund is one row already
    lowest, highest = price_index.min(axis=0, keepdims=True), price_index.max(axis=0, keepdims=True)
    indexed = np.array([amounts[0] for amounts, real in written if real]).reshape(-1, price_index.shape[1])
    one_sign = (indexed >= 0).all(axis=0) | (indexed <= 0).all(axis=0)
    ordered = one_sign & (lowest[0] > 0) & np.isfinite(highest[0])  # 0 or below, or inf: not known
    at_lowest, at_highest = _cost(written, lowest), _cost(written, highest)
    same = ordered & (at_lowest[0] == at_highest[0])  # never -0: a sum from 0 of terms that add up to 0 is 0
    most = np.maximum(at_lowest, at_highest)
    below = ordered & (most[0] - level[0, 0] < 0)
    known = same | below
    if not known.any():
        return None
    # Each known year as any draw's: its cost (the same in every draw) or the most cost, which pays nothing.
    paid = np.empty_like(price_index)  # the layout refund's pass over the index gives (K order)
    known_paid = _paid(np.where(same, at_lowest, most) - level, active, cap)
    if known.all():  # the usual case: a plain fill
        paid[...] = known_paid
    else:
        unknown = ~known
        paid[:, known] = known_paid[:, known]
        columns = price_index[:, unknown]
        cost = _cost([(amounts[:, unknown], real) for amounts, real in written], columns)
        paid[:, unknown] = _paid(cost - level, active[:, unknown], cap)
    return paid


def _cost(written: Sequence[tuple[np.ndarray, bool]], price_index: np.ndarray) -> np.ndarray:
    """The lines' cash cost at a price index: added up from 0 in order, as projection.py adds their flows."""
    total = np.zeros((1, price_index.shape[1]))
    for amounts, real in written:
        total = total + (amounts * price_index if real else amounts)
    return total
