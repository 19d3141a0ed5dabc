"""`read_payments`: councils' payments files into one Ledger, every problem reported at once.

Each file is read by file_reading.py; here the files' payments become one ledger, with the
rows repeated across files dropped (duplicates.py).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from barnetmodel.errors import Problem, ScenarioError
from barnetmodel.payments.columns import PayeeChoice, Tables
from barnetmodel.payments.duplicates import first_copies
from barnetmodel.payments.file_reading import MAX_LISTED_BAD_ROWS, FileRead, read_file
from barnetmodel.payments.files import payment_files
from barnetmodel.payments.headers import CATEGORIES, check_columns
from barnetmodel.payments.ledger import Dropped, Ledger, Skipped
from barnetmodel.payments.opening import Refused


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off while files are read, and back as it was after.

    Reading makes a million short-lived lists (the csv module's rows) and no reference
    cycles, so the collector finds nothing; left on, it ran about 1,900 times and cost a
    tenth of the reading time (measured). Memory is still freed as usual, by reference counts.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_payments(
    paths: Sequence[Path],
    columns: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    payees: PayeeChoice | None = None,
) -> Ledger:
    """Read councils' payments files into one Ledger.

    `paths`: CSV files, and folders standing for the CSV files in them (see files.py).
    `columns`: field -> header, for a column the list of known names does not have, as
    `{"amount": "Net Value"}`; fields: date, payee, amount, transaction, expense_type,
    service_area, description. `skip_bad_rows`: leave out rows whose date or amount cannot
    be read, counting them in `Ledger.skipped`, instead of raising. `payees`: keep only the
    payments to the payees it chooses, given each new batch of distinct payee names and
    returning a flag for each (as `lambda names: match_supplier(names, ["Capita"], [])`):
    every row is still read and checked, but the categories and transaction numbers of the
    others are not, and the ledger holds only the payments an audit of one supplier needs.

    Raises ScenarioError listing every problem of every file at once: files that cannot be
    read as payments, and (unless skip_bad_rows) every row whose date or amount cannot be
    read, with its file and line. docs/audit.md gives the reading rules in full.
    """
    chosen = check_columns(columns or {})
    files, problems = payment_files(list(paths))
    if not paths:
        problems.append(Problem("PAYMENTS", "name at least one payments file or folder"))
    tables = Tables(choose=payees)
    reads: list[FileRead] = []
    with _no_cyclic_gc():
        for path in files:
            try:
                read = read_file(path, chosen, tables)
            except Refused as refusal:
                problems.append(Problem(str(path), str(refusal), line=refusal.line))
                continue
            reads.append(read)
            if not skip_bad_rows:
                problems += read.problems
    if problems:
        raise ScenarioError(problems)
    return _ledger(reads, tables)


def _joined(parts: list[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _ledger(reads: list[FileRead], tables: Tables) -> Ledger:
    """The files' payments as one ledger, repeats across files dropped."""
    day = _joined([read.rows.day for read in reads], np.int64)
    pence = _joined([read.rows.pence for read in reads], np.int64)
    payee = _joined([read.rows.payee for read in reads], np.int32)
    transaction = _joined([read.rows.transaction for read in reads], np.int64)
    categories = {
        name: _joined([read.rows.categories[name] for read in reads], np.int32)
        for name in CATEGORIES
        if any(name in read.report.columns for read in reads)
    }
    file = _joined([np.full(len(read.rows.pence), index, dtype=np.int32) for index, read in enumerate(reads)], np.int32)

    keep = first_copies([day, payee, pence, transaction], file)
    duplicates = Dropped(payee=payee[~keep], pence=pence[~keep])
    repeated = np.bincount(file[~keep], minlength=len(reads))
    if duplicates.rows:
        day, pence, payee, transaction, file = day[keep], pence[keep], payee[keep], transaction[keep], file[keep]
        categories = {name: codes[keep] for name, codes in categories.items()}

    bad = [row for read in reads for row in read.bad]
    skipped = Skipped(
        payee=np.array([row.payee for row in bad], dtype=np.int32),
        pence=np.array([row.pence or 0 for row in bad], dtype=np.int64),
        amount_read=np.array([row.pence is not None for row in bad], dtype=bool),
        examples=tuple(itertools.islice((p for read in reads for p in read.problems), MAX_LISTED_BAD_ROWS)),
    )
    return Ledger(
        day=day.view("datetime64[D]"),
        pence=pence,
        payee=tables.payees.column(payee),
        transaction=transaction,
        categories={name: tables.categories[name].column(codes) for name, codes in categories.items()},
        file=file,
        files=tuple(replace(read.report, repeated_rows=int(n)) for read, n in zip(reads, repeated, strict=True)),
        duplicates=duplicates,
        skipped=skipped,
    )
