"""Cash flows kept in factored form: a per-draw amount times a yearly profile.

A line's flow over draws and years is, in every case the engine builds, an amount per draw
(or one for all draws) times a profile over the years (usually the same for every draw), and
times the price index when the amount is in real prices. Kept that way, a weighted sum over
the years (a total, a present value, a target's saving) of a million draws is a pass over the
amounts, not over draws x years; the full (draws, years) array is made only when asked for.

Profiles are never negative (growth is above -100%, ramps are shares from 0 to 1, spreads
and indicators are positive), so a flow's sign in any year is its amount's sign; except for
a line drawn afresh each year (draw: yearly), whose amount is 1 and whose profile carries the
draws, signs and all (`signed`). Optimism bias tells costs from incomes by these signs. (A run
without draws that weighs the outcomes of switches gives flows of amount 1 whose weighed
profile carries the sign, after optimism bias.)

What a switch does (a provider failing, in a few draws) is kept apart too: a `Switched` flow is
its flow in every draw as if nothing happened, and the change in the draws where it does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Flow:
    """amount x profile (x price index if `indexed`): a nominal cash flow over (draws, years)."""

    amount: np.ndarray  # (draws or 1, 1)
    profile: np.ndarray  # (draws or 1, years), never negative unless `signed`
    indexed: bool = False  # the amount is in real prices: the nominal flow is also times the price index
    signed: bool = False  # the profile holds values drawn each year, which may be negative
    transfer: bool = False  # a transfer: left out of the economic case's present values
    # (draws, years), never negative: a drawn growth rate's powers, one array shared by every line grown at
    # that rate (so made and weighed once, not once a line); the flow's whole profile is profile x grown.
    grown: np.ndarray | None = None

    def shape(self) -> np.ndarray:
        """(draws or 1, years) the whole profile."""
        return self.profile if self.grown is None else self.profile * self.grown

    def written(self) -> np.ndarray:
        """(draws or 1, years) the flow as written: in its own prices."""
        return self.amount * self.shape()

    def nominal(self, price_index: np.ndarray) -> np.ndarray:
        """(draws or 1, years) the flow in cash."""
        written = self.written()
        return written * price_index if self.indexed else written

    def written_rows(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), years) the flow as written in some draws only."""
        amount = self.amount[rows] if self.amount.shape[0] != 1 else self.amount
        profile = self.profile[rows] if self.profile.shape[0] != 1 else self.profile
        if self.grown is not None:
            profile = profile * self.grown[rows]
        return np.broadcast_to(amount * profile, (len(rows), self.profile.shape[1]))

    def scaled(self, factor: np.ndarray | float) -> Flow:
        """The flow with its amount times `factor` (a number, or one per draw)."""
        return replace(self, amount=self.amount * factor)

    def reshaped(self, factor: np.ndarray) -> Flow:
        """The flow with its profile times `factor` (one a year, or one a draw and year)."""
        if _ones(factor, self.profile):  # times 1 changes nothing: the same profile, not a pass over every draw
            return self
        return replace(self, profile=self.profile * factor)

    def marked(self, *, indexed: bool, transfer: bool) -> Flow:
        """The flow with its price basis and transfer mark set."""
        return replace(self, indexed=indexed, transfer=transfer)

    def running(self) -> Flow:
        """1 in the years the flow's profile runs (not 0), else 0."""
        return Flow(np.ones((1, 1)), (self.shape() != 0).astype(float))


