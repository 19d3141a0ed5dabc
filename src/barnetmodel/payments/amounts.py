"""Amounts as councils write them ("£1,234.56", "(1,234.56)", "-£12.00"), into whole pence.

`parse_amount` is the rule, one value at a time. Calling it on each of a million values
would cost as much again as reading the files, so `read_amounts` reads a whole column at
once when it can: it asks parse_amount only about the column's few distinct shapes
("£1,111.11"), then removes pound signs, brackets and commas from all values at once and
reads the rest in C. A fast path reads every value exactly as `parse_amount` would or gives
up on the whole column, which is then read by `float` or value by value: an amount never
reads differently because of its neighbours.
"""

from __future__ import annotations

import functools
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
    pence = _by_bytes(column)
    if pence is None:
        pounds = _plain(column)
        if pounds is None:
            pounds = np.fromiter(map(parse_amount, column), np.float64, count=len(column))
        pence = pounds * 100.0
    # NaN compares false, so NaN and infinity are unreadable too.
    unreadable = ~(np.abs(pence) < MAX_POUNDS * 100.0)
    return np.rint(np.where(unreadable, 0.0, pence)).astype(np.int64), unreadable


def _plain(column: Sequence[str]) -> npt.NDArray[np.float64] | None:
    """Every value a number `float` reads ("1e3" too): `float` on each, in C."""
    try:
        return np.fromiter(map(float, column), np.float64, count=len(column))
    except ValueError:
        return None


# The column's values are joined with NUL between them: a file holding a NUL byte is refused
# before it is read, so NUL can only be a separator here. £ is 0xA3 in Latin-1.
_ALLOWED = b"0123456789.,-()\xa3\x00"
# A value's shape: its digits all made 1. Whether parse_amount reads a value of these
# characters depends only on where its digits, signs, brackets, £ and commas stand, so it is
# decided once per distinct shape ("£1,111.11"), not once per value.
_SHAPE = bytes.maketrans(b"0123456789", b"1111111111")


@functools.lru_cache(maxsize=4096)
def _shape_read(shape: bytes) -> bool:
    return math.isfinite(parse_amount(shape.decode("latin-1")))


@functools.lru_cache(maxsize=4096)
def _two_decimals(shape: bytes) -> bool:
    bare = shape.translate(None, b"\xa3,()")
    return bare.endswith(b".11") and bare.count(b".") == 1


def _by_bytes(column: Sequence[str]) -> npt.NDArray[np.float64] | None:
    """The column in pence, if every value is made of digits, a decimal point, a minus sign,
    brackets, £ and commas, in a shape parse_amount reads: stripped of £, commas and brackets
    ("(" becoming "-"), then read in C, by `int` as whole pence when every value has two
    decimals (as councils write pence; twice as fast as `float`), or else by `float`."""
    count = len(column)
    try:
        data = "\0".join(map(str.strip, column)).encode("latin-1")
    except UnicodeEncodeError:
        return None
    if data.translate(None, _ALLOWED):  # a byte that has no place here ("e", a space): left to parse_amount
        return None
    shapes = set(data.translate(_SHAPE).split(b"\0"))
    if not all(map(_shape_read, shapes)):
        return None
    cleaned = data.translate(None, b"\xa3,)").replace(b"(", b"-")
    if all(_two_decimals(shape) for shape in shapes):
        whole_pence = cleaned.translate(None, b".").split(b"\0")
        try:
            return np.fromiter(map(int, whole_pence), np.int64, count=count).astype(np.float64)
        except OverflowError:  # more pence than int64 holds: far over MAX_POUNDS, as float will show
            pass
    return np.fromiter(map(float, cleaned.split(b"\0")), np.float64, count=count) * 100.0
