"""The YAML reader: numbers as users write them, positions, and what it refuses."""

from __future__ import annotations

import pytest
import yaml

from barnetmodel.errors import ScenarioError
from barnetmodel.scenario.yaml_source import parse


@pytest.mark.parametrize(
    "text, value",
    [
        ("2.5e6", 2_500_000.0),
        ("1e9", 1e9),
        ("-3E-2", -0.03),
        ("1.0e+6", 1e6),
        (".5e3", 500.0),
        ("12", 12),
        ("2013", 2013),
        ("0.035", 0.035),
        ("e5", "e5"),
        ("1e", "1e"),
    ],
)
def test_numbers_in_scientific_notation_are_numbers(text: str, value: object) -> None:
    data = parse(f"a: {text}\n", "f.yaml").data
    assert data["a"] == value and type(data["a"]) is type(value)


def test_the_plain_pyyaml_loader_is_left_as_it_was() -> None:
    assert yaml.safe_load("a: 2.5e6") == {"a": "2.5e6"}


def test_positions_are_one_based() -> None:
    source = parse("title: x\nmoney:\n  inflation: 0.02\n", "f.yaml")
    assert source.values[("money", "inflation")] == (3, 14)
    assert source.keys[("money", "inflation")] == (3, 3)


@pytest.mark.parametrize(
    "text, where, says",
    [
        # an indent off by one space: YAML reads the next key as part of the value before it
        ("money:\n unit: £m\n  prices: nominal\n", "3:9", "check this line's indentation against the lines above"),
        ("title: Payroll: a case\n", "1:15", "or put a value that holds ': ' in quotes"),
        ("lines:\n  - name: a\n   annual: 2\n", "3:4", "this line does not line up with the lines above it"),
        ("money:\n\tunit: m\n", "2:1", "indent with spaces: YAML allows no tab there"),
        ("title: x\nmoney\n  unit: m\n", "3:7", "a key without its ':'"),
    ],
)
def test_common_yaml_mistakes_say_what_to_look_at(text: str, where: str, says: str) -> None:
    """PyYAML's own words stay (searchable), and after them what to look at, at PyYAML's position."""
    from barnetmodel.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert f"{problem.line}:{problem.column}" == where
    assert problem.message.startswith("invalid YAML: ") and says in problem.message


@pytest.mark.parametrize(
    "text, ends",
    [
        ("title: x\nhorizon: {start: 2013, years: 10\n", "but got '<stream end>'"),
        ("title: @council\n", "found character '@' that cannot start any token"),  # not a tab
        ('title: "a" b\n', "but found '<scalar>'"),  # text after a quoted value: not an indent
    ],
)
def test_other_yaml_mistakes_carry_no_hint(text: str, ends: str) -> None:
    from barnetmodel.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        parse(text, "f.yaml")
    assert caught.value.problems[0].message.endswith(ends)


def test_a_one_line_value_carries_no_hint() -> None:
    """A --set's value has no lines above it to line up with."""
    from barnetmodel.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        parse("a: b: c", "--set x=a: b: c", hints=False)
    assert caught.value.problems[0].message == "invalid YAML: mapping values are not allowed here"


@pytest.mark.parametrize(
    "text, cut",
    [
        ("a: {value: 1, note: print, post, systems), £m}\n", {"post", "systems)", "£m"}),
        ("a: {note: print,post}\n", {"post"}),
        ("a: {value: 1, post}\n", set()),  # after a number: not text cut by a comma
        ("a: {note: 'print', post}\n", set()),  # after quoted text: the comma did not cut it
        ("a: {note: print, post: }\n", set()),  # a key with its ':'
        ("a: {note: print, post: x}\n", set()),
        ("a:\n  note: print\n  post:\n", set()),  # not in { }
    ],
)
def test_keys_without_values_after_text_in_braces_are_marked_as_cut_by_a_comma(text: str, cut: set[str]) -> None:
    source = parse(text, "f.yaml")
    assert source.cut_by_comma == {("a", key) for key in cut}


@pytest.mark.parametrize(
    "text, says",
    [
        (
            "sources: {1: one, yes: three}\n",
            "1:19: sources: keys must be text; `1` and `yes` (read by YAML as true) are not: quote them",
        ),
        ("sources: {no: x}\n", "1:11: sources: keys must be text; `no` is read by YAML as false: write 'no' in quotes"),
        ("a:\n  ~: x\n", "2:3: a: keys must be text; `~` is read by YAML as nothing (null): write '~' in quotes"),
    ],
)
def test_a_key_read_as_true_false_or_null_is_refused_with_how_to_quote_it(text: str, says: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse(text, "f.yaml")
    assert str(raised.value) == f"f.yaml:{says}"


def test_words_read_as_true_or_false_are_remembered_for_the_hint_to_quote_them() -> None:
    source = parse("a: no\nb: {c: On}\nd: true\ne: 'yes'\n", "f.yaml")
    assert source.words == {("a",): "no", ("b", "c"): "On"}
