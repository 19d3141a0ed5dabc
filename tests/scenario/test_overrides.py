"""Overrides: values replaced by address before validation, the data itself untouched."""

from __future__ import annotations

import copy

import pytest
import yaml

from barnetmodel.scenario.address import AddressError
from barnetmodel.scenario.overrides import apply_override
from conftest import ROOT

COUNCIL = yaml.safe_load((ROOT / "scenarios" / "one_barnet_council_case.yaml").read_text(encoding="utf-8"))


def test_a_key_is_replaced_and_the_original_is_untouched() -> None:
    before = copy.deepcopy(COUNCIL)
    changed, path = apply_override(COUNCIL, "money.inflation", 0.03)
    assert path == ("money", "inflation")
    assert changed["money"]["inflation"] == 0.03
    assert before == COUNCIL
    assert changed["options"] is COUNCIL["options"]  # parts not on the path are shared, not copied


@pytest.mark.parametrize(
    "address",
    [
        'options.outsource.lines."Re new income".annual',
        "options.outsource.lines.Re new income.annual",
        "options.outsource.lines[10].annual",
        "options.outsource.lines.10.annual",
    ],
)
def test_a_line_by_name_or_by_position(address: str) -> None:
    changed, path = apply_override(COUNCIL, address, 0)
    assert path == ("options", "outsource", "lines", 10, "annual")
    assert changed["options"]["outsource"]["lines"][10] == {**COUNCIL["options"]["outsource"]["lines"][10], "annual": 0}
    assert changed["options"]["outsource"]["lines"][0] is COUNCIL["options"]["outsource"]["lines"][0]


def test_a_new_key_may_be_added_at_the_end() -> None:
    changed, path = apply_override(COUNCIL, "options.outsource.lines[0].growth", 0.01)
    assert changed["options"]["outsource"]["lines"][0]["growth"] == 0.01
    assert path == ("options", "outsource", "lines", 0, "growth")


def test_a_whole_section_may_be_replaced() -> None:
    changed, _ = apply_override(COUNCIL, "horizon", {"start": 2013, "years": 5})
    assert changed["horizon"] == {"start": 2013, "years": 5}


@pytest.mark.parametrize(
    "address, words",
    [
        ("mony.inflation", "the top of the file has no 'mony'; did you mean 'money'? Choose one of its keys: title,"),
        ("options.outsource.lines[13].annual", 'has no item [13]. Choose a name ("CSG contract charge"'),
        ("options.outsource.lines.Re income.annual", "or a position, [0] to [12]"),
        ("money.unit.symbol", "money.unit is a single value"),
        ("money[0]", "money is a mapping, not a list"),
        ("money..x", "a name is missing"),
        ("inputs.csg_contrakt", "inputs has no 'csg_contrakt'; did you mean 'csg_contract'? Choose one of its keys:"),
        ("inputs.re_incme", "(an override changes an input the file has: a new one would feed nothing)"),
    ],
)
def test_a_bad_address_says_what_there_is(address: str, words: str) -> None:
    with pytest.raises(AddressError) as caught:
        apply_override(COUNCIL, address, 1)
    assert words in str(caught.value)


def test_a_named_input_is_changed_not_added() -> None:
    """An input the file has is replaced; a misspelt one is not quietly added (it would feed nothing, and the
    run, or a test, would go on with the file as it is)."""
    changed, path = apply_override(COUNCIL, "inputs.csg_contract", 400)
    assert path == ("inputs", "csg_contract")
    assert changed["inputs"]["csg_contract"] == 400
    with pytest.raises(AddressError):
        apply_override(COUNCIL, "inputs.csg_contract_total", 400)


def test_a_file_with_no_named_inputs_takes_none_by_override() -> None:
    empty = {**COUNCIL, "inputs": {}}
    with pytest.raises(AddressError) as caught:
        apply_override(empty, "inputs.pay", 0.03)
    assert str(caught.value).startswith("inputs has no 'pay'. Choose nothing: it is empty (an override changes")
