"""Text columns held as codes into their distinct values: a million rows name thirty payees.

Payee names, categories and transaction numbers repeat, so each row keeps an int32 code and
each distinct text is stored once. Work that depends only on the text (matching a supplier's
name, say) is done once per distinct value and broadcast to the rows through the codes.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, eq=False)
class TextColumn:
    """One text field of every row: `values[codes[i]]` is row i's text ("" where not given)."""

    codes: npt.NDArray[np.int32]
    values: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def text(self, row: int) -> str:
        return self.values[self.codes[row]]


def tidy(text: str) -> str:
    """Spaces trimmed and runs of spaces made one: "Capita  plc " and "Capita plc" are one payee."""
    return " ".join(text.split())


class Interner:
    """Gives each distinct text a code, over every file of a read.

    Texts that differ only in spacing share a code. `mark` and `rollback` undo what one
    attempt at a file added, when the file has to be read again in another encoding.
    """

    def __init__(self) -> None:
        # Every text seen, raw or tidied, -> the code of its tidied form (a tidied text is its own raw form).
        self._codes: dict[str, int] = {}
        self._added: list[str] = []  # keys of _codes in the order they were added, for rollback
        self.values: list[str] = []

    def encode(self, column: Sequence[str]) -> npt.NDArray[np.int32]:
        """The codes of a column's texts, adding the texts not seen before."""
        codes = self._codes
        try:  # as a rule every text has been seen before: one look-up a row
            return np.fromiter(map(codes.__getitem__, column), np.int32, count=len(column))
        except KeyError:
            pass
        new = [text for text in dict.fromkeys(column) if text not in codes]  # in order: the same codes every run
        stripped = list(map(str.strip, new))
        # A description column can be nearly all new texts, already tidy: add them in C, not one by one.
        # Tidy means nothing to strip (str.strip then returns the very same object) and no
        # whitespace but single spaces (splitting on any whitespace and on " " then agree).
        joined = "\0".join(new)
        if all(map(operator.is_, new, stripped)) and joined.split() == joined.split(" "):
            first = len(self.values)
            codes.update(zip(new, range(first, first + len(new)), strict=True))
            self.values += new
            self._added += new
        else:
            for raw in new:
                self._add(raw)
        return np.fromiter(map(codes.__getitem__, column), np.int32, count=len(column))

    def _add(self, raw: str) -> None:
        value = tidy(raw)
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.values)
            self.values.append(value)
            self._added.append(value)
        if raw != value:
            self._codes[raw] = code
            self._added.append(raw)

    def mark(self) -> tuple[int, int]:
        return len(self._added), len(self.values)

    def rollback(self, mark: tuple[int, int]) -> None:
        added, values = mark
        for key in self._added[added:]:
            del self._codes[key]
        del self._added[added:], self.values[values:]

    def column(self, codes: npt.NDArray[np.int32]) -> TextColumn:
        return TextColumn(codes, tuple(self.values))
