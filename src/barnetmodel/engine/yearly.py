"""Each year's cost of a group of flows, for the yearly bands: the factored flows (engine/flows.py) added up year
by year, without a (years, draws) array for every line."""

from __future__ import annotations

from collections import Counter

import numpy as np

from barnetmodel.engine.flows import Event, Flow, Switched, at_rows

# Draws to a slice of the lines' einsum in `totals`: (years, slice) arrays that stay in a core's cache.
YEARLY_SLICE = 2048


def totals(
    groups: list[list[Flow | Switched | Event]], factors: tuple[np.ndarray | None, np.ndarray | None], years: int
) -> list[np.ndarray]:
    """For each group of flows, (years, draws or 1): its flows added up year by year, each times the factor of
    its price basis (`factors` as weigh's; None is 1). What weigh gives with one column of weights a year, to
    rounding, for a fraction of the work: weighing makes each line's (years, draws) flow and adds it, two
    passes over every line's years and draws; here the lines that share a growth and price basis are added
    up first, their amounts times their profiles summed over the lines in one einsum (a multiply-add a line,
    year and draw, in cache-sized slices of draws), and then times their growth and factor once."""
    totals = []
    shapes: dict[tuple[int, bool], np.ndarray | None] = {}  # (growth, indexed) -> growth x factor, for all groups
    for flows in groups:
        total = np.zeros((years, 1))
        families: dict[tuple[int, bool], _Family] = {}  # (growth, indexed) -> its lines' amounts and profiles
        changes: list[Event | Switched] = []  # each adds to a few draws
        for each in flows:
            if isinstance(each, Event):
                changes.append(each)
                continue
            if isinstance(each, Switched):
                changes.append(each)
            flow = each.base if isinstance(each, Switched) else each
            if flow.profile.shape[0] != 1:  # a drawn profile (or drawn each year): the flow whole
                factor, written = factors[flow.indexed], flow.written()
                total = _plus(total, (written if factor is None else written * factor).T)
            else:
                family = families.setdefault((id(flow.grown), flow.indexed), _Family(flow.grown))
                family.add(flow)
        for (growth, indexed), family in families.items():
            if (growth, indexed) not in shapes:
                factor, grown = factors[indexed], family.grown
                shapes[growth, indexed] = grown if factor is None else factor if grown is None else grown * factor
            total = _plus(total, family.total(shapes[growth, indexed]))
        for change in changes:
            total = _changed(total, change, factors[change.indexed])
        total += 0.0  # as a sum from zero: -0 becomes 0
        totals.append(total)
    return totals


def _plus(total: np.ndarray, part: np.ndarray) -> np.ndarray:
    """total + part, (years, draws or 1) each: into `total` (an array of its own, made by `totals`) where it
    has the shape."""
    if total.shape[1] < part.shape[1]:
        return part + total  # a new array: `part` may be a flow's own
    total += part
    return total


def values_held(groups: list[list[Flow | Switched | Event]], years: int) -> int:
    """The values a draw that `totals` holds at most at once for these groups: each group's total (years), each
    growth x factor it shares between groups (years, one per growth and price basis), a family's sum being made
    and its product (years each), and that family's amounts (one a line)."""
    shared: set[tuple[int, bool]] = set()
    lines = 0
    for flows in groups:
        families: Counter[tuple[int, bool]] = Counter()
        for each in flows:
            flow = each.base if isinstance(each, Switched) else each
            if isinstance(flow, Flow) and flow.profile.shape[0] == 1:
                families[id(flow.grown), flow.indexed] += flow.amount.shape[0] != 1
        shared |= set(families)
        lines = max([lines, *families.values()])
    return years * (len(groups) + len(shared) + 2) + lines


class _Family:
    """Flows of one-row profiles that share a growth (or none) and price basis: their amounts and profiles,
    added up year by year before the growth and factor multiply them."""

    def __init__(self, grown: np.ndarray | None) -> None:
        self.grown = grown
        self.fixed: np.ndarray | None = None  # (years,) the lines of fixed amounts, amount x profile added up
        self.amounts: list[np.ndarray] = []  # (draws,) each drawn amount
        self.profiles: list[np.ndarray] = []  # (years,) the profile of each

    def add(self, flow: Flow) -> None:
        if flow.amount.shape[0] == 1:
            part = flow.amount[0, 0] * flow.profile[0]
            self.fixed = part if self.fixed is None else self.fixed + part
        else:
            self.amounts.append(flow.amount[:, 0])
            self.profiles.append(flow.profile[0])

    def total(self, shape: np.ndarray | None) -> np.ndarray:
        """(years, draws or 1) the family's flows added up year by year, times `shape` (draws or 1, years): its
        growth times its factor."""
        if self.amounts:
            total = _lines_by_year(np.array(self.profiles), np.array(self.amounts))
            if self.fixed is not None:
                total += self.fixed[:, None]
        else:
            assert self.fixed is not None
            total = self.fixed[:, None]
        if shape is None:
            return total
        if total.shape[1] == 1 and shape.shape[0] != 1:
            return total * shape.T
        total *= shape.T
        return total


def _lines_by_year(profiles: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """(years, draws): sum over lines of each line's amounts (lines, draws) times its profile (lines, years),
    in slices of YEARLY_SLICE draws."""
    draws = amounts.shape[1]
    total = np.empty((profiles.shape[1], draws))
    for start in range(0, draws, YEARLY_SLICE):
        end = min(start + YEARLY_SLICE, draws)
        np.einsum("ly,ld->yd", profiles, amounts[:, start:end], out=total[:, start:end])
    return total


def _changed(total: np.ndarray, change: Event | Switched, factor: np.ndarray | None) -> np.ndarray:
    """`total` (years, draws or 1) with what an event or a switch adds in the draws it happens in, made whole."""
    if total.shape[1] != change.draws:
        total = np.array(np.broadcast_to(total, (total.shape[0], change.draws)))
    if isinstance(change, Event):
        hit = change.hit_amounts()
        if factor is not None:
            hit = hit * change.factor_at_hits(factor)
        total[change.columns, change.rows] += hit  # each draw at most once: no repeated index
    else:
        delta = change.delta if factor is None else change.delta * at_rows(factor, change.rows)
        total[:, change.rows] += delta.T
    return total
