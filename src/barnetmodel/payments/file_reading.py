"""One payments file read: its encoding found, its header, its rows a chunk at a time, and
where a row it could not read starts.

A file is read as a stream of CSV records, CHUNK_ROWS at a time (columns.py turns each
chunk into compact columns), so memory holds one chunk of text plus the columns. The chunks
are small on purpose: the rows of a small chunk are still in the processor's cache when they
are turned into columns (benchmarks/PAYMENTS_RESULTS.md has the measurements).
"""

from __future__ import annotations

import csv
import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from barnetmodel.errors import Problem
from barnetmodel.payments.columns import BadRow, FileColumns, FileRows, Tables
from barnetmodel.payments.headers import HEADER_SEARCH_ROWS, Header, find_header
from barnetmodel.payments.ledger import FileReport
from barnetmodel.payments.opening import UTF8_BOM, Refused, check_start, csv_records, odd_quotes, open_regular

if TYPE_CHECKING:
    from _csv import Reader

CHUNK_ROWS = 256
MAX_LISTED_BAD_ROWS = 50  # per file; the rest are counted


@dataclass
class FileRead:
    """One file read: how, its payments, its unreadable rows, and the problems to report."""

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


def read_file(path: Path, chosen: Mapping[str, str], tables: Tables) -> FileRead:
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
    return FileRead(report, rows, columns.bad, problems)
