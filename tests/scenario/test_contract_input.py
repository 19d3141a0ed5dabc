"""Bad input to the contract mechanics: each mistake is `file:line:col: field.path: message`, exit 2,
no traceback, no output file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_load import refuse

from barnetmodel.scenario.load import load

CONTRACT = """\
title: Contract mechanics
horizon: {start: 2013, years: 6}
money:
  inflation: {series: gdp_deflator, after: 0.02}
  discount: 0.035
baseline: in_house
options:
  in_house:
    title: In-house
    lines:
      - {name: Staff, annual: 10}
  outsource:
    title: Outsourced
    lines:
      - name: Charge
        by_year: {2013: 5, 2014: 8, 2015: 8}
        index: {series: cpi, from: 2015, lag: 1, cap: 0.03, floor: 0.0}
      - {name: Spread, total: 12, term: [2013, 2016], profile: {2013: 1, 2014: 2}}
      - {name: Credits, credits: Charge, share: 0.02}
      - {name: Income, annual: -1}
      - {name: Fallback service, annual: 9}
    risks:
      - name: Provider failure
        probability: 0.1
        cost: 2
        stops: [Charge]
        fallback: [Fallback service]
        takes_effect: next_year
    guarantees:
      - {name: Income guarantee, lines: [Income], level: -1.5, provider: Provider failure}
  back:
    title: Back in-house
    based_on: outsource
    lines:
      - {name: In-house again, annual: 9.5}
    changes:
      - {name: Insource, year: 2016, stops: [Charge], starts: [In-house again]}
"""


def edit(old: str, new: str) -> str:
    assert CONTRACT.count(old) == 1, old
    return CONTRACT.replace(old, new)


def test_the_base_file_is_valid(write: Callable[[str], Path]) -> None:
    load(str(write(CONTRACT)))


CASES = {
    "a year of a profile outside the horizon": (
        edit("{2013: 5, 2014: 8, 2015: 8}", "{2013: 5, 2014: 8, 2025: 8}"),
        ":16:37: options.outsource.lines[0].by_year[2025]: year 2025 is outside the horizon 2013-2018",
    ),
    "a year of a profile outside the term": (
        edit("profile: {2013: 1, 2014: 2}", "profile: {2013: 1, 2017: 2}"),
        ":18:74: options.outsource.lines[1].profile[2017]: year 2017 is outside the term 2013-2016",
    ),
    "a cap below the floor": (
        edit("cap: 0.03, floor: 0.0", "cap: 0.01, floor: 0.02"),
        ":17:55: options.outsource.lines[0].index.cap: the cap (0.01) is below the floor (0.02)",
    ),
    "an uncertain cap that can fall below the floor": (
        edit("cap: 0.03, floor: 0.0", "cap: {uniform: {low: 0.0, high: 0.05}}, floor: 0.01"),
        "options.outsource.lines[0].index.cap: the cap (0) is below the floor (0.01) in some draws",
    ),
    "a series that ends before the years it must give": (
        edit("inflation: {series: gdp_deflator, after: 0.02}", "inflation: {series: gdp_deflator}").replace(
            "horizon: {start: 2013, years: 6}", "horizon: {start: 2013, years: 20}"
        ),
        ":4:23: money.inflation.series: gdp_deflator ends in 2030/31, before 2032/33: give `after`",
    ),
    "an index series that ends with no rate after": (
        edit("horizon: {start: 2013, years: 6}", "horizon: {start: 2013, years: 20}"),
        ":17:25: options.outsource.lines[0].index.series: cpi ends in 2025/26, but the uplift of 2032/33 needs "
        "2031/32: give `after`",
    ),
    "an index series that starts too late": (
        edit("index: {series: cpi, from: 2015", "index: {series: gdp_deflator_2020_03, from: 1955"),
        "options.outsource.lines[0].index.from: gdp_deflator_2020_03 starts in 1955/56: it has no change for 1954/55",
    ),
    "an unknown series": (
        edit("index: {series: cpi,", "index: {series: cpih,"),
        ":17:25: options.outsource.lines[0].index.series: unknown series 'cpih'; did you mean 'cpi'?",
    ),
    "a series and a rate": (
        edit("index: {series: cpi,", "index: {series: cpi, rate: 0.02,"),
        ":17:16: options.outsource.lines[0].index: index a line to a `series` or to a `rate`, not both",
    ),
    "a switch naming a line that does not exist": (
        edit("stops: [Charge]\n", "stops: [Charges]\n"),
        ":26:17: options.outsource.risks[0].stops[0]: no line of this option is called 'Charges'; "
        "did you mean 'Charge'?",
    ),
    "a switch naming a line of another option": (
        edit("stops: [Charge]\n", "stops: [Staff]\n"),
        ":26:17: options.outsource.risks[0].stops[0]: 'Staff' is a line of option 'in_house', not of this option",
    ),
    "a fallback line active before the switch": (
        edit("{name: Fallback service, annual: 9}", "{name: Fallback service, annual: 9, from: 2014}"),
        ":27:20: options.outsource.risks[0].fallback[0]: 'Fallback service' would be active before the switch",
    ),
    "a fallback line that also stops": (
        edit("stops: [Charge]\n", "stops: [Charge, Fallback service]\n"),
        "options.outsource.risks[0].fallback: 'Fallback service' cannot both stop and start with the switch",
    ),
    "a switch that does not say when": (
        edit("        takes_effect: next_year\n", ""),
        ":23:9: options.outsource.risks[0]: say when the lines switch: `takes_effect: same_year`",
    ),
    "a premium without its years": (
        edit("takes_effect: next_year\n", "takes_effect: next_year\n        premium: 0.2\n"),
        "options.outsource.risks[0]: a fallback premium needs both `premium` and `transition`",
    ),
    "a guarantee naming a line that does not exist": (
        edit("lines: [Income]", "lines: [Incme]"),
        ":30:42: options.outsource.guarantees[0].lines[0]: no line of this option is called 'Incme'; "
        "did you mean 'Income'?",
    ),
    "a guarantee's provider that is not a risk": (
        edit("provider: Provider failure}", "provider: Provider failur}"),
        "options.outsource.guarantees[0].provider: no risk of this option is called 'Provider failur'; "
        "did you mean 'Provider failure'?",
    ),
    "a change naming a line that does not exist": (
        edit("stops: [Charge], starts", "stops: [Chrge], starts"),
        ":37:46: options.back.changes[0].stops[0]: no line of this option is called 'Chrge'; did you mean 'Charge'?",
    ),
    "a change starting a line active before it": (
        edit("{name: In-house again, annual: 9.5}", "{name: In-house again, annual: 9.5, from: 2014}"),
        ":37:64: options.back.changes[0].starts[0]: 'In-house again' starts with the change in 2016, but it has "
        "an amount in 2014",
    ),
    "a change outside the horizon": (
        edit("year: 2016", "year: 2030"),
        ":37:32: options.back.changes[0].year: year 2030 is outside the horizon 2013-2018",
    ),
    "an option based on one that does not exist": (
        edit("based_on: outsource", "based_on: outsorce"),
        ":33:15: options.back.based_on: no option is called 'outsorce'; did you mean 'outsource'?",
    ),
    "options based on each other": (
        edit("    title: Outsourced\n", "    title: Outsourced\n    based_on: back\n"),
        "options.outsource.based_on: options are based on each other in a circle: 'outsource' -> 'back' -> 'outsource'",
    ),
    "a line the option it is based on has": (
        edit("{name: In-house again, annual: 9.5}", "{name: Income, annual: 9.5}"),
        "options.back.lines[0].name: the option this one is based on already has a line called 'Income'",
    ),
    "variations with a share and an amount": (
        edit(
            "{name: Credits, credits: Charge, share: 0.02}",
            "{name: Credits, variations: Charge, share: 0.02, amount: 1}",
        ),
        ":19:9: options.outsource.lines[2]: a line with `variations` needs a `share` of the charge or an `amount` a year, "
        "not both",
    ),
    "credits on a line that does not exist": (
        edit("credits: Charge,", "credits: Chrge,"),
        "options.outsource.lines[2].credits: no line of this option is called 'Chrge'; did you mean 'Charge'?",
    ),
    "an indexed line in real prices": (
        edit("        index: {series: cpi,", "        prices: real\n        index: {series: cpi,"),
        "options.outsource.lines[0].index: an indexed line's amounts are cash",
    ),
    "VAT neither excluded nor included": (
        edit("  discount: 0.035\n", "  discount: 0.035\n  vat: maybe\n"),
        ":6:8: money.vat: should be 'excluded' or 'included', not 'maybe'",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_contract_input_is_refused_with_file_line_col(name: str, write: Callable[[str], Path]) -> None:
    text, expected = CASES[name]
    path = write(text)
    message = refuse(path, expected)
    assert message.startswith(str(path)), message


def test_set_reaches_one_year_of_a_profile(write: Callable[[str], Path]) -> None:
    """`--set ...by_year.2014=9` changes that year's amount; a year not listed yet is added."""
    path = str(write(CONTRACT))
    charge = "options.outsource.lines.Charge.by_year"
    scenario = load(path, [f"{charge}.2014=9", f"{charge}.2016=4"]).scenario
    assert scenario.options["outsource"].lines[0].by_year == {2013: 5, 2014: 9, 2015: 8, 2016: 4}


