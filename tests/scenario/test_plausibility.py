"""The warning of an amount a thousand times the others: each median read off one sorted list is the median
statistics.median gives of the other amounts, for any amounts (equal ones, zeros, infinities, NaN). The warning
of a negative count of posts, staff or people, and of nothing else negative."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnetmodel.scenario.load import load
from barnetmodel.scenario.plausibility import _median, _median_without, _outsized

AMOUNTS = st.lists(
    st.one_of(
        st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.5, 1e308, -1e308, math.inf, -math.inf]),
        st.floats(allow_nan=False, min_value=-1e6, max_value=1e6),
    ),
    max_size=12,
)


def same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


@given(AMOUNTS)
def test_the_median_without_one_amount_is_that_of_the_others(values: list[float]) -> None:
    ordered = sorted(abs(v) for v in values if v != 0)
    for k, value in enumerate(values):
        others = [abs(v) for j, v in enumerate(values) if j != k and v != 0]
        expected = statistics.median(others) if others else None
        assert same(_median_without(ordered, abs(value) if value != 0 else None), expected)
        assert same(_median(others), expected)


@given(AMOUNTS, st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_outsized_amounts_are_found_as_with_a_median_each(values: list[float], extra: float) -> None:
    amounts = [(("targets", i, "amount"), v) for i, v in enumerate([*values, extra * 1e6])]
    expected = []
    for k, (path, value) in enumerate(amounts):
        others = [abs(v) for j, (_, v) in enumerate(amounts) if j != k and v != 0]
        if others and abs(value) >= 1000.0 * statistics.median(others):
            expected.append(path)
    assert [finding.path for finding in _outsized(amounts, "£m")] == expected


def test_a_nan_amount_is_judged_as_before() -> None:
    amounts = [(("targets", i, "amount"), v) for i, v in enumerate([math.nan, 1.0, 2.0, 5000.0])]
    expected = []
    for k, (path, value) in enumerate(amounts):
        others = [abs(v) for j, (_, v) in enumerate(amounts) if j != k and v != 0]
        if abs(value) >= 1000.0 * statistics.median(others):
            expected.append(path)
    assert [finding.path for finding in _outsized(amounts, "£m")] == expected


def test_huge_amounts_are_written_in_scientific_form() -> None:
    amounts = [(("targets", 0, "amount"), 1.0), (("targets", 1, "amount"), 1.0), (("targets", 2, "amount"), 1e308)]
    (finding,) = _outsized(amounts, "£m")
    assert finding.message == (
        "an amount of 1e+308 (£m) is 1e+308 times the median of the scenario's other amounts (1): is it in £m?"
    )
    # An amount short of that keeps its digits.
    (finding,) = _outsized([*amounts[:2], (("targets", 2, "amount"), -2.5e6)], "£m")
    assert "an amount of -2,500,000 (£m) is 2,500,000 times the median" in finding.message


COUNTED = """\
title: t
horizon: {start: 2024, years: 3}
money: {inflation: 0.02, discount: 0.035}
inputs:
  posts: {value: 120, unit: posts}
  pay: {value: 0.032, unit: £m a post}
  staff: posts * pay
baseline: in_house
options:
  in_house:
    title: In
    lines:
      - {name: Staff, annual: staff}
  outsource:
    title: Out
    lines:
      - {name: Contract, annual: 3}
"""


def _warnings(write: Callable[[str], Path], old: str, new: str) -> list[str]:
    text = COUNTED.replace(old, new, 1)
    assert text != COUNTED
    return [str(problem) for problem in load(str(write(text))).warnings]


@pytest.mark.parametrize(
    "new, where, said",
    [
        ("posts: {value: -120, unit: posts}", ":5:18: inputs.posts.value: ", "-120 posts: a count of posts"),
        ("posts: {value: -3.5, unit: FTE}", ":5:18: inputs.posts.value: ", "-3.5 FTE: a count of FTE cannot"),
        ("posts: {value: -2, unit: Staff (full-time)}", "inputs.posts.value", "count of Staff (full-time)"),
        ("posts: {value: -2, unit: full-time equivalent posts}", "inputs.posts.value", "-2 full-time equivalent"),
        # A distribution is judged by its mean, a formula by its value in the central run.
        ("posts: {value: {uniform: {low: -200, high: 100}}, unit: people}", "inputs.posts.value", "-50 people"),
        ("posts: {value: 100 - 150, unit: units}", "inputs.posts.value", "-50 units"),
    ],
)
def test_a_negative_count_is_warned_of(write: Callable[[str], Path], new: str, where: str, said: str) -> None:
    (warning,) = _warnings(write, "posts: {value: 120, unit: posts}", new)
    assert where in warning and ": warning: " in warning and said in warning
    assert "is the minus sign a slip?" in warning


@pytest.mark.parametrize(
    "old, new",
    [
        # Money is never a count, whatever it is a sum of: incomes, credits and savings are negative costs.
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.032, unit: £m a post}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.032, unit: £m}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.032, unit: a share}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.032}"),
        # A count word first, money after: not a count (a reviewer's cases).
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.2, unit: staff costs £m a year}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.2, unit: head office rent saved £m a year}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.2, unit: 'unit cost, £'}"),
        ("pay: {value: 0.032, unit: £m a post}", "pay: {value: -0.2, unit: staff £}"),
        # An input with no unit says nothing of what it counts.
        ("posts: {value: 120, unit: posts}", "posts: -120"),
        # Only the central value is judged: a distribution that may go below 0 is not warned of.
        ("posts: {value: 120, unit: posts}", "posts: {value: {uniform: {low: -10, high: 30}}, unit: posts}"),
        ("posts: {value: 120, unit: posts}", "posts: {value: 0, unit: posts}"),
    ],
)
def test_nothing_else_negative_is_warned_of(write: Callable[[str], Path], old: str, new: str) -> None:
    assert _warnings(write, old, new) == []
