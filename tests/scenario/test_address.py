"""Addresses: the one syntax of test outputs and overrides, parsed and written back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnetmodel.scenario.address import AddressError, Index, format_address, parse


def test_names_quotes_and_positions() -> None:
    assert parse('targets."Savings needed before 2015".outsource.share_met') == [
        "targets",
        "Savings needed before 2015",
        "outsource",
        "share_met",
    ]
    assert parse("options[1].lines[0].nominal") == ["options", Index(1), "lines", Index(0), "nominal"]
    assert parse("lines.Re new income.annual") == ["lines", "Re new income", "annual"]  # spaces need no quotes
    assert parse('a."x.y [1] \\"z\\"".b') == ["a", 'x.y [1] "z"', "b"]
    assert parse("price_index[0]") == ["price_index", Index(0)]
    assert parse("yearly.saving_nominal.2014") == ["yearly", "saving_nominal", "2014"]


@pytest.mark.parametrize(
    "address, words",
    [
        ("", "empty"),
        ("a.", "ends with a '.'"),
        (".a", "missing before a '.'"),
        ("a..b", "missing before a '.'"),
        ("a[x]", "a position is written"),
        ("a[1", "a position is written"),
        ('a."b', "a quote is not closed"),
        ('a"b', "must be written in double quotes"),
        ("a.[0]", "a name is missing before '['"),
        ('"a"b', "a '.' is missing"),
    ],
)
def test_malformed_addresses_are_refused_with_a_reason(address: str, words: str) -> None:
    with pytest.raises(AddressError) as caught:
        parse(address)
    assert words in str(caught.value)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
parts = st.lists(st.one_of(names, st.integers(0, 99).map(Index)), min_size=1, max_size=6).filter(
    lambda ps: isinstance(ps[0], str)
)


@given(parts)
def test_any_parts_written_then_read_come_back(written: list[str | Index]) -> None:
    assert parse(format_address(written)) == written
