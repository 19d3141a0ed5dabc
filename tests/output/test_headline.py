"""The one-sentence answer at the top of the report, against sentences written out by hand."""

from __future__ import annotations

import copy
import re

import pytest

from barnetmodel.output.headline import headline, money_text, probability_text, share_text
from conftest import ROOT, computed

COUNCIL = ROOT / "scenarios" / "one_barnet_council_case.yaml"
BUDGET = "Savings these contracts were to make in the 2013-15 budget"  # the council case's first target


def test_council_case_in_one_sentence() -> None:
    # By hand (scenarios/tests/one_barnet_council_case.yaml): a saving of 10.526 a year on the CSG and 1.446
    # on Re in 2013/14 prices, over the contracts' months, less the 16.1 invested: 85.464 in present value;
    # (10.526 + 1.446) x 1.02 = 12.211 in 2014/15 (182% of 6.7); 103.62 in real terms (63% of 165).
    _, results = computed(COUNCIL)
    assert headline(results) == (
        "Capita contracts (CSG and Re) saves £85.5m in present value (2013/14 prices) against Keep the "
        f"services in-house; the target '{BUDGET}' (a saving in 2014/15, nominal) is met: "
        "£12.2m of £6.7m (182%); the target 'Savings claimed over the decade' (savings to 2023/24 added up, "
        "real) is not met: £103.6m of £165.0m (63%)."
    )


def test_an_option_dearer_than_the_baseline_costs_more() -> None:
    _, results = computed(COUNCIL)
    results = copy.deepcopy(results)
    results["targets"] = []
    results["options"][1]["total_saving"]["present_value"] = -48.64
    assert headline(results) == (
        "Capita contracts (CSG and Re) costs £48.6m more in present value (2013/14 prices) than Keep the services in-house."
    )


def drawn(results: dict, saving: dict, chances: list[float]) -> dict:
    """The results with a Monte Carlo section of the shape simulate.summarise_simulation gives, figures chosen."""
    results = copy.deepcopy(results)
    option = next(o for o in results["options"] if not o["is_baseline"])["name"]
    results["uncertainty"] = {
        "options": [{"name": option, "saving_present_value": saving}],
        "targets": [
            {"target": t["name"], "option": option, "probability_met": chance}
            for t, chance in zip(results["targets"], chances, strict=True)
        ],
    }
    return results


def test_with_draws_the_saving_has_its_range_and_targets_their_chances() -> None:
    _, results = computed(COUNCIL)
    sentence = headline(drawn(results, {"mean": 86.04, "p10": 71.25, "p50": 120.75, "p90": 166.35}, [0.0425, 0.004]))
    assert (
        "saves £85.5m in present value (2013/14 prices) against Keep the services in-house, £86.0m on average over "
        "the draws, P10-P90 £71.2m to £166.3m;" in sentence
    )
    assert (
        f"the target '{BUDGET}' (a saving in 2014/15, nominal) is met with probability 4% "
        "(central case £12.2m of £6.7m, 182%);" in sentence
    )
    assert "the target 'Savings claimed over the decade' (savings to 2023/24 added up, real) is met with " in sentence
    assert "probability under 1% (central case £103.6m of £165.0m, 63%)." in sentence


def test_an_option_that_costs_more_gives_the_range_of_its_extra_cost() -> None:
    # Costs £4.7m more; the saving's P10-P90 is -£12.9m to £0.2m, so the extra cost's is -£0.2m to
    # £12.9m (the saving's ends, negated and swapped): every figure in the sentence about extra cost.
    _, results = computed(COUNCIL)
    results["targets"] = []
    results["options"][1]["total_saving"]["present_value"] = -4.7
    sentence = headline(drawn(results, {"mean": -5.04, "p10": -12.9, "p50": -4.5, "p90": 0.2}, []))
    assert sentence == (
        "Capita contracts (CSG and Re) costs £4.7m more in present value (2013/14 prices) than Keep the services "
        "in-house, £5.0m more on average over the draws, P10-P90 of the extra cost -£0.2m to £12.9m."
    )


def test_the_range_and_chances_are_those_of_the_draws() -> None:
    _, results = computed(ROOT / "scenarios" / "critics_stress.yaml")
    saving = results["uncertainty"]["options"][1]["saving_present_value"]
    sentence = headline(results)
    # The critics' case costs more, and may save: the range is of its extra cost, -saving, whose P10 (the
    # saving's P90 turned round) is a saving, written as a negative extra cost.
    assert saving["p10"] < 0 < saving["p90"]
    assert f", P10-P90 of the extra cost -£{saving['p90']:,.1f}m to £{-saving['p10']:,.1f}m;" in sentence
    assert f", £{-saving['mean']:,.1f}m more on average over the draws, P10-P90" in sentence
    for target in results["uncertainty"]["targets"]:
        assert f"is met with probability {probability_text(target['probability_met'])} (central case" in sentence
    assert sentence.count("is met with probability") == 2


@pytest.mark.parametrize(
    "probability, text", [(0.0, "0%"), (0.004, "under 1%"), (0.0425, "4%"), (0.996, "over 99%"), (1.0, "100%")]
)
def test_a_chance_neither_nil_nor_certain_never_reads_as_either(probability: float, text: str) -> None:
    assert probability_text(probability) == text


def test_several_options_name_the_best() -> None:
    _, results = computed(ROOT / "scenarios" / "in_house_improvement.yaml")
    sentence = headline(results)
    # The contracts' 85.464 in present value (the council case); the improvement's 29.279, worked out in
    # scenarios/tests/in_house_improvement.yaml.
    assert sentence.startswith("Capita contracts (CSG and Re) saves £85.5m in present value")
    assert (
        "the best of the 2 options compared with it (In-house, with an improvement programme saves £29.3m);" in sentence
    )


def test_an_option_dearer_than_the_baseline_is_named_beside_the_best() -> None:
    _, results = computed(ROOT / "scenarios" / "actually_paid.yaml")
    # The council's case to March 2023: 10.526 x 8.191020 + 1.446 x 8.107687 - 16.1 = 81.842 in present
    # value; what was paid: -47.055 (scenarios/tests/actually_paid.yaml).
    assert headline(results).startswith(
        "Capita contracts, the council's case saves £81.8m in present value (2013/14 prices) against Keep the "
        "services in-house, the best of the 2 options compared with it (Payments to Capita as reported costs "
        "£47.1m more);"
    )


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (130.46, "£m", "£130.5m"),
        (-4.12, "£m", "-£4.1m"),
        (1234.0, "£k", "£1,234.0k"),
        (-0.04, "£m", "£0.0m"),
        (2.5, "EUR m", "2.5 EUR m"),
    ],
)
def test_money_in_prose(value: float, unit: str, text: str) -> None:
    assert money_text(value, unit) == text


@pytest.mark.parametrize(
    "share, met, text",
    [
        (0.2937, False, "29%"),
        (0.997, False, "99.7%"),
        (1.0, True, "100%"),
        (0.996, True, "100%"),
        (1.004, True, "100%"),
    ],
)
def test_a_share_short_of_a_target_never_reads_as_100_percent(share: float, met: bool, text: str) -> None:
    assert share_text(share, met) == text


def test_the_docs_quote_the_critics_answer_as_the_report_gives_it() -> None:
    readme = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    (quoted,) = [b.strip() for b in re.findall(r"```text\n(.*?)```", readme, flags=re.DOTALL) if "P10-P90 " in b]
    _, results = computed(ROOT / "scenarios" / "critics_stress.yaml")
    assert headline(results) == quoted