@dataclass(frozen=True)
class Switched:
    """`base`, the flow in every draw as if no switch happened, and `delta`, the change in its written amounts
    in draws `rows` (where a switch happens): what the flow is, without a pass over every draw and year."""

    base: Flow
    draws: int
    rows: np.ndarray  # (hits,)
    delta: np.ndarray  # (hits, years), in the flow's own prices

    # The base's: what optimism bias tells costs from incomes by (a switch stops or starts a line, at
    # most at a premium: it never turns a cost into an income).
    @property
    def amount(self) -> np.ndarray:
        return self.base.amount

    @property
    def profile(self) -> np.ndarray:
        return self.base.profile

    @property
    def indexed(self) -> bool:
        return self.base.indexed

    @property
    def signed(self) -> bool:
        return self.base.signed

    @property
    def transfer(self) -> bool:
        return self.base.transfer

    def written(self) -> np.ndarray:
        whole = np.array(np.broadcast_to(self.base.written(), (self.draws, self.delta.shape[1])))
        whole[self.rows] += self.delta
        return whole

    def nominal(self, price_index: np.ndarray) -> np.ndarray:
        written = self.written()
        return written * price_index if self.indexed else written

    def written_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.written()[rows]

    def scaled(self, factor: np.ndarray | float) -> Switched:
        return Switched(self.base.scaled(factor), self.draws, self.rows, self.delta * at_rows(factor, self.rows))

    def reshaped(self, factor: np.ndarray) -> Switched:
        if _ones(factor, self.profile):
            return self
        return Switched(self.base.reshaped(factor), self.draws, self.rows, self.delta * at_rows(factor, self.rows))

    def marked(self, *, indexed: bool, transfer: bool) -> Switched:
        return Switched(self.base.marked(indexed=indexed, transfer=transfer), self.draws, self.rows, self.delta)

    def running(self) -> Switched:
        base = self.base.running()
        now = (self.base.written_rows(self.rows) + self.delta != 0).astype(float)
        return Switched(base, self.draws, self.rows, now - base.written_rows(self.rows))


