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


@pytest.mark.parametrize(
    "address, expected",
    [
        ("horizon.end", 2022),
        ("money.units.real", "£m, real 2013/14 prices"),
        ("options.outsource.total_saving.present_value", OUTSOURCE["total_saving"]["present_value"]),
        ("options[1].total_saving.nominal", OUTSOURCE["total_saving"]["nominal"]),
        ("options.1.total_saving.nominal", OUTSOURCE["total_saving"]["nominal"]),
        ("options.outsource.yearly.saving_nominal.2014", OUTSOURCE["yearly"]["saving_nominal"][1]),
        ("options.outsource.yearly.saving_nominal[1]", OUTSOURCE["yearly"]["saving_nominal"][1]),
        ('options.outsource.lines."Re new income".nominal.2022', -3.38),
        ('targets."Savings needed before 2015".outsource.share_met', GAP["results"][0]["share_met"]),
        ("targets.Savings needed before 2015.results.outsource.met", False),
        ("targets[0].results[0].achieved", GAP["results"][0]["achieved"]),
        ("discount_factor.2014", 1 / 1.035),
    ],
)
def test_each_address_reaches_the_figure(address: str, expected: Any) -> None:
    found = resolve(RESULTS, address)
    assert type(found) is type(expected)
    assert found == (pytest.approx(expected, rel=1e-15) if isinstance(expected, float) else expected)


def test_the_headline_figures_match_the_hand_worked_ones() -> None:
    # The promise, 125.4 + 5.3 + 33.8, less the expected cost of provider failure (0.5% a year, £18m,
    # half recovered, at most once): 9 x (1 - 0.995^10); in 2014/15 alone 9 x 0.005 x 0.995.
    failure = 9 * (1 - 0.995**10)
    assert resolve(RESULTS, "options.outsource.total_saving.nominal") == pytest.approx(125.4 + 5.3 + 33.8 - failure)
    share = (16.45 - 9 * 0.005 * 0.995) / 56
    assert resolve(RESULTS, 'targets."Savings needed before 2015".outsource.share_met') == pytest.approx(share)


@pytest.mark.parametrize(
    "address, words",
    [
        ("options.outsorce.total_saving", "options has no 'outsorce'; did you mean 'outsource'? Choose a name"),
        ("options.outsource.total_saving", "is a mapping, not one figure. Add one of its keys: nominal, real,"),
        ("options.outsource.yearly.saving_nominal", "is a list, not one figure. Add a year, 2013 to 2022, or"),
        ("options.outsource.yearly.saving_nominal.2030", "has no '2030'. Choose a year, 2013 to 2022"),
        (
            "options.outsource.yearly.saving_nominal[10]",
            "has no [10]. Choose a year, 2013 to 2022, or a position, [0] to [9]",
        ),
        ("targets.Gap.outsource", 'Choose a name ("Savings needed before 2015", "Savings claimed over the decade")'),
        ('targets."Savings needed before 2015".outsorce', "did you mean 'outsource'?"),
        ("horizon.end.year", "horizon.end is a single value (2022)"),
        ("nothing", "the results has no 'nothing'. Choose one of its keys: tool, scenario,"),
    ],
)
def test_a_bad_address_lists_what_exists(address: str, words: str) -> None:
    with pytest.raises(AddressError) as caught:
        resolve(RESULTS, address)
    assert words in str(caught.value)
