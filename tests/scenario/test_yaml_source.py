"""The YAML reader: numbers as users write them, positions, and what it refuses."""

from __future__ import annotations

import pytest
import yaml

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
