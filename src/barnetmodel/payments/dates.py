"""Payment dates as UK councils write them, read day first, each distinct string once.

A monthly file repeats the same few dates thousands of times, so a date is parsed once per
distinct string (cached for the whole read) and every row is then a dictionary look-up.
Days are held as numpy ``datetime64[D]`` day numbers; an unreadable date is NaT.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# NaT is the smallest int64: an unreadable date is NaT once the days are viewed as datetime64[D].
UNREADABLE = int(np.iinfo(np.int64).min)
EPOCH = datetime.date(1970, 1, 1).toordinal()

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# Finance systems often export a midnight time with the date ("01/04/2013 00:00:00"): read the date, drop the time.
_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# 01/04/2013, 1/4/13, 01.04.2013, 01-04-2013: day, month, year, one separator used twice.
_DAY_FIRST = re.compile(rf"\s*(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}\s*")
# 2013-04-01 (ISO 8601), 2013/04/01: year first is never ambiguous.
_ISO = re.compile(rf"\s*(\d{{4}})([/.-])(\d{{1,2}})\2(\d{{1,2}}){_TIME}\s*")
# 01-Apr-2013, 01-APR-13, 1 April 2013, 1st April 2013, 01/Apr/2013.
_NAMED = re.compile(rf"\s*(\d{{1,2}})(?:st|nd|rd|th)?[ /.-]*([a-z]{{3,9}})\.?[ /.,-]*(\d{{4}}|\d{{2}}){_TIME}\s*", re.I)

FORMATS = "01/04/2013, 1/4/13, 01.04.2013, 2013-04-01, 01-Apr-2013, 1 April 2013"


def full_year(digits: str) -> int:
    """A two-digit year as POSIX strptime's %y reads it: 00-68 are 2000-2068, 69-99 are 1969-1999."""
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def day_number(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01, or UNREADABLE when there is no such day (31/02/2014, month 13)."""
    try:
        return datetime.date(year, month, day).toordinal() - EPOCH
    except ValueError:
        return UNREADABLE


def parse_date(text: str) -> tuple[int, tuple[int, int] | None]:
    """The day number of one date string (UNREADABLE if it is not a date), and, for a numeric
    day-first date, its first two fields: the file-wide month-first check needs them."""
    match = _DAY_FIRST.fullmatch(text)
    if match:
        first, second = int(match[1]), int(match[3])
        return day_number(full_year(match[4]), second, first), (first, second)
    match = _ISO.fullmatch(text)
    if match:
        return day_number(int(match[1]), int(match[3]), int(match[4])), None
    match = _NAMED.fullmatch(text)
    if match and match[2].lower() in MONTHS:
        return day_number(full_year(match[3]), MONTHS[match[2].lower()], int(match[1])), None
    return UNREADABLE, None


_Tables = tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]


class DateReader:
    """Reads columns of dates, parsing each distinct string once over all the files of a read.

    Each distinct string gets a code; a column is read as codes (one dictionary look-up a
    row), and the codes give the days and, for the month-first check, what the strings were.
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self._days: list[int] = []
        # For numeric day-first strings: is the first field over 12 (a day), is the second (not a month)?
        self._first_over_12: list[bool] = []
        self._second_over_12: list[bool] = []
        self._texts: list[str] = []
        self._tables: _Tables | None = None

    def codes(self, column: Sequence[str]) -> npt.NDArray[np.int32]:
        """The code of each date string in a column, parsing the strings not seen before."""
        try:
            return np.fromiter(map(self._codes.__getitem__, column), np.int32, count=len(column))
        except KeyError:  # strings not seen before: parse them, then look all up again
            pass
        # In order of first appearance, so that codes (and which date an error quotes) never vary from run to run.
        for text in [text for text in dict.fromkeys(column) if text not in self._codes]:
            day, fields = parse_date(text)
            self._codes[text] = len(self._days)
            self._days.append(day)
            self._first_over_12.append(fields is not None and fields[0] > 12)
            self._second_over_12.append(fields is not None and fields[1] > 12)
            self._texts.append(text)
        self._tables = None
        return np.fromiter(map(self._codes.__getitem__, column), np.int32, count=len(column))

    def _arrays(self) -> _Tables:
        """The tables as arrays, made again only after new strings were parsed."""
        if self._tables is None:
            days = np.array(self._days, dtype=np.int64)
            self._tables = (
                days,
                np.array(self._first_over_12, dtype=bool),
                np.array(self._second_over_12, dtype=bool),
                days == UNREADABLE,
            )
        return self._tables

    def days(self, codes: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
        """Day numbers of coded dates (UNREADABLE where a string was not a date)."""
        return self._arrays()[0][codes]

    def unreadable(self, codes: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
        """Where coded dates are not dates."""
        tables = self._tables if self._tables is not None else self._arrays()
        return tables[3][codes]

    def text(self, code: int) -> str:
        return self._texts[code]

    def month_first(self, codes: npt.NDArray[np.int32]) -> str | None:
        """A date that shows these dates were written month first, or None.

        Day first is the UK way and the default. Dates are month first only if some numeric
        date has a second field over 12 (the 13th of a month, say) and none has a first field
        over 12: then every date among them would be read wrongly or not at all.
        """
        _, first_over_12, second_over_12, _ = self._arrays()
        used = np.unique(codes)
        if first_over_12[used].any() or not second_over_12[used].any():
            return None
        return self._texts[int(used[second_over_12[used]][0])]
