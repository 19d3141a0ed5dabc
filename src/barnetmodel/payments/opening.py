"""Open one payments file safely: a regular file, of bounded size, of text, as CSV records.

A pipe or device is refused before anything is read from it (it is opened non-blocking, so
opening a FIFO cannot hang); a file is read as a stream, never whole, and at most
MAX_FILE_BYTES + 1 bytes of it are read, so memory stays bounded whatever is named.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader

MAX_FILE_BYTES = 512 * 1024 * 1024
_READ_SIZE = 1 << 16

# What a file that is not CSV text starts with, and what to tell the user.
_SIGNATURES = (
    (b"\xff\xfe", "UTF-16 text, not CSV as councils publish it: save it as CSV (UTF-8)"),
    (b"\xfe\xff", "UTF-16 text, not CSV as councils publish it: save it as CSV (UTF-8)"),
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or other zip file, not CSV: save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls), not CSV: save it as CSV"),
    (b"%PDF", "a PDF, not CSV"),
)
UTF8_BOM = b"\xef\xbb\xbf"

ENCODINGS = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}


class Refused(Exception):
    """A file that cannot be read as payments; the message says why, for the user."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class Limited(io.BufferedIOBase):
    """The bytes of an open file, in blocks, refusing more than `limit` of them and any NUL byte.

    The text layer reads it directly, a block at a time: with a buffered reader between them
    as well, reading was a fifth slower than `open` (measured).
    """

    def __init__(self, fd: int, limit: int) -> None:
        super().__init__()
        self._fd = fd
        self._limit = limit
        self._read = 0

    @property
    def name(self) -> int:
        return self._fd

    def readable(self) -> bool:
        return True

    def read1(self, size: int | None = -1, /) -> bytes:
        wanted = _READ_SIZE if size is None or size < 0 else size
        data = os.read(self._fd, min(wanted, self._limit + 1 - self._read))
        nul = data.find(b"\0")
        if nul >= 0:
            raise Refused(f"a binary file, not CSV text (a NUL byte at offset {self._read + nul})")
        self._read += len(data)
        if self._read > self._limit:
            limit = f"{self._limit // 2**20} MiB" if self._limit >= 2**20 else f"{self._limit:,} bytes"
            raise Refused(f"larger than {limit}, the most a payments file may be: split it")
        return data

    def read(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(self.read1, b""))
        return self.read1(size)


def open_regular(path: Path) -> int:
    """A descriptor of the regular file at `path`, or Refused saying what it is instead."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Refused("no such file") from None
    except OSError as error:
        raise Refused(f"cannot be read: {error.strerror or error}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Refused("a folder, not a file" if stat.S_ISDIR(mode) else "not a regular file (a pipe or device?)")
    return fd


def check_start(fd: int) -> bytes:
    """The first bytes of the file, refusing an empty one and the kinds of file users mistake for CSV."""
    start = os.pread(fd, 8, 0)
    if not start:
        raise Refused("empty file")
    for signature, message in _SIGNATURES:
        if start.startswith(signature):
            raise Refused(message)
    return start


@contextlib.contextmanager
def csv_records(fd: int, encoding: str) -> Iterator[Reader]:
    """The file's CSV records, decoded strictly in `encoding` (a UnicodeDecodeError says it is not)."""
    os.lseek(fd, 0, os.SEEK_SET)
    raw = Limited(fd, MAX_FILE_BYTES)
    # newline="" lets the csv module see line ends itself, as its documentation asks, so a
    # line break inside a quoted field stays in the field.
    with io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="") as text:
        text._CHUNK_SIZE = _READ_SIZE  # type: ignore[attr-defined]  # the bytes it asks for at a time (8 KiB unless told)
        yield csv.reader(text)


def odd_quotes(fd: int) -> bool:
    """Whether the file holds an odd number of double quotes: with a last row running over
    several lines, the sign of a quoted field never closed. (Counted only then: it costs.)"""
    os.lseek(fd, 0, os.SEEK_SET)
    count = 0
    while block := os.read(fd, _READ_SIZE):
        count += block.count(b'"')
    return count % 2 == 1