def powers(base: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """base ** periods, for bases of shape (draws or 1, 1) and consecutive whole periods (years,)."""
    if base.shape[0] == 1:
        return base**periods  # exact powers for the central run
    # Many draws: each year's factor is the year before's times the base, one multiplication per year
    # over contiguous rows, far cheaper than a power (or exp) of every element.
    base = base[:, 0]
    by_year = np.empty((len(periods), len(base)))
    by_year[0] = base ** periods[0]
    for k in range(1, len(periods)):
        np.multiply(by_year[k - 1], base, out=by_year[k])
    return by_year.T  # (draws, years) in the layout it was made in: each year's draws side by side


AnyFlow = Flow | Switched  # what a line or guarantee is: factored, or factored with a switch's change


def _ones(factor: np.ndarray, profile: np.ndarray) -> bool:
    """Whether `factor` is 1 in every year, one row (or none) deep: a profile times it is the profile itself,
    bit for bit, in its shape. A share of a whole line (drawn indexation) then keeps that line's profile, one
    array, which weigh() weighs once for both."""
    return factor.ndim <= profile.ndim and factor.shape[:-1] in ((), (1,)) and bool((factor == 1.0).all())


def at_rows(factor: np.ndarray | float, rows: np.ndarray) -> np.ndarray | float:
    """A factor (a number, or one per draw or year, or per draw and year) in some draws only."""
    if isinstance(factor, np.ndarray) and factor.ndim == 2 and factor.shape[0] != 1:
        return factor[rows]
    return factor


@dataclass(frozen=True)
class Event:
    """A cost that lands in one year of some draws: `amount` of draw `rows[i]` in year `columns[i]`."""

    draws: int
    amount: np.ndarray  # (draws or 1, 1)
    rows: np.ndarray  # (hits,) the draws in which it happens
    columns: np.ndarray  # (hits,) the year (index) it happens in, in each of those draws
    years: int
    indexed: bool = False
    transfer: bool = False  # never: a risk's cost is a cost to society

    def nominal(self, price_index: np.ndarray) -> np.ndarray:
        flow = np.zeros((self.draws, self.years))
        flow[self.rows, self.columns] = self.hit_amounts()
        return flow * price_index if self.indexed else flow

    def hit_amounts(self) -> np.ndarray:
        return np.broadcast_to(self.amount[:, 0], self.draws)[self.rows]

    def factor_at_hits(self, factor: np.ndarray) -> np.ndarray:
        """(hits,) a factor (draws or 1, years) in each hit's draw and the year it lands in."""
        rows = self.rows if factor.shape[0] != 1 else np.zeros_like(self.rows)
        return factor[rows, self.columns]


def weigh(
    groups: list[list[Flow | Switched | Event]],
    weights: np.ndarray,
    factors: tuple[np.ndarray | None, np.ndarray | None],
) -> list[np.ndarray]:
    """For each group of flows, (k, draws or 1): the sum of its flows, each year times a factor (draws or 1,
    years), summed over the years with each column of `weights` (years, k). `factors` holds the factor of
    flows in cash and of flows `indexed` (in real prices); None is 1. The same figures as ((sum of whole
    flows) x factor) @ weights, to rounding, for the cost of one product with each factor for all groups
    (rows for each distinct profile, whichever flows have it) and a pass over the draws per drawn amount.
    Flows that share a drawn growth are weighed together (_weigh_grown), each added in its turn: the same
    figures, bit for bit, as weighing each whole. Results are one row per column of weights: each row's
    draws side by side, for fast passes over them."""
    k = weights.shape[1]
    parts = [_Sum() for _ in groups]  # (k, draws or 1) each, added up per group as they come
    events: list[list[Event | Switched]] = [[] for _ in groups]  # each adds to a few draws
    blocks: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])  # per factor: (years, k) weights x profiles
    # Per factor: (group, block, amounts (None: 1)) for each drawn flow, and each group's fixed flows. A profile
    # many lines share (every year alike, a window, a term) is one block, weighed once for all of them; each
    # line's amounts then multiply the weighed block, as if it were its own (the same figures, bit for bit).
    scale: tuple[list[tuple[int, int, np.ndarray | None]], ...] = ([], [])
    profiles: tuple[dict[bytes, int], dict[bytes, int]] = ({}, {})  # per factor: profile -> its block
    grown = _weigh_grown(groups, weights, factors)  # per flow sharing a drawn growth: its weighed rows
    # A whole profile several flows share (a line and its shares: drawn indexation) is weighed once, and its
    # weighed rows kept only until the last of those flows has taken them.
    uses = Counter(
        _whole_key(flow)
        for group in groups
        for each in group
        if not isinstance(each, Event)
        and id(flow := each.base if isinstance(each, Switched) else each) not in grown
        and (flow.grown is not None or flow.profile.shape[0] != 1)
    )
    whole: dict[tuple[int, int, bool], np.ndarray] = {}  # (profile, growth, indexed) -> its weighed rows
    for g, flows in enumerate(groups):
        fixed: list[np.ndarray | None] = [None, None]  # per factor: the flows that no draw changes, added up
        for each in flows:
            factor = factors[each.indexed]
            if isinstance(each, Event):
                events[g].append(each)
                continue
            if isinstance(each, Switched):  # its change in a few draws, like an event; the rest as any flow
                events[g].append(each)
            flow = each.base if isinstance(each, Switched) else each
            if id(flow) in grown:  # weighed with the others of its growth, added here in its turn
                parts[g].add(grown[id(flow)] * flow.amount[:, 0])
            elif flow.grown is not None or flow.profile.shape[0] != 1:  # differs between draws: weighed whole
                # Once for the flows that share the profile: the same product each would make, times each one's
                # amounts.
                key = _whole_key(flow)
                weighed = whole.pop(key, None)
                if weighed is None:
                    profile = flow.shape() if factor is None else flow.shape() * factor
                    weighed = _product(weights.T, profile.T)
                uses[key] -= 1
                if uses[key]:
                    whole[key] = weighed
                parts[g].add(weighed * flow.amount[:, 0])
            elif flow.amount.shape[0] == 1:
                part = flow.amount[0, 0] * (flow.profile.T * weights)
                same = fixed[flow.indexed]
                fixed[flow.indexed] = part if same is None else same + part
            else:
                block = profiles[flow.indexed].setdefault(flow.profile.tobytes(), len(blocks[flow.indexed]))
                if block == len(blocks[flow.indexed]):
                    blocks[flow.indexed].append(flow.profile.T * weights)
                scale[flow.indexed].append((g, block, flow.amount[:, 0]))
        for indexed, part in enumerate(fixed):
            if part is not None:
                scale[indexed].append((g, len(blocks[indexed]), None))
                blocks[indexed].append(part)
    for indexed, factor in enumerate(factors):
        if not blocks[indexed]:
            continue
        columns = np.hstack(blocks[indexed]).T  # (k x blocks, years)
        weighed = columns.sum(axis=1, keepdims=True) if factor is None else _product(columns, factor.T)
        for g, i, amount in scale[indexed]:
            part = weighed[i * k : (i + 1) * k]
            parts[g].add(part if amount is None else part * amount)
    totals = []
    for g in range(len(groups)):
        total = parts[g].total(k)
        if events[g]:  # an event adds to the few draws it happens in: into a whole array of the group's own
            draws = events[g][0].draws
            if total.shape != (k, draws) or total.base is not None:  # not whole, or a view of another's
                total = np.array(np.broadcast_to(total, (k, draws)))
            for event in events[g]:
                if isinstance(event, Event):
                    _add_event(total, event, factors[event.indexed], weights)
            for indexed, rows, delta in _merged([e for e in events[g] if isinstance(e, Switched)]):
                _add_rows(total, rows, delta, factors[indexed], weights)
        totals.append(total)
    return totals


