"""Cross-field checks on a partly valid scenario: what refers to a refused part is not said to name nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from barnetmodel.errors import ScenarioError, format_path
from barnetmodel.scenario.load import load

# Every item here is referred to by name by another; each refusal below breaks one of them for another reason.
REFERRED = """\
title: Items referred to by name
horizon: {start: 2013, years: 5}
money: {inflation: 0.02, discount: 0.035}
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - {name: Contract, annual: {triangular: {low: 7, mode: 8, high: 9}}, growth: 0.01}
      - {name: Client side, share_of: Contract, rate: 0.02}
      - {name: Credits, credits: Contract, share: 0.01}
      - {name: Fallback, annual: 9}
      - {name: Exit, once: 2016, amount: 1}
      - {name: In-house again, annual: 9, from: 2016}
    risks:
      - {name: Provider failure, probability: 0.1, recovered: 0.2,
         cost: {triangular: {low: 0.5, mode: 1, high: 2}}, stops: [Contract],
         fallback: [Fallback], takes_effect: next_year}
    guarantees:
      - {name: Savings, lines: [Contract], level: 7, cap: 1, provider: Provider failure}
    changes:
      - {name: Back in-house, year: 2016, stops: [Contract, Savings, Provider failure], starts: [In-house again],
         costs: [Exit]}
    optimism_bias: {uplift: 0.1, lines: [Contract, Fallback]}
uncertainty:
  correlations:
    - between: [options.outsource.risks.Provider failure.cost, options.outsource.lines.Contract.annual]
      rank: 0.5
"""


@pytest.mark.parametrize(
    ("old", "new", "refused"),
    [
        ("probability: 0.1", "probability: 3", "options.outsource.risks[0].probability"),
        ("recovered: 0.2", "recovered: 30", "options.outsource.risks[0].recovered"),
        ("cap: 1, provider", "cap: -1, provider", "options.outsource.guarantees[0].cap"),
        ("year: 2016, stops", "year: 2016, stop: [], stops", "options.outsource.changes[0].stop"),
        ("growth: 0.01", "growth: 3", "options.outsource.lines[0].growth"),
        ("{name: Fallback, annual: 9}", "{name: Fallback, annual: 9, ramp: [2]}", "options.outsource.lines[3].ramp[0]"),
        (
            "{name: Exit, once: 2016, amount: 1}",
            "{name: Exit, once: 2016.5, amount: 1}",
            "options.outsource.lines[4].once",
        ),
        ("risks:\n", "risks:\n      - 3\n", "options.outsource.risks[0]"),
    ],
)
def test_a_reference_to_a_refused_item_is_not_reported_missing(
    old: str, new: str, refused: str, write: Callable[[str], Path]
) -> None:
    load(str(write(REFERRED)))  # valid as written
    assert old in REFERRED
    with pytest.raises(ScenarioError) as raised:
        load(str(write(REFERRED.replace(old, new, 1))))
    assert [format_path(problem.path) for problem in raised.value.problems] == [refused], raised.value


def test_a_reference_to_a_missing_item_is_still_reported(write: Callable[[str], Path]) -> None:
    # The risk's probability is refused, and the change's `stops` names a line that is not there: said.
    text = REFERRED.replace("probability: 0.1", "probability: 3").replace(
        "stops: [Contract, Savings", "stops: [Contrat, Savings"
    )
    with pytest.raises(ScenarioError) as raised:
        load(str(write(text)))
    assert [(format_path(p.path), p.message) for p in raised.value.problems] == [
        (
            "options.outsource.risks[0].probability",
            "should be less than or equal to 1, not 3; 3 is 300%: write 0.03 for 3%",
        ),
        (
            "options.outsource.changes[0].stops[0]",
            "no line of this option is called 'Contrat'; did you mean 'Contract'?",
        ),
    ]
