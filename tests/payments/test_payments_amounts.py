"""Amounts as councils write them: the rule, and the fast paths that must agree with it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnetmodel.payments.amounts import MAX_POUNDS, amount_problem, parse_amount, read_amounts


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.56", 123456),
        ("1234.56", 123456),
        ("-1,234.56", -123456),
        ("(1,234.56)", -123456),
        (" 1,234 ", 123400),
        ("£-12.00", -1200),
        ("-£12.00", -1200),
        ("(£12.50)", -1250),
        ("£ 12", 1200),
        ("12,345,678.9", 1234567890),
        ("0.5", 50),
        (".5", 50),
        ("5.", 500),
        ("1e3", 100000),  # float reads it, so it is read
        ("1234.565", 123456),  # rounded to the penny, half to even on the float: 123456.49999...
        ("0", 0),
    ],
)
def test_amounts_councils_write(text: str, pence: int) -> None:
    read, unreadable = read_amounts([text])
    assert (int(read[0]), bool(unreadable[0])) == (pence, False)
    # The same in a column of "£" amounts, which takes the whole-column path.
    read, unreadable = read_amounts(["£1.00", text, "£2.00"])
    assert read.tolist() == [100, pence, 200]
    assert not unreadable.any()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "N/A",
        "(12",
        "12)",
        "1-2",
        "--5",
        "£",
        "1.2.3",
        "1,23",
        "1.234,56",
        "12£",
        "(-12)",
        "-(12)",
        "nan",
        "inf",
        "1,2345",
        "£1,234£",
        "twelve",
        "1 234",
        "100000000000.00",
        "-1e12",
    ],
)
def test_not_amounts(text: str) -> None:
    for column in ([text], ["£1.00", text], ["1.00", text]):
        read, unreadable = read_amounts(column)
        assert unreadable.tolist()[-1] is True
        assert read[-1] == 0
    assert amount_problem(text)


def test_an_amount_too_large_says_so() -> None:
    assert "not a payment" in amount_problem("100,000,000,000.00")
    assert "not an amount" in amount_problem("N/A")
    assert amount_problem("") == "no amount"


def rule(text: str) -> int | None:
    """What parse_amount says, in pence (None: unreadable)."""
    pounds = parse_amount(text)
    if not math.isfinite(pounds) or abs(pounds) >= MAX_POUNDS:
        return None
    return int(np.rint(pounds * 100.0))


amount_like = st.one_of(
    st.builds(
        lambda pence, pound, style: {
            "plain": f"{pence / 100:.2f}",
            "commas": f"{pence / 100:,.2f}",
            "pound": f"£{pence / 100:,.2f}",
            "brackets": f"({'£' if pound else ''}{abs(pence) / 100:,.2f})",
            "pound-minus": f"£{pence / 100:,.2f}".replace("£-", "-£"),
            "spaces": f"  {pence / 100:,.0f} ",
        }[style],
        st.integers(-(10**12), 10**12),
        st.booleans(),
        st.sampled_from(["plain", "commas", "pound", "brackets", "pound-minus", "spaces"]),
    ),
    st.text(alphabet="0123456789.,-()£ e+", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(amount_like, min_size=1, max_size=30))
def test_a_column_reads_each_amount_as_the_rule_does(column: list[str]) -> None:
    """Whatever its neighbours, an amount reads as parse_amount reads it on its own."""
    read, unreadable = read_amounts(column)
    expected = [rule(text) for text in column]
    assert [None if bad else int(pence) for pence, bad in zip(read, unreadable, strict=True)] == expected