def _whole_key(flow: Flow) -> tuple[int, int, bool]:
    """What a flow weighed whole is weighed by: its profile, growth and price basis (arrays by identity)."""
    return (id(flow.profile), id(flow.grown), flow.indexed)


def weighed_rows(groups: list[list[Flow | Switched | Event]]) -> int:
    """The rows of draws that `weigh` holds at most at once for these groups, per column of weights: it takes
    about that many times k (the columns) values a draw. Each growth's weighed profiles (kept to the end),
    each profile block (and its copy while weighed) and each group's sum, and a few being made; what its
    memory grows with when k is large (every year a column)."""
    grown: set[tuple[int, bool, bytes]] = set()
    blocks: set[tuple[bool, bytes]] = set()
    fixed = 0
    for flows in groups:
        fixed_kinds: set[bool] = set()
        for each in flows:
            flow = each.base if isinstance(each, Switched) else each
            if isinstance(flow, Event):
                continue
            if flow.grown is not None and flow.profile.shape[0] == 1:
                grown.add((id(flow.grown), flow.indexed, flow.profile.tobytes()))
            elif flow.grown is None and flow.profile.shape[0] == 1:
                if flow.amount.shape[0] == 1:
                    fixed_kinds.add(flow.indexed)
                else:
                    blocks.add((flow.indexed, flow.profile.tobytes()))
        fixed += len(fixed_kinds)
    return len(grown) + 2 * (len(blocks) + fixed) + len(groups) + 4


def _weigh_grown(
    groups: list[list[Flow | Switched | Event]],
    weights: np.ndarray,
    factors: tuple[np.ndarray | None, np.ndarray | None],
) -> dict[int, np.ndarray]:
    """For each plain flow (by id) that shares a drawn growth with others, its profile one row, (k, draws):
    its weighted sum before its amount, made once for all the flows of that growth and profile. Bit for bit
    the figures of weighing each flow whole. Profiles of 0s and 1s (the years a line is active) go through
    one product with the growth times its factor, made once: (profile x weight) x (growth x factor) is
    weight x ((profile x growth) x factor) exactly when the profile is 0 or 1. A profile of other values (a
    ramp) would round differently that way: it is weighed whole, once for the flows that have it."""
    k = weights.shape[1]
    shared: dict[tuple[int, bool], list[Flow]] = {}  # (growth, indexed) -> its flows, in order
    for group in groups:
        for each in group:
            if isinstance(each, Flow) and each.grown is not None and each.profile.shape[0] == 1:
                shared.setdefault((id(each.grown), each.indexed), []).append(each)
    found: dict[int, np.ndarray] = {}
    for (_, indexed), flows in shared.items():
        factor = factors[indexed]
        steps: dict[bytes, Flow] = {}  # a profile of 0s and 1s -> a flow that has it
        others: dict[bytes, np.ndarray] = {}  # any other profile -> its weighed rows
        for flow in flows:
            key = flow.profile.tobytes()
            if bool(((flow.profile == 0) | (flow.profile == 1)).all()):
                steps.setdefault(key, flow)
            elif key not in others:
                whole = flow.shape() if factor is None else flow.shape() * factor
                others[key] = _product(weights.T, whole.T)
        if steps:
            grown = flows[0].grown
            assert grown is not None
            whole = grown if factor is None else grown * factor  # (draws, years)
            columns = np.hstack([flow.profile.T * weights for flow in steps.values()]).T  # (k x rows, years)
            weighed = _product(columns, whole.T)
            others |= {key: weighed[i * k : (i + 1) * k] for i, key in enumerate(steps)}
        found |= {id(flow): others[flow.profile.tobytes()] for flow in flows}
    return found


