"""libyaml's parser reads a file as the Python parser does, or leaves it to it: the same values, positions
and spans, and every message the Python parser's. Checked on every YAML file shipped, on what libyaml is
known to read otherwise, and on altered scenario files."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnetmodel.errors import ScenarioError
from barnetmodel.scenario import yaml_source
from conftest import ROOT

pytestmark = pytest.mark.skipif(yaml_source.QUICK is None, reason="PyYAML without libyaml")
SHIPPED = sorted(p for p in ROOT.rglob("*.yaml") if ".venv" not in p.parts)
LINES = [line for path in SHIPPED for line in path.read_text(encoding="utf-8-sig").split("\n")]
# Each read otherwise by libyaml, found by reading altered files with both parsers.
READ_OTHERWISE = [
    "a:\t1\n",
    "\ufeffa: 1\n",
    "---",
    "a: {x: , y: 1}\n",
    "ramp: [0?.5, 0.8]\n",
    "a: {name: L?ine 12}\n",
    "? a\n? b\n",
    " !  ",
    "a: |+#\n  x\n\n",
    "%YAML 1.3\n---\na: 1\n",
    "x: \u2028y\n",
]


def read(text: str, loader: Any) -> tuple[Any, ...]:
    try:
        source = yaml_source._parse(text, "f.yaml", loader)
    except ScenarioError as error:
        return ("problems", [str(problem) for problem in error.problems])
    return ("read", repr(source.data), source.values, source.keys, source.spans, source.size)


def check(text: str) -> None:
    """The quick parser reads `text` as the Python one, or `parse` leaves it to the Python one."""
    python = read(text, yaml_source._LimitedLoader)
    if not yaml_source.READ_OTHERWISE.search(text):
        quick = read(text, yaml_source.QUICK)
        assert quick == python or quick[0] == "problems", text
    assert read_by_parse(text) == python


def read_by_parse(text: str) -> tuple[Any, ...]:
    try:
        source = yaml_source.parse(text, "f.yaml")
    except ScenarioError as error:
        return ("problems", [str(problem) for problem in error.problems])
    return ("read", repr(source.data), source.values, source.keys, source.spans, source.size)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_is_read_quickly_and_alike(path: Any) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert read(text, yaml_source.QUICK) == read(text, yaml_source._LimitedLoader)


@pytest.mark.parametrize("text", READ_OTHERWISE)
def test_what_libyaml_reads_otherwise_is_read_by_the_python_parser(text: str) -> None:
    check(text)


PIECES = [
    "? ",
    "!x ",
    "%",
    "\t",
    "|+",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "?",
    "!",
    "#",
    "'",
    '"',
    "\n",
    "  ",
    "&a ",
    "*a",
]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, len(LINES) - 1),
    st.integers(1, 25),
    st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from([*PIECES, ""])), max_size=4),
)
def test_altered_scenario_files_are_read_alike(start: int, count: int, changes: list[tuple[int, str]]) -> None:
    text = "\n".join(LINES[start : start + count]) + "\n"
    for at, piece in changes:
        at %= len(text) + 1
        text = text[:at] + piece + text[at + (piece == "") :]
    check(text)


def test_a_random_sample_of_alterations_is_read_alike() -> None:
    chooser = random.Random(16)
    for _ in range(300):
        start = chooser.randrange(len(LINES))
        text = "\n".join(LINES[start : start + chooser.randint(1, 30)])
        for _ in range(chooser.randint(1, 3)):
            at = chooser.randint(0, len(text))
            text = text[:at] + chooser.choice(PIECES) + text[at:]
        check(text)


def test_limits_are_reached_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too many values, or nested too deep: the quick parser says so itself (a hostile file is read once), in
    the words and at the position the Python parser gives."""
    monkeypatch.setattr(yaml_source, "MAX_NODES", 40)
    monkeypatch.setattr(yaml_source, "MAX_DEPTH", 3)
    chooser = random.Random(61)
    refused = 0
    for _ in range(300):
        start = chooser.randrange(len(LINES))
        text = "\n".join(LINES[start : start + chooser.randint(5, 40)])
        for _ in range(chooser.randint(0, 2)):
            at = chooser.randint(0, len(text))
            text = text[:at] + chooser.choice(PIECES) + text[at:]
        check(text)
        refused += "too many values" in str(read_by_parse(text)) or "levels deep" in str(read_by_parse(text))
    assert refused > 50  # the limits were reached, often
