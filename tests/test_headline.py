"""The one-sentence answer at the top of the report, against sentences written out by hand."""

from __future__ import annotations

import copy

import pytest

from barnetmodel.output.headline import headline, money_text, share_text
from conftest import ROOT, computed, with_later_sections

COUNCIL = ROOT / "scenarios" / "one_barnet_council_case.yaml"


def test_council_case_in_one_sentence() -> None:
    _, results = computed(COUNCIL)
    assert headline(results) == (
        "Capita contracts (CSG and Re) saves £130.5m in present value (2013/14 prices) against Keep the "
        "services in-house; the target 'Savings needed before 2015' (a saving in 2014/15, nominal) is not met: "
        "£16.5m of £56.0m (29%); the target 'Savings claimed over the decade' (savings to 2022/23 added up, "
        "nominal) is not met: £164.5m of £165.0m (99.7%)."
    )


def test_an_option_dearer_than_the_baseline_costs_more() -> None:
    _, results = computed(COUNCIL)
    results = copy.deepcopy(results)
    results["targets"] = []
    results["options"][1]["total_saving"]["present_value"] = -48.64
    assert headline(results) == (
        "Capita contracts (CSG and Re) costs £48.6m more in present value (2013/14 prices) than Keep the services in-house."
    )


def test_with_draws_the_saving_has_its_range_and_targets_their_chances() -> None:
    _, results = computed(COUNCIL)
    sentence = headline(with_later_sections(results))
    assert (
        "saves £130.5m in present value (2013/14 prices) against Keep the services in-house, P10-P90 £71.2m to £166.3m;"
        in sentence
    )
    assert (
        "the target 'Savings needed before 2015' (a saving in 2014/15, nominal) is met with probability 4%" in sentence
    )
    assert "(central case £16.5m of £56.0m, 29%)" in sentence


def test_several_options_name_the_best() -> None:
    _, results = computed(ROOT / "scenarios" / "in_house_improvement.yaml")
    sentence = headline(results)
    assert sentence.startswith("Capita contracts, with the retained client side saves £123.4m in present value")
    assert (
        "the best of the 2 options compared with it (In-house, with an improvement programme saves £50.2m);" in sentence
    )


def test_an_option_dearer_than_the_baseline_is_named_beside_the_best() -> None:
    _, results = computed(ROOT / "scenarios" / "actually_paid.yaml")
    assert headline(results).startswith(
        "Capita contracts as promised saves £130.5m in present value (2013/14 prices) against In-house cost the "
        "promise implied, the best of the 2 options compared with it (Payments to Capita as reported costs £48.6m more);"
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
