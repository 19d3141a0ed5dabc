"""`read_payments`: councils' payments files into one Ledger, every problem reported at once.

Each file is read as a stream of CSV records, CHUNK_ROWS at a time (columns.py turns each
chunk into compact columns), so memory holds one chunk of text plus the columns. The chunks
are small on purpose: the rows of a small chunk stay in the processor's cache between the csv
module writing them and numpy reading them, and measured, 1,024 rows read a third faster
than 32,768.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import itertools
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from barnetmodel.errors import Problem, ScenarioError
from barnetmodel.payments.columns import BadRow, FileColumns, FileRows, PayeeChoice, Tables
from barnetmodel.payments.duplicates import first_copies
from barnetmodel.payments.files import payment_files
from barnetmodel.payments.headers import CATEGORIES, HEADER_SEARCH_ROWS, Header, check_columns, find_header
from barnetmodel.payments.ledger import Dropped, FileReport, Ledger, Skipped
from barnetmodel.payments.opening import UTF8_BOM, Refused, check_start, csv_records, odd_quotes, open_regular

if TYPE_CHECKING:
    from _csv import Reader

CHUNK_ROWS = 256
MAX_LISTED_BAD_ROWS = 50  # per file; the rest are counted


@dataclass
class _FileRead:
    report: FileReport
    rows: FileRows
    bad: list[BadRow]
    problems: list[Problem]  # its unreadable rows, the first MAX_LISTED_BAD_ROWS of them, and how many more


class _RunOn(Exception):
    """A field that should be one line (date, payee, amount, number) runs over several: an
    unclosed quote has probably swallowed the rows after it."""

    def __init__(self, record: int, field: str) -> None:
        super().__init__(record, field)
        self.record = record
        self.field = field


_ONE_LINE = ("date", "payee", "amount", "transaction")


def _check_one_line(rows: list[list[str]], first_record: int, header: Header) -> None:
    """Raise _RunOn for the first row whose one-line fields hold a line break."""
    for offset, row in enumerate(rows):
        for field in _ONE_LINE:
            index = header.columns.get(field)
            if index is not None and index < len(row) and ("\n" in row[index] or "\r" in row[index]):
                raise _RunOn(first_record + offset, field)


def _read_rows(records: Reader, chosen: Mapping[str, str], tables: Tables) -> tuple[Header, FileColumns, list[str]]:
    """The header among the first records, then the payments, a chunk at a time; and the last row."""
    head: list[list[str]] = []
    lines = []  # the line each of the first records starts on
    previous_end = 0
    for record in itertools.islice(records, HEADER_SEARCH_ROWS):
        head.append(record)
        lines.append(previous_end + 1)
        previous_end = records.line_num
    if not any(any(cell.strip() for cell in row) for row in head):
        raise Refused("empty file: no text in it")
    header = find_header(head, lines, chosen)
    if isinstance(header, str):
        raise Refused(header)
    columns = FileColumns(header, tables)
    first_record = header.row + 1
    chunk = head[first_record:]
    chunk += itertools.islice(records, CHUNK_ROWS - len(chunk))
    last_row: list[str] = head[-1] if head else []
    # A record is one line unless a quoted field holds line breaks: only then are a chunk's rows looked at.
    lines_in_fields = 0
    while chunk:
        if records.line_num - (first_record + len(chunk)) > lines_in_fields:
            lines_in_fields = records.line_num - (first_record + len(chunk))
            _check_one_line(chunk, first_record, header)
        columns.add(chunk, first_record)
        first_record += len(chunk)
        last_row = chunk[-1]
        chunk = list(itertools.islice(records, CHUNK_ROWS))
    return header, columns, last_row


def _read_records(
    fd: int, encoding: str, chosen: Mapping[str, str], tables: Tables
) -> tuple[Header, FileColumns, FileRows]:
    """One file's header, how its rows were read and its payments, in `encoding` (UnicodeDecodeError if it is not)."""
    with csv_records(fd, encoding) as records:
        try:
            header, columns, last_row = _read_rows(records, chosen, tables)
        except csv.Error as error:  # a field over the csv module's limit: an unclosed quote, usually
            raise Refused(f"not readable as CSV: {error} (an unclosed quote?)", line=records.line_num) from None
        except _RunOn as run_on:
            line = _start_lines(fd, encoding, [run_on.record])[run_on.record]
            message = (
                f"the {run_on.field} runs over several lines: a quote opened here is not closed where it should be"
            )
            raise Refused(message, line=line) from None
    # A last row running over lines and an odd number of quotes: the file ended inside a quoted field.
    if any("\n" in cell or "\r" in cell for cell in last_row) and odd_quotes(fd):
        last = columns.rows + len(columns.bad) + columns.blank_rows + header.row
        line = _start_lines(fd, encoding, [last])[last]
        raise Refused("a quote opened here is never closed: the rest of the file would be read as one field", line=line)
    return header, columns, columns.finish()


