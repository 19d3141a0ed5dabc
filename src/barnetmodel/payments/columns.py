"""One file's payments as compact columns, built from its CSV rows a chunk at a time.

A chunk's rows are turned into columns in C (`zip`), and each column is turned into a
numpy array whole: dates and names through tables of their distinct texts (one
dictionary look-up a row), amounts through amounts.read_amounts. Python works row by row only
on rows that cannot be read, which are rare.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from barnetmodel.payments.amounts import amount_problem, read_amounts
from barnetmodel.payments.coded import Interner
from barnetmodel.payments.dates import FORMATS as DATE_FORMATS
from barnetmodel.payments.dates import DateReader
from barnetmodel.payments.headers import CATEGORIES, Header
from barnetmodel.payments.opening import Refused

PayeeChoice = Callable[[Sequence[str]], npt.NDArray[np.bool_]]


@dataclass
class Tables:
    """What every file of one read shares: the dates parsed, the distinct texts coded, and
    which payees' payments are kept (`choose`, asked once about each new payee name)."""

    choose: PayeeChoice | None = None
    dates: DateReader = field(default_factory=DateReader)
    payees: Interner = field(default_factory=Interner)
    categories: dict[str, Interner] = field(default_factory=lambda: {name: Interner() for name in CATEGORIES})
    _chosen: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def chosen(self, payees: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_] | None:
        """Whether each payee code's payments are kept; None when all are."""
        if self.choose is None:
            return None
        names = self.payees.values
        if len(self._chosen) < len(names):
            asked = np.asarray(self.choose(names[len(self._chosen) :]), dtype=bool)
            self._chosen = np.concatenate([self._chosen, asked])
        return self._chosen[payees]

    def mark(self) -> list[tuple[int, int]]:
        return [interner.mark() for interner in self._interners()]

    def rollback(self, marks: list[tuple[int, int]]) -> None:
        """Forget what was added since `marks`: a file's reading abandoned, to read it in another encoding."""
        for interner, mark in zip(self._interners(), marks, strict=True):
            interner.rollback(mark)
        self._chosen = self._chosen[: len(self.payees.values)]

    def _interners(self) -> list[Interner]:
        return [self.payees, *self.categories.values()]


@dataclass(frozen=True)
class BadRow:
    """A row whose date or amount could not be read."""

    record: int  # 0-based among the file's CSV records
    message: str
    pence: int | None  # None when the amount could not be read
    payee: int  # its payee's code


def transaction_hashes(texts: Sequence[str]) -> npt.NDArray[np.int64]:
    """Each transaction number's hash, as written (0 for none: Python's hash of "" is 0).

    Only repeats across files are looked for with them, and a hash is cheap where keeping a
    million numbers as text roughly doubled the reading time (measured): two different numbers
    share a 64-bit hash with odds of about 1 in 10^19, and would also need the same date,
    payee and amount to be taken for one payment.
    """
    return np.fromiter(map(hash, texts), np.int64, count=len(texts))


@dataclass(frozen=True, eq=False)
class FileRows:
    """One file's payments, read: one entry per payment in each array."""

    day: npt.NDArray[np.int64]  # days since 1970-01-01
    pence: npt.NDArray[np.int64]
    payee: npt.NDArray[np.int32]
    transaction: npt.NDArray[np.int64]
    categories: dict[str, npt.NDArray[np.int32]]  # every category, "" where the file has no such column


