"""Overrides: values replaced by address before validation, the data itself untouched."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from barnetmodel.errors import ScenarioError
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario.address import AddressError
from barnetmodel.scenario.load import load
from barnetmodel.scenario.overrides import apply_override, apply_settings
from conftest import MINIMAL, ROOT

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


# A part the file leaves out (D6): set whole, as the error shows, not taken for a misspelling.
@pytest.mark.parametrize(
    "setting, words",
    [
        (
            "uncertainty.draws=1000",
            "the top of the file has no 'uncertainty': to add it, set it whole, e.g. --set 'uncertainty={draws: 1000}'; "
            "or choose one of its keys: title, horizon, money, baseline, options",
        ),
        (
            "options.outsource.optimism_bias.category=outsourcing",
            "e.g. --set 'options.outsource.optimism_bias={category: outsourcing}'",
        ),
        ("options.outsource.lines[0].index.rate=0.02", "e.g. --set 'options.outsource.lines[0].index={rate: 0.02}'"),
        (
            "options.shared.title=Shared",
            "options has no 'shared': to add it, set it whole, e.g. --set 'options.shared=",
        ),
        ("uncertainty.note=a, b", """e.g. --set 'uncertainty={note: "a, b"}'"""),
        ("uncertainty.correlations[0].rank=0.5", "e.g. --set 'uncertainty=...'"),
        # A misspelling, of the file's keys or the format's, is still one; a single value holds nothing.
        ("uncertanty.draws=1000", "the top of the file has no 'uncertanty'; did you mean 'uncertainty'? Choose"),
        ("options.outsorce.title=x", "options has no 'outsorce'; did you mean 'outsource'? Choose"),
        ("nothing.draws=1", "the top of the file has no 'nothing'. Choose one of its keys: title,"),
        ("money.vat.rate=0.2", "money.vat is a single value, with nothing inside it"),
        ("inputs.pay.value=1", "the top of the file has no 'inputs'. Choose one of its keys: title, horizon, money, "),
    ],
)
def test_a_part_the_file_leaves_out_is_set_whole(setting: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        apply_settings(yaml_source.parse(MINIMAL, "m.yaml"), [setting])
    (problem,) = caught.value.problems
    assert problem.file == f"--set {setting}"
    assert words in problem.message


def test_a_part_set_whole_as_the_error_says_is_taken() -> None:
    source = apply_settings(yaml_source.parse(MINIMAL, "m.yaml"), ["uncertainty={draws: 1000}"])
    assert source.data["uncertainty"] == {"draws": 1000}


def test_a_problem_with_what_holds_a_setting_names_the_setting(write: Callable[[str], Path]) -> None:
    """A line given a second amount (D8): the file's line is wrong only with the --set, so the --set is named."""
    path = write(MINIMAL)
    setting = "options.outsource.lines[0].total=9"
    with pytest.raises(ScenarioError) as caught:
        load(str(path), [setting])
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (str(path), 13, ("options", "outsource", "lines", 0))
    assert problem.message.endswith(f"it has annual, total (total set by --set {setting})")
    with pytest.raises(ScenarioError) as caught:  # a bad value is still the --set's alone
        load(str(path), ["money.inflation=-3"])
    assert caught.value.problems[0].message == "should be greater than -0.5, not -3"


def test_a_setting_brings_its_own_hints_and_drops_the_files() -> None:
    from barnetmodel.scenario.overrides import apply_settings
    from barnetmodel.scenario.yaml_source import parse

    source = parse("baseline: no\nnote: {a: x}\ninputs: {x: 1}\n", "f.yaml")
    changed = apply_settings(source, ["baseline=off", "inputs.x={value: 1, note: a, b}"])
    assert changed.words == {("baseline",): "off"}
    assert changed.cut_by_comma == {("inputs", "x", "b")}
    assert apply_settings(source, ["baseline=in_house"]).words == {}
