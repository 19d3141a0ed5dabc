"""The payments read from a set of files, one row per payment in compact columns, and what reading them found."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from barnetmodel.errors import Problem
from barnetmodel.payments.coded import TextColumn


def financial_year(day: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """The UK financial year of each day, April to March, named by its first year: 2013 is 2013/14."""
    months = day.astype("datetime64[M]").astype(np.int64)  # months since January 1970
    return months // 12 + 1970 - (months % 12 < 3)


def pounds(pence: int) -> float:
    """Whole pence as pounds, the nearest float (exact to the penny when printed)."""
    return pence / 100


@dataclass(frozen=True)
class FileReport:
    """How one file was read."""

    path: str
    encoding: str  # "UTF-8", "UTF-8 with BOM" or "Windows-1252"
    header_line: int  # 1-based; the lines above it (titles, notes) were skipped
    columns: dict[str, str]  # field -> the file's name for that column
    rows: int  # payments read from it, to any payee
    kept: (
        int  # of them, to the payees chosen (all, unless read_payments was given `payees`), before repeats were dropped
    )
    blank_rows: int  # rows with nothing in them, skipped without a word
    bad_rows: int  # rows whose date or amount could not be read, skipped (only with skip_bad_rows)
    repeated_rows: int = 0  # of `kept`, repeats of an earlier file's rows, dropped


@dataclass(frozen=True, eq=False)
class Dropped:
    """Rows repeated exactly from an earlier file, counted once: the payee and amount of each row dropped."""

    payee: npt.NDArray[np.int32]  # codes into the ledger's payee values
    pence: npt.NDArray[np.int64]

    @property
    def rows(self) -> int:
        return len(self.pence)


@dataclass(frozen=True, eq=False)
class Skipped:
    """Rows whose date or amount could not be read, left out (only with skip_bad_rows)."""

    payee: npt.NDArray[np.int32]  # codes into the ledger's payee values
    pence: npt.NDArray[np.int64]  # 0 where the amount could not be read
    amount_read: npt.NDArray[np.bool_]  # the amount was read (so the date was not)
    examples: tuple[Problem, ...]  # the first few, each naming its file and line, as the error would

    @property
    def rows(self) -> int:
        return len(self.pence)


@dataclass(frozen=True, eq=False)
class Ledger:
    """Every payment read, one row each: all columns have one entry per row.

    Amounts are whole pence (int64): sums are exact, whatever order the files come in.
    Payee and categories are codes into their distinct texts; "" where a file does not give
    one. Transaction numbers are kept only as hashes (0 for none), to find repeats across files. `categories` holds expense_type, service_area and description,
    each only if some file has that column.
    """

    day: npt.NDArray[np.datetime64]  # datetime64[D]
    pence: npt.NDArray[np.int64]
    payee: TextColumn
    transaction: npt.NDArray[np.int64]  # hash of the transaction number as written, 0 for none: this run's only
    categories: dict[str, TextColumn]
    file: npt.NDArray[np.int32]  # index into `files`
    files: tuple[FileReport, ...]
    duplicates: Dropped
    skipped: Skipped

    def __len__(self) -> int:
        return len(self.pence)

    @property
    def financial_year(self) -> npt.NDArray[np.int64]:
        return financial_year(self.day)
