"""The answer in one sentence, and how money and shares read in a sentence."""

from __future__ import annotations

from typing import Any

from barnetmodel.output.optional_sections import probability_met, saving_percentiles
from barnetmodel.output.views import money
from barnetmodel.scenario.models import financial_year

CURRENCY_SIGNS = "£$€"


def money_text(value: float, unit: str) -> str:
    """A figure as written in prose: 130.5 in '£m' is '£130.5m', -4.1 is '-£4.1m'; other units follow the figure."""
    figure = money(abs(value))
    sign = "-" if figure != "0.0" and value < 0 else ""
    if unit[:1] in CURRENCY_SIGNS:
        return f"{sign}{unit[0]}{figure}{unit[1:]}"
    return f"{sign}{figure} {unit}"


def share_text(share: float, met: bool) -> str:
    """29%; a share just short of a target never reads as 100%, nor one just past it as under."""
    text = f"{share:.0%}"
    if (text == "100%" and not met) or (share >= 1 and text == "99%"):
        text = f"{share:.1%}"
    return text


def probability_text(probability: float) -> str:
    """4%; a chance that is neither nil nor certain never reads as 0% or 100%."""
    text = f"{probability:.0%}"
    if text == "0%" and probability > 0:
        return "under 1%"
    if text == "100%" and probability < 1:
        return "over 99%"
    return text


def target_period(target: dict[str, Any]) -> str:
    """'a saving in 2014/15, nominal' or 'savings to 2022/23 added up, nominal'."""
    year = financial_year(target["by"])
    if target["measure"] == "annual":
        return f"a saving in {year}, {target['prices']}"
    return f"savings to {year} added up, {target['prices']}"


def _target_clause(results: dict[str, Any], target: dict[str, Any], result: dict[str, Any]) -> str:
    unit = results["money"]["unit"]
    name = f"the target '{target['name']}' ({target_period(target)})"
    achieved = f"{money_text(result['achieved'], unit)} of {money_text(target['amount'], unit)}"
    share = share_text(result["share_met"], result["met"])
    chance = probability_met(results, target["name"], result["option"])
    if chance is not None:
        return f"{name} is met with probability {probability_text(chance)} (central case {achieved}, {share})"
    return f"{name} is {'met' if result['met'] else 'not met'}: {achieved} ({share})"


def headline(results: dict[str, Any]) -> str:
    """The option that saves most in present value, by how much, and how it does against its targets.

    "Capita contracts (CSG and Re) saves £130.1m in present value (2013/14 prices) against
    Keep the services in-house; the target 'Savings needed before 2015' (a saving in
    2014/15, nominal) is not met: £16.4m of £56.0m (29%)." With Monte Carlo draws the
    saving carries the draws' mean and P10-P90 range, and each target the probability it is met.
    """
    options = results["options"]
    baseline = next(o for o in options if o["is_baseline"])
    others = [o for o in options if not o["is_baseline"]]
    if not others:
        return f"{baseline['title']} is the only option: there is nothing to compare it with."
    best = max(others, key=lambda o: o["total_saving"]["present_value"])
    unit = results["money"]["unit"]
    prices = financial_year(results["money"]["price_base"])

    def verdict(option: dict[str, Any]) -> str:
        saving = option["total_saving"]["present_value"]
        amount = money_text(abs(saving), unit)
        return f"{option['title']} {'saves' if saving >= 0 else 'costs'} {amount}{'' if saving >= 0 else ' more'}"

    linking = "against" if best["total_saving"]["present_value"] >= 0 else "than"
    sentence = f"{verdict(best)} in present value ({prices} prices) {linking} {baseline['title']}"
    percentiles = saving_percentiles(results, best["name"])
    if percentiles is not None:
        # The figure above is the central run's (each input at its mean), which a cap, a guarantee, a switch or
        # a compounded growth rate moves away from the expected saving: the mean of the draws is said beside it.
        low, high, mean = percentiles["p10"], percentiles["p90"], percentiles["mean"]
        if best["total_saving"]["present_value"] >= 0:
            sentence += f", {money_text(mean, unit)} on average over the draws"
            sentence += f", P10-P90 {money_text(low, unit)} to {money_text(high, unit)}"
        else:  # a sentence about extra cost gives the extra cost's range: the saving's, negated
            sentence += f", {money_text(-mean, unit)} more on average over the draws"
            sentence += f", P10-P90 of the extra cost {money_text(-high, unit)} to {money_text(-low, unit)}"
    if len(others) > 1:
        rest = ", ".join(verdict(o) for o in others if o is not best)
        sentence += f", the best of the {len(others)} options compared with it ({rest})"
    clauses = [
        _target_clause(results, target, result)
        for target in results["targets"]
        for result in target["results"]
        if result["option"] == best["name"]
    ]
    return "; ".join([sentence, *clauses]) + "."
