"""Payments repeated across files, counted once.

Councils republish: a corrected month, a quarter that overlaps the months already out. A
row is a repeat when an earlier file has a row with the same date, payee, amount and
transaction number (blank matches only blank). Rows repeated *within* one file are kept:
two identical payments on one day (a monthly fee paid twice in error, and later credited)
are both real. So for each distinct payment the reading keeps as many rows as the file with
the most of them holds, taking them from the earliest files.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Odd 64-bit constants (from splitmix64) to mix the key columns into one number per row.
_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93)


def _mixed(keys: Sequence[npt.NDArray[np.integer]]) -> npt.NDArray[np.uint64]:
    """One 64-bit number per row from its key columns: equal keys give equal numbers."""
    mixed = np.zeros(len(keys[0]), dtype=np.uint64)
    for column, constant in zip(keys, _MIX, strict=False):
        mixed ^= column.astype(np.uint64) * np.uint64(constant)  # wraps modulo 2^64, as wanted
        mixed ^= mixed >> np.uint64(31)
    return mixed


def first_copies(keys: Sequence[npt.NDArray[np.integer]], file: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """Which rows to keep: for each distinct key, the first n rows in file order, where n is
    the most rows with that key in any one file. `keys` are columns (at most four), one entry
    per row; rows are in file order.

    Sorting a million rows by four columns is slow, so one number mixed from each row's
    keys is sorted first: only rows whose number is shared (true repeats, and the rare row
    that shares a number by chance) are then compared column by column.
    """
    keep = np.ones(len(file), dtype=bool)
    if len(file) == 0 or (file == file[0]).all():
        return keep
    rows = _sharing_a_number(_mixed(keys))
    if rows.size:
        keep[rows] = _first_copies_exact([column[rows] for column in keys], file[rows])
    return keep


_ROW_BITS = 24


def _sharing_a_number(mixed: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """The rows whose number another row shares, in row order.

    With each row's number in the high 40 bits and its row number in the low 24, one plain
    sort finds them (a sort of numbers is several times faster than an argsort). Sharing 40
    bits only by chance puts a few more rows to the exact comparison, which is all it costs.
    """
    count = len(mixed)
    if count >= 1 << _ROW_BITS:
        order = np.argsort(mixed)
        ordered = mixed[order]
        shared = np.zeros(count, dtype=bool)
        shared[1:] = ordered[1:] == ordered[:-1]
        shared[:-1] |= shared[1:]
        return np.sort(order[shared])
    low = np.uint64((1 << _ROW_BITS) - 1)
    tagged = (mixed & ~low) | np.arange(count, dtype=np.uint64)
    tagged.sort()
    high = tagged >> np.uint64(_ROW_BITS)
    shared = np.zeros(count, dtype=bool)
    shared[1:] = high[1:] == high[:-1]
    shared[:-1] |= shared[1:]
    return np.sort((tagged[shared] & low).astype(np.intp))


def _first_copies_exact(
    keys: Sequence[npt.NDArray[np.integer]], file: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """first_copies, comparing the key columns themselves."""
    count = len(file)
    # Sorted by key, then file, then row (lexsort is stable): each key's rows in file order.
    order = np.lexsort((file, *reversed(keys)))
    new_key = np.zeros(count, dtype=bool)
    new_key[0] = True
    for column in keys:
        ordered = column[order]
        new_key[1:] |= ordered[1:] != ordered[:-1]
    ordered_file = file[order]
    new_run = new_key.copy()  # a run: one key's rows in one file
    new_run[1:] |= ordered_file[1:] != ordered_file[:-1]

    run_starts = np.flatnonzero(new_run)
    run_lengths = np.diff(np.append(run_starts, count))
    most_in_one_file = np.maximum.reduceat(run_lengths, np.flatnonzero(new_key[run_starts]))
    key_of_row = np.cumsum(new_key) - 1
    rank = np.arange(count) - np.flatnonzero(new_key)[key_of_row]  # place among its key's rows, in file order
    keep = np.empty(count, dtype=bool)
    keep[order] = rank < most_in_one_file[key_of_row]
    return keep
