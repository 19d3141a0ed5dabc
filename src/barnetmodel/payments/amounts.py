"""Amounts as councils write them ("£1,234.56", "(1,234.56)", "-£12.00"), into whole pence.

`parse_amount` is the rule, one value at a time. Calling it on each of a million values
would cost as much again as reading the files, so `read_amounts` reads a whole column at
once when it can: by `float` in C when every value is a plain number, and otherwise by
checking the places of pound signs, brackets and commas with numpy over the column's bytes,
removing them, and then `float`. Each fast path reads every value exactly as `parse_amount`
would or gives up on the whole column, which is then read value by value: an amount never
reads differently because of its neighbours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Larger than any council's yearly spending: an amount this big is a misread column, not a payment.
# It also keeps sums of pence far inside int64, and rounding to the penny exact.
MAX_POUNDS = 100_000_000_000.0

FORMATS = '"1234.56", "£1,234.56", "-1,234.56", "(1,234.56)", "£-12.00", "-£12.00", " 1,234 "'

# Brackets mean a negative (a credit note), as accountants write them; at most one sign of any kind.
_DECORATED = re.compile(
    r"\s*(?:(?P<open>\()\s*)?(?P<minus>-)?\s*£?\s*(?P<minus_after_pound>-)?\s*(?P<number>[0-9.,]+)\s*(?P<close>\))?\s*"
)
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def parse_amount(text: str) -> float:
    """One amount in pounds, or NaN when `text` is not an amount.

    A number that Python's `float` reads is taken as it is (also "1e3"; "nan" and "inf"
    are refused by the caller). Otherwise: optional brackets around it (negative), one
    minus sign before or after an optional £, and digits with an optional decimal point and
    optional thousands commas, which must fall every three digits before the point.
    """
    try:
        return float(text)
    except ValueError:
        pass
    match = _DECORATED.fullmatch(text)
    if match is None or (match["open"] is None) != (match["close"] is None):
        return math.nan
    signs = sum(match[group] is not None for group in ("open", "minus", "minus_after_pound"))
    number = match["number"]
    if signs > 1 or ("," in number and not _THOUSANDS.fullmatch(number)):
        return math.nan
    try:
        value = float(number.replace(",", ""))
    except ValueError:  # "1.2.3", "."
        return math.nan
    return -value if signs else value


def amount_problem(text: str) -> str:
    """Why `text` was not read as an amount, for the error listing."""
    value = parse_amount(text)
    if not text.strip():
        return "no amount"
    if math.isfinite(value):
        return f"amount {text!r} is £{MAX_POUNDS / 1e9:,.0f}bn or more: not a payment (is this the amount column?)"
    return f"amount {text!r} is not an amount (write it like {FORMATS})"


def read_amounts(column: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """A column of amounts in whole pence (rounded to the nearest penny), and where a value could not be read."""
    pounds = _plain(column)
    if pounds is None:
        pounds = _decorated(column)
    if pounds is None:
        pounds = np.fromiter(map(parse_amount, column), np.float64, count=len(column))
    # NaN compares false, so NaN and infinity are unreadable too.
    unreadable = ~(np.abs(pounds) < MAX_POUNDS)
    return np.rint(np.where(unreadable, 0.0, pounds) * 100.0).astype(np.int64), unreadable


def _plain(column: Sequence[str]) -> npt.NDArray[np.float64] | None:
    """Every value a number `float` reads ("1e3" too): `float` on each, in C."""
    try:
        return np.fromiter(map(float, column), np.float64, count=len(column))
    except ValueError:
        return None


# The column's values are joined with NUL between them, and four more NULs at each end so
# that looking a few bytes either side of any byte stays inside. A file holding a NUL byte
# is refused before it is read, so NUL can only be a separator here. £ is 0xA3 in Latin-1.
_PAD = "\0" * 4
_SEPARATOR = 0
_POUND = 0xA3
_DECORATION = b"\xa3,()"
_NUMBER = b"0123456789.-\x00"
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[list(b"0123456789")] = True


def _decorated(column: Sequence[str]) -> npt.NDArray[np.float64] | None:
    """Every value a number with at most a £, thousands commas and brackets, each where
    parse_amount allows it: checked for the whole column at once over its bytes, stripped
    of them, and then read by `float`, which refuses anything else ("1-2", "--5", "")."""
    try:
        data = (_PAD + "\0".join(map(str.strip, column)) + _PAD).encode("latin-1")
    except UnicodeEncodeError:
        return None
    if data.translate(None, _DECORATION + _NUMBER):  # a byte that has no place in an amount ("e", a space)
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    if _POUND in data and not _pounds_first(raw):
        return None
    if (b"(" in data or b")" in data) and not _brackets_paired(raw):
        return None
    if b"," in data and not _commas_grouped(raw):
        return None
    cleaned = data.translate(None, b"\xa3,)").replace(b"(", b"-")
    try:
        return np.fromiter(map(float, cleaned[len(_PAD) : -len(_PAD)].split(b"\0")), np.float64, count=len(column))
    except ValueError:
        return None


def _pounds_first(raw: npt.NDArray[np.uint8]) -> bool:
    """Each £ starts its value, or follows only a leading minus sign or bracket."""
    pounds = np.flatnonzero(raw == _POUND)
    before = raw[pounds - 1]
    leading = (before == _SEPARATOR) | (((before == ord("-")) | (before == ord("("))) & (raw[pounds - 2] == _SEPARATOR))
    return bool(leading.all())


def _brackets_paired(raw: npt.NDArray[np.uint8]) -> bool:
    """Each "(" starts a value and each ")" ends one, and a value has both or neither."""
    opening = np.flatnonzero(raw == ord("("))
    closing = np.flatnonzero(raw == ord(")"))
    if opening.size != closing.size:
        return False
    if not ((raw[opening - 1] == _SEPARATOR).all() and (raw[closing + 1] == _SEPARATOR).all()):
        return False
    separators = np.flatnonzero(raw == _SEPARATOR)
    return bool(np.array_equal(np.searchsorted(separators, opening), np.searchsorted(separators, closing)))


def _commas_grouped(raw: npt.NDArray[np.uint8]) -> bool:
    """Each comma has exactly three digits after it, and one to three digits before it that do
    not follow a decimal point (a comma after a comma is covered by the earlier one's three)."""
    commas = np.flatnonzero(raw == ord(","))

    def digit(offset: int) -> npt.NDArray[np.bool_]:
        return _DIGIT[raw[commas + offset]]

    before_1, before_2, before_3 = digit(-1), digit(-2), digit(-3)
    after = digit(1) & digit(2) & digit(3) & ~digit(4)
    before = before_1 & ~(before_2 & before_3 & digit(-4))
    run_before = 1 + before_2 + (before_2 & before_3)
    start_of_run = raw[commas - run_before - 1]
    return bool((after & before & (start_of_run != ord("."))).all())