def switches(count: int) -> str:
    """A 20-year scenario whose option has `count` switches, each able to happen in any year: (20 + 1)^count
    combinations of the years they happen in (each a year, or never)."""
    lines = "".join(f"      - {{name: c{i}, annual: 8}}\n      - {{name: f{i}, annual: 9}}\n" for i in range(count))
    risks = "".join(
        f"      - {{name: r{i}, probability: 0.1, cost: 1, stops: [c{i}], fallback: [f{i}], takes_effect: same_year}}\n"
        for i in range(count)
    )
    return (
        "title: Switches\nhorizon: {start: 2013, years: 20}\nmoney: {inflation: 0.0, discount: 0.0}\nbaseline: a\n"
        "options:\n  a:\n    title: A\n    lines: [{name: staff, annual: 10}]\n"
        f"  b:\n    title: B\n    lines:\n{lines}    risks:\n{risks}"
    )


def test_too_many_switches_are_refused_at_the_one_past_the_limit(write: Callable[[str], Path]) -> None:
    # A run without draws projects every combination of the years the switches happen in, one row of every flow
    # each. Five switches over 20 years: 21^5 = 4,084,101 combinations; 16 flows (11 lines, 5 risks) x 20 years
    # = 320 values a combination. Counted switch by switch: 21^3 x 320 = 2,963,520 is within 2^22 = 4,194,304,
    # 21^4 x 320 = 62,233,920 is not: the fourth switch (risks[3]) is blamed. Three switches pass: 21^3
    # combinations x 10 flows (7 lines, 3 risks) x 20 years = 1,852,200 values. Refused at once, not after
    # running out of memory (before the limit, `run` of five switches took minutes and gigabytes).
    path = write(switches(5))
    message = refuse(path, "options.b.risks[3]: too many switches: the years they can happen in make 4,084,101")
    assert message.startswith(f"{path}:"), message
    load(str(write(switches(3))))
