"""Totals of the payments to a supplier: by financial year, by payee name, and by category each year.

Amounts stay in whole pence until shown, so totals are exact; credit notes (negative
amounts) net off against payments, and both are kept apart too, so that a year's figure
can be checked against the files. Financial years run April to March and are named by the
year they start in: 2013 is 2013/14.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from barnetmodel.payments.ledger import Ledger, financial_year


@dataclass(frozen=True)
class Amounts:
    """Some payments: how many rows, the payments and the credit notes among them, in pence."""

    rows: int = 0
    paid_pence: int = 0  # the positive amounts
    credited_pence: int = 0  # the negative amounts (credit notes), zero or less

    @property
    def net_pence(self) -> int:
        return self.paid_pence + self.credited_pence

    @property
    def net(self) -> float:
        """In pounds: payments less credit notes."""
        return self.net_pence / 100

    @property
    def paid(self) -> float:
        return self.paid_pence / 100

    @property
    def credited(self) -> float:
        return self.credited_pence / 100


@dataclass(frozen=True)
class Summary:
    """The payments to the payees matched, from one ledger."""

    total: Amounts
    years: dict[int, Amounts]  # financial year -> its payments, earliest first
    payees: dict[str, Amounts]  # each payee name matched -> its payments, largest net first
    # field (expense_type, service_area, description) -> year -> category -> payments, largest net first; "" is not given
    categories: dict[str, dict[int, dict[str, Amounts]]]
    repeated: Amounts  # rows to these payees dropped as repeats of an earlier file's
    skipped: Amounts  # rows to these payees whose date or amount could not be read (their amounts, where read)
    skipped_without_amount: int  # of `skipped`, rows whose amount could not be read


def _amounts(pence: npt.NDArray[np.int64]) -> Amounts:
    return Amounts(len(pence), int(pence[pence > 0].sum()), int(pence[pence < 0].sum()))


def _grouped(keys: npt.NDArray[np.int64], pence: npt.NDArray[np.int64]) -> dict[int, Amounts]:
    """The amounts of each distinct key, in key order."""
    distinct, group = np.unique(keys, return_inverse=True)
    rows = np.bincount(group, minlength=len(distinct))
    paid = np.zeros(len(distinct), dtype=np.int64)
    credited = np.zeros(len(distinct), dtype=np.int64)
    np.add.at(paid, group, np.maximum(pence, 0))  # add.at: int64 sums, exact
    np.add.at(credited, group, np.minimum(pence, 0))
    return {
        int(key): Amounts(int(n), int(p), int(c)) for key, n, p, c in zip(distinct, rows, paid, credited, strict=True)
    }


def _largest_first(named: dict[str, Amounts]) -> dict[str, Amounts]:
    return dict(sorted(named.items(), key=lambda item: (-item[1].net_pence, item[0])))


def summarise(ledger: Ledger, matched: npt.NDArray[np.bool_]) -> Summary:
    """Totals of the rows whose payee is matched: `matched` has one entry per distinct payee
    name (`ledger.payee.values`), as `match_supplier` gives it."""
    rows = matched[ledger.payee.codes]
    pence = ledger.pence[rows]
    year = financial_year(ledger.day[rows])
    payee = ledger.payee.codes[rows].astype(np.int64)
    payees = {ledger.payee.values[code]: amounts for code, amounts in _grouped(payee, pence).items()}

    categories: dict[str, dict[int, dict[str, Amounts]]] = {}
    for name, column in ledger.categories.items():
        width = len(column.values)
        by_year: dict[int, dict[str, Amounts]] = {}
        for key, amounts in _grouped(year * width + column.codes[rows], pence).items():
            by_year.setdefault(key // width, {})[column.values[key % width]] = amounts
        categories[name] = {y: _largest_first(found) for y, found in by_year.items()}

    skipped = ledger.skipped
    skipped_rows = matched[skipped.payee]
    return Summary(
        total=_amounts(pence),
        years=_grouped(year, pence),
        payees=_largest_first(payees),
        categories=categories,
        repeated=_amounts(ledger.duplicates.pence[matched[ledger.duplicates.payee]]),
        skipped=_amounts(skipped.pence[skipped_rows]),
        skipped_without_amount=int((skipped_rows & ~skipped.amount_read).sum()),
    )
