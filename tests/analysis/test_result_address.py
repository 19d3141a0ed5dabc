"""Addresses into the results of `run`: each one reaches the figure the JSON holds there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from barnetmodel.analysis.result_address import resolve
from barnetmodel.cli.app import app
from barnetmodel.scenario.address import AddressError
from conftest import ROOT

runner = CliRunner()
RESULTS: dict[str, Any] = json.loads(
    runner.invoke(app, ["run", str(ROOT / "scenarios" / "one_barnet_council_case.yaml"), "-f", "json"]).stdout
)
OUTSOURCE = RESULTS["options"][1]
GAP = RESULTS["targets"][0]
BUDGET = "Savings these contracts were to make in the 2013-15 budget"  # the council case's first target


@pytest.mark.parametrize(
    "address, expected",
    [
        ("horizon.end", 2023),
        ("money.units.real", "£m, real 2013/14 prices"),
        ("options.outsource.total_saving.present_value", OUTSOURCE["total_saving"]["present_value"]),
        ("options[1].total_saving.nominal", OUTSOURCE["total_saving"]["nominal"]),
        ("options.1.total_saving.nominal", OUTSOURCE["total_saving"]["nominal"]),
        ("options.outsource.yearly.saving_nominal.2014", OUTSOURCE["yearly"]["saving_nominal"][1]),
        ("options.outsource.yearly.saving_nominal[1]", OUTSOURCE["yearly"]["saving_nominal"][1]),
        ('options.outsource.lines."Re new income".nominal.2022', -3.38 * 1.02**9),  # real, in 2022/23's cash
        (f'targets."{BUDGET}".outsource.share_met', GAP["results"][0]["share_met"]),
        (f"targets.{BUDGET}.results.outsource.met", True),
        ("targets[0].results[0].achieved", GAP["results"][0]["achieved"]),
        ("discount_factor.2014", 1 / 1.035),
    ],
)
def test_each_address_reaches_the_figure(address: str, expected: Any) -> None:
    found = resolve(RESULTS, address)
    assert type(found) is type(expected)
    assert found == (pytest.approx(expected, rel=1e-15) if isinstance(expected, float) else expected)


def test_the_headline_figures_match_the_hand_worked_ones() -> None:
    # Worked out in scenarios/tests/one_barnet_council_case.yaml: a saving of 10.526 a year on the CSG
    # and 1.446 on Re (2013/14 prices), over the contracts' months in cash, less the 16.1 invested.
    csg = 7 / 12 + sum(1.02**t for t in range(1, 10)) + 5 / 12 * 1.02**10
    re = 1 / 2 + sum(1.02**t for t in range(1, 10)) + 1 / 2 * 1.02**10
    expected = 10.526 * csg + 1.446 * re - 16.1
    assert resolve(RESULTS, "options.outsource.total_saving.nominal") == pytest.approx(expected)
    share = (10.526 + 1.446) * 1.02 / 6.7  # the saving in 2014/15 against the budget book's 6.7
    assert resolve(RESULTS, f'targets."{BUDGET}".outsource.share_met') == pytest.approx(share)


@pytest.mark.parametrize(
    "address, words",
    [
        ("options.outsorce.total_saving", "options has no 'outsorce'; did you mean 'outsource'? Choose a name"),
        ("options.outsource.total_saving", "is a mapping, not one figure. Add one of its keys: nominal, real,"),
        ("options.outsource.yearly.saving_nominal", "is a list, not one figure. Add a year, 2013 to 2023, or"),
        ("options.outsource.yearly.saving_nominal.2030", "has no '2030'. Choose a year, 2013 to 2023"),
        (
            "options.outsource.yearly.saving_nominal[11]",
            "has no [11]. Choose a year, 2013 to 2023, or a position, [0] to [10]",
        ),
        ("targets.Gap.outsource", f'Choose a name ("{BUDGET}", "Savings claimed over the decade")'),
        (f'targets."{BUDGET}".outsorce', "did you mean 'outsource'?"),
        ("horizon.end.year", "horizon.end is a single value (2023)"),
        ("nothing", "the results have no 'nothing'. Choose one of its keys: tool, scenario,"),
    ],
)
def test_a_bad_address_lists_what_exists(address: str, words: str) -> None:
    with pytest.raises(AddressError) as caught:
        resolve(RESULTS, address)
    assert words in str(caught.value)