def _start_lines(fd: int, encoding: str, records: Sequence[int]) -> dict[int, int]:
    """The line each of the given records starts on, 1-based: the file read again, as the first
    reading kept no line numbers (a quoted field may hold line breaks, so records are not lines)."""
    wanted = set(records)
    last = max(wanted, default=-1)
    found: dict[int, int] = {}
    with csv_records(fd, encoding) as reader:
        previous_end = 0
        for index, _ in enumerate(reader):
            if index in wanted:
                found[index] = previous_end + 1
            previous_end = reader.line_num
            if index >= last:
                break
    return found


def _encoding_name(encoding: str, start: bytes) -> str:
    if encoding == "cp1252":
        return "Windows-1252"
    return "UTF-8 with BOM" if start.startswith(UTF8_BOM) else "UTF-8"


def _decoded(
    fd: int, start: bytes, chosen: Mapping[str, str], tables: Tables
) -> tuple[str, Header, FileColumns, FileRows]:
    """The file read in UTF-8, or else in Windows-1252: the encoding, its header, how its rows were read, its payments."""
    for encoding in ("utf-8-sig", "cp1252"):
        marks = tables.mark()
        try:
            return (encoding, *_read_records(fd, encoding, chosen, tables))
        except (UnicodeDecodeError, Refused) as error:
            # What this attempt added to the tables belongs to no payment.
            tables.rollback(marks)
            if isinstance(error, Refused):
                raise
            byte = error.object[error.start]
            if start.startswith(UTF8_BOM):
                raise Refused(f"starts as UTF-8 (with a byte order mark), but byte 0x{byte:02X} is not UTF-8") from None
            last = f"neither UTF-8 nor Windows-1252 text (byte 0x{byte:02X} is neither)"
    raise Refused(last)


def _read_file(path: Path, chosen: Mapping[str, str], tables: Tables) -> _FileRead:
    """One file; Refused if it cannot be read as payments at all."""
    fd = open_regular(path)
    try:
        start = check_start(fd)
        encoding, header, columns, rows = _decoded(fd, start, chosen, tables)
        listed = columns.bad[:MAX_LISTED_BAD_ROWS]
        lines = _start_lines(fd, encoding, [bad.record for bad in listed]) if listed else {}
    finally:
        os.close(fd)
    problems = [Problem(str(path), bad.message, line=lines[bad.record]) for bad in listed]
    if len(columns.bad) > len(listed):
        more = len(columns.bad) - len(listed)
        problems.append(Problem(str(path), f"and {more} more rows whose date or amount could not be read"))
    report = FileReport(
        path=str(path),
        encoding=_encoding_name(encoding, start),
        header_line=header.line,
        columns=header.names,
        rows=columns.rows,
        kept=columns.kept,
        blank_rows=columns.blank_rows,
        bad_rows=len(columns.bad),
    )
    return _FileRead(report, rows, columns.bad, problems)


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
    reads: list[_FileRead] = []
    with _no_cyclic_gc():
        for path in files:
            try:
                read = _read_file(path, chosen, tables)
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


def _ledger(reads: list[_FileRead], tables: Tables) -> Ledger:
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
