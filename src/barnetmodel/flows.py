"""Cash flows kept in factored form: a per-draw amount times a yearly profile.

A line's flow over draws and years is, in every case the engine builds, an amount per draw
(or one for all draws) times a profile over the years (usually the same for every draw), and
times the price index when the amount is in real prices. Kept that way, a weighted sum over
the years (a total, a present value, a target's saving) of a million draws is a pass over the
amounts, not over draws x years; the full (draws, years) array is made only when asked for.

Profiles are never negative (growth is above -100%, ramps are shares from 0 to 1, spreads
and indicators are positive), so a flow's sign in any year is its amount's sign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Flow:
    """amount x profile (x price index if `indexed`): a nominal cash flow over (draws, years)."""

    amount: np.ndarray  # (draws or 1, 1)
    profile: np.ndarray  # (draws or 1, years), never negative
    indexed: bool = False  # the amount is in real prices: the nominal flow is also times the price index

    def nominal(self, price_index: np.ndarray) -> np.ndarray:
        """(draws or 1, years) the flow in cash."""
        written = self.amount * self.profile
        return written * price_index if self.indexed else written

    def scaled(self, factor: np.ndarray | float) -> Flow:
        """The flow with its amount times `factor` (a number, or one per draw)."""
        return Flow(self.amount * factor, self.profile, self.indexed)


@dataclass(frozen=True)
class Event:
    """A cost that lands in one year of some draws: `amount` of draw `rows[i]` in year `columns[i]`."""

    draws: int
    amount: np.ndarray  # (draws or 1, 1)
    rows: np.ndarray  # (hits,) the draws in which it happens
    columns: np.ndarray  # (hits,) the year (index) it happens in, in each of those draws
    years: int
    indexed: bool = False

    def nominal(self, price_index: np.ndarray) -> np.ndarray:
        flow = np.zeros((self.draws, self.years))
        flow[self.rows, self.columns] = self._hit_amounts()
        return flow * price_index if self.indexed else flow

    def _hit_amounts(self) -> np.ndarray:
        return np.broadcast_to(self.amount[:, 0], self.draws)[self.rows]


def weigh(flows: Iterable[Flow | Event], factor: np.ndarray | None, weights: np.ndarray) -> np.ndarray:
    """(draws or 1, k): the sum of the flows, times `factor` (draws or 1, years) if given, summed over the
    years with each column of `weights` (years, k). Same figures as (sum of dense flows x factor) @ weights,
    to rounding, at a cost of a pass over the draws per flow drawn and one matrix product."""
    total: np.ndarray = np.zeros((1, weights.shape[1]))
    fixed = np.zeros_like(weights)  # the weights times every flow that no draw changes, added up
    drawn: list[Flow] = []  # flows whose amount is drawn but whose profile is not
    for flow in flows:
        if isinstance(flow, Event):
            total = total + _weigh_event(flow, factor, weights)
        elif flow.profile.shape[0] != 1:  # a profile that differs between draws: weigh it whole
            profile = flow.profile if factor is None else flow.profile * factor
            total = total + flow.amount * (profile @ weights)
        elif flow.amount.shape[0] == 1:
            fixed += flow.amount[0, 0] * (flow.profile.T * weights)
        else:
            drawn.append(flow)
    # One product of the factor with every profile's weighted columns; then each drawn amount scales its own.
    columns = np.hstack([fixed, *(flow.profile.T * weights for flow in drawn)])
    weighed = columns.sum(axis=0, keepdims=True) if factor is None else factor @ columns
    k = weights.shape[1]
    total = total + weighed[:, :k]
    for i, flow in enumerate(drawn, start=1):
        total = total + flow.amount * weighed[:, i * k : (i + 1) * k]
    return total


def _weigh_event(event: Event, factor: np.ndarray | None, weights: np.ndarray) -> np.ndarray:
    """(draws, k): each draw's event cost times the factor and weights of the year it lands in."""
    hit = event._hit_amounts()[:, None] * weights[event.columns]
    if factor is not None:
        rows = event.rows if factor.shape[0] != 1 else np.zeros_like(event.rows)
        hit = hit * factor[rows, event.columns][:, None]
    total = np.zeros((event.draws, weights.shape[1]))
    total[event.rows] = hit
    return total
