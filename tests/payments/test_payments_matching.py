"""The matching rule of --supplier and --exclude."""

from __future__ import annotations

import pytest

from barnetmodel.errors import ScenarioError
from barnetmodel.payments.matching import match_supplier, words

PAYEES = [
    "CAPITA BUSINESS SERVICES LTD",
    "Capita plc",
    "Capita Symonds",
    "Capita Symonds Ltd",
    "CAPITA PROPERTY & INFRASTRUCTURE LTD",
    "capita-resourcing limited",
    "Capital Cleaning Ltd",
    "Capitol Hill Ltd",
    "Capitalise Ltd",
    "CAPITAL & REGIONAL PLC",
    "Re (Regional Enterprise) Ltd",
    "Comensura Ltd",
]


def matched(suppliers: list[str], exclude: list[str] = []) -> list[str]:  # noqa: B006 (never changed)
    mask = match_supplier(PAYEES, suppliers, exclude)
    return [name for name, hit in zip(PAYEES, mask, strict=True) if hit]


def test_capita_is_every_capita_company_and_no_decoy() -> None:
    assert matched(["Capita"]) == PAYEES[:6]


def test_every_word_must_appear_whole() -> None:
    assert matched(["Capita Symonds"]) == ["Capita Symonds", "Capita Symonds Ltd"]
    assert matched(["Symonds Capita"]) == ["Capita Symonds", "Capita Symonds Ltd"]  # in any order
    assert matched(["Capita Business Services Limited"]) == ["CAPITA BUSINESS SERVICES LTD"]
    assert matched(["Capit"]) == []
    assert matched(["Capital"]) == ["Capital Cleaning Ltd", "CAPITAL & REGIONAL PLC"]


def test_legal_forms_and_punctuation_are_ignored() -> None:
    assert words("CAPITA PROPERTY & INFRASTRUCTURE LTD") == {"capita", "property", "infrastructure"}
    assert words("Re (Regional Enterprise) Ltd.") == {"re", "regional", "enterprise"}
    assert words("Sainsbury's Group plc") == {"sainsburys"}
    assert matched(["capita-resourcing"]) == ["capita-resourcing limited"]


def test_several_suppliers_and_exclusions() -> None:
    assert matched(["Capita", "Regional Enterprise"]) == PAYEES[:6] + ["Re (Regional Enterprise) Ltd"]
    assert matched(["Capita"], ["Capita Symonds"]) == [PAYEES[0], PAYEES[1], PAYEES[4], PAYEES[5]]


def test_a_name_with_nothing_to_match_is_an_error() -> None:
    with pytest.raises(ScenarioError) as raised:
        match_supplier(PAYEES, ["Ltd", "Capita"], ["Group plc"])
    assert [p.file for p in raised.value.problems] == ["--supplier Ltd", "--exclude Group plc"]
    with pytest.raises(ScenarioError):
        match_supplier(PAYEES, [], [])
