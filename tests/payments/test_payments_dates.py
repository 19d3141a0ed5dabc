"""Dates as UK councils write them, day first."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from barnetmodel.payments.dates import UNREADABLE, DateReader, parse_date


def day_of(text: str) -> datetime.date | None:
    day, _ = parse_date(text)
    return None if day == UNREADABLE else datetime.date(1970, 1, 1) + datetime.timedelta(days=day)


@pytest.mark.parametrize(
    "text",
    [
        "01/04/2013",
        "1/4/2013",
        "2013-04-01",
        "01-Apr-2013",
        "01-APR-13",
        "1 April 2013",
        "01/04/13",
        "01.04.2013",
        "1st April 2013",
        "01-04-2013",
        "2013/04/01",
        " 01/04/2013 ",
        "01/04/2013 00:00:00",
        "2013-04-01T00:00:00",
        "01/04/2013 14:30",
        "1 Apr. 2013",
        "01-Apr-2013 00:00",
    ],
)
def test_first_of_april_2013(text: str) -> None:
    assert day_of(text) == datetime.date(2013, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/04/13", datetime.date(2013, 4, 5)),
        ("31/12/68", datetime.date(2068, 12, 31)),
        ("01/01/69", datetime.date(1969, 1, 1)),
        ("29/02/2016", datetime.date(2016, 2, 29)),
        ("1 Sept 2019", datetime.date(2019, 9, 1)),
    ],
)
def test_day_first_and_two_digit_years(text: str, expected: datetime.date) -> None:
    assert day_of(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "31/02/2014", "29/02/2015", "2014-13-01", "13/13/2013", "yesterday", "01 Foo 2013", "41365", "2013", "1/4"],
)
def test_not_dates(text: str) -> None:
    assert day_of(text) is None


def test_month_first_only_when_nothing_else_fits() -> None:
    reader = DateReader()
    us = reader.codes(["04/13/2014", "04/01/2014", "12/31/2014"])
    assert reader.month_first(us) == "04/13/2014"
    uk = reader.codes(["13/04/2014", "04/01/2014"])
    assert reader.month_first(uk) is None
    # Mixed: a first field over 12 shows day first; 04/13/2014 is then just not a date.
    assert reader.month_first(np.concatenate([us, uk])) is None
    assert reader.month_first(reader.codes(["01/02/2014", "2014-04-13", "13-Apr-2014"])) is None


def test_each_distinct_date_is_parsed_once() -> None:
    reader = DateReader()
    codes = reader.codes(["01/04/2013"] * 1000 + ["02/04/2013"] * 1000)
    assert len(set(codes.tolist())) == 2
    assert reader.days(codes)[[0, -1]].tolist() == [15796, 15797]