class FileColumns:
    """The payments of one file, added a chunk of rows at a time."""

    def __init__(self, header: Header, tables: Tables) -> None:
        self.header = header
        self.tables = tables
        self._width = max(header.columns.values()) + 1
        self._date = header.columns["date"]
        self._amount = header.columns["amount"]
        self._payee = header.columns["payee"]
        self._transaction = header.columns.get("transaction")
        # (field, column, interner, chunks) for each category the file has.
        self._categories: list[tuple[str, int, Interner, list[npt.NDArray[np.int32]]]] = [
            (name, header.columns[name], interner, [])
            for name, interner in tables.categories.items()
            if name in header.columns
        ]
        self._date_codes: list[npt.NDArray[np.int32]] = []
        self._all_dates: list[npt.NDArray[np.int32]] = []  # each chunk's dates, readable or not
        self._pence: list[npt.NDArray[np.int64]] = []
        self._payees: list[npt.NDArray[np.int32]] = []
        self._transactions: list[npt.NDArray[np.int64]] = []
        self.rows = 0  # payments read, to any payee
        self.kept = 0  # of them, to the payees chosen
        self.bad: list[BadRow] = []
        self.blank_rows = 0

    def add(self, rows: list[list[str]], first_record: int) -> None:
        """Add a chunk of data rows, the first being the file's record `first_record` (0-based)."""
        # All the columns at once, in C: twice as fast as taking the few wanted one by one (measured).
        columns = list(zip(*rows, strict=False))  # as many as the shortest row has
        if len(columns) < self._width:  # blank lines, rows cut short: pad them out
            rows = [row if len(row) >= self._width else row + [""] * (self._width - len(row)) for row in rows]
            columns = list(zip(*rows, strict=False))
        tables = self.tables
        date_codes = tables.dates.codes(columns[self._date])
        pence, amount_unreadable = read_amounts(columns[self._amount])
        payee = tables.payees.encode(columns[self._payee])
        self._all_dates.append(date_codes)

        unreadable = tables.dates.unreadable(date_codes)
        unreadable |= amount_unreadable
        keep: npt.NDArray[np.bool_] | None = None
        if unreadable.any():
            for index in np.flatnonzero(unreadable):
                amount = None if amount_unreadable[index] else int(pence[index])
                self._set_aside(rows[index], first_record + int(index), amount, int(payee[index]))
            keep = ~unreadable
        self.rows += len(rows) - int(unreadable.sum()) if keep is not None else len(rows)
        chosen = tables.chosen(payee)
        if chosen is not None:
            keep = chosen if keep is None else keep & chosen

        def kept(texts: Sequence[str]) -> Sequence[str]:
            return texts if keep is None else list(itertools.compress(texts, keep))

        if keep is not None:
            date_codes, pence, payee = date_codes[keep], pence[keep], payee[keep]
        self.kept += len(pence)
        self._date_codes.append(date_codes)
        self._pence.append(pence)
        self._payees.append(payee)
        # Categories and numbers only for the rows kept: for most payees, that is none.
        for _, column, interner, chunks in self._categories:
            chunks.append(interner.encode(kept(columns[column])))
        if self._transaction is not None:
            self._transactions.append(transaction_hashes(kept(columns[self._transaction])))

    def _set_aside(self, row: list[str], record: int, pence: int | None, payee: int) -> None:
        """A row that cannot be read: skipped without a word if it is blank, else kept to report."""
        if not any(cell.strip() for cell in row):
            self.blank_rows += 1
            return
        reasons = []
        date = row[self._date]
        if self.tables.dates.unreadable(self.tables.dates.codes([date]))[0]:
            reasons.append(f"date {date!r} is not a date (write it like {DATE_FORMATS})" if date.strip() else "no date")
        if pence is None:
            reasons.append(amount_problem(row[self._amount]))
        self.bad.append(BadRow(record, "; ".join(reasons), pence, payee))

    def finish(self) -> FileRows:
        """The file's payments kept, once all its rows are added: Refused if its dates are month first."""
        dates = self.tables.dates
        evidence = dates.month_first(_joined(self._all_dates, np.int32))
        if evidence is not None:
            raise Refused(
                f"the dates are written month first ({evidence!r} has no 13th month): dates are read day"
                " first, as UK councils write them (01/04/2013 is 1 April 2013); save the file with day-first dates"
            )
        found = {name: _joined(chunks, np.int32) for name, _, _, chunks in self._categories}
        categories = {  # a column the file does not have: "" in every row
            name: found[name] if name in found else np.full(self.kept, interner.encode([""])[0], dtype=np.int32)
            for name, interner in self.tables.categories.items()
        }
        no_numbers = np.zeros(self.kept, dtype=np.int64)
        return FileRows(
            day=dates.days(_joined(self._date_codes, np.int32)),
            pence=_joined(self._pence, np.int64),
            payee=_joined(self._payees, np.int32),
            transaction=no_numbers if self._transaction is None else _joined(self._transactions, np.int64),
            categories=categories,
        )


def _joined(parts: list[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