def _merged(flows: list[Switched]) -> list[tuple[bool, np.ndarray, np.ndarray]]:
    """The changes of switched flows, those in the same draws (one switch's) and prices added up: one product
    each, not one a flow."""
    found: dict[tuple[bool, int], tuple[np.ndarray, np.ndarray]] = {}
    for flow in flows:
        key = (flow.indexed, id(flow.rows))
        if key in found:
            rows, delta = found[key]
            found[key] = (rows, delta + flow.delta)
        else:
            found[key] = (flow.rows, flow.delta)
    return [(indexed, rows, delta) for (indexed, _), (rows, delta) in found.items()]


class _Sum:
    """The sum of (k, draws or 1) arrays, added as they come: the whole ones, in the order they come, into one
    array (so a group of thousands of drawn flows holds one (k, draws) array, not thousands), then the one-row
    ones in their order; the same additions in the same order as adding them all up at the end, whole first."""

    def __init__(self) -> None:
        self.whole: np.ndarray | None = None
        self.first: np.ndarray | None = None  # the first whole array, kept as it is until a second comes
        self.rows: list[np.ndarray] = []

    def add(self, part: np.ndarray) -> None:
        if part.shape[1] == 1:
            self.rows.append(part)
        elif self.first is None and self.whole is None:
            self.first = part
        elif self.whole is None:
            assert self.first is not None
            self.whole, self.first = self.first + part, None
        else:
            self.whole += part

    def total(self, k: int) -> np.ndarray:
        parts = [p for p in (self.whole, self.first) if p is not None] + self.rows
        if not parts:
            return np.zeros((k, 1))
        if len(parts) == 1:
            return parts[0]
        total = parts[0] + parts[1]
        for part in parts[2:]:
            total += part
        return total


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b for a short (rows, years) by a long (years, draws): numpy's own loops, not BLAS, whose
    threads would wait spinning for more work and take the cores the Monte Carlo run works on.

    A row of `a` is often zero in its first or last years (a line that starts or ends within the horizon, a
    target counted to a year, a one-off amount): each row is summed over the years from its first weight to its
    last only, and a row of one weight is that weight times a row of `b`. The same figures, bit for bit, as
    the whole sum (numpy's einsum sums each product from zero, year by year: the years left out add zeros),
    for a pass over the draws per year a row weighs, not per year of the horizon."""
    nonzero = a != 0
    years = a.shape[1]
    first = nonzero.argmax(axis=1)
    last = years - 1 - nonzero[:, ::-1].argmax(axis=1)
    if years == 1 or bool(((first == 0) & (last == years - 1)).all()):
        return np.einsum("ij,jn->in", a, b)
    product = np.empty((a.shape[0], b.shape[1]))
    for row, (start, end) in enumerate(zip(first.tolist(), last.tolist(), strict=True)):
        if start == end or not nonzero[row, start]:  # one weight, or none
            np.multiply(b[start], a[row, start], out=product[row])
        else:
            np.einsum("j,jn->n", a[row, start : end + 1], b[start : end + 1], out=product[row])
    product += 0.0  # as the sum from zero does: -0 becomes 0
    return product


def _add_event(total: np.ndarray, event: Event, factor: np.ndarray | None, weights: np.ndarray) -> None:
    """Adds to `total` (k, draws) each draw's event cost times the factor and weights of the year it lands in."""
    hit = weights[event.columns].T * event.hit_amounts()
    if factor is not None:
        hit = hit * event.factor_at_hits(factor)
    total[:, event.rows] += hit  # each draw at most once: no repeated index


def _add_rows(
    total: np.ndarray, rows: np.ndarray, delta: np.ndarray, factor: np.ndarray | None, weights: np.ndarray
) -> None:
    """Adds to `total` (k, draws) a change in draws `rows` (hits, years), times the factor, weighed."""
    if factor is not None:
        delta = delta * at_rows(factor, rows)
    total[:, rows] += _product(weights.T, delta.T)
