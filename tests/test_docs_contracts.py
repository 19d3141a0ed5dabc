"""The worked example of docs/contracts.md: the file is the page's, and every figure the page gives is
the engine's, worked out again here by hand."""

from __future__ import annotations

import re

import pytest

from barnetmodel.analysis.analyse import analyse
from barnetmodel.scenario.load import load
from conftest import ROOT

PAGE = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "docs" / "contracts_example.yaml"


def test_the_example_file_is_the_pages() -> None:
    (block,) = [
        b
        for b in re.findall(r"```yaml\n(.*?)```", PAGE, flags=re.DOTALL)
        if b.startswith("# docs/contracts_example.yaml")
    ]
    assert EXAMPLE.read_text(encoding="utf-8") == block


@pytest.fixture(scope="module")
def results() -> dict:
    return analyse(load(str(EXAMPLE)))


def option(results: dict, name: str) -> dict:
    return next(o for o in results["options"] if o["name"] == name)


def lines(results: dict, name: str) -> dict[str, list[float]]:
    return {line["name"]: line["nominal"] for line in option(results, name)["lines"]}


def test_the_contract_option_year_by_year(results: dict) -> None:
    t = range(4)
    # The charge as written, indexed from 2025/26 (its first uplift) at 5% capped at 3%: 9, then 8 x 1.03^t.
    written = [9.0] + [8 * 1.03**k for k in (1, 2, 3)]
    assert [round(x, 6) for x in written] == [9, 8.24, 8.4872, 8.741816]
    # Expected: paid in year t while the provider has not failed before t (next_year): 0.95^t.
    charge = [w * 0.95**k for w, k in zip(written, t, strict=True)]
    fallback = [11 * ((1 - 0.95**k) + 0.2 * 0.05 * 0.95 ** (k - 1)) if k else 0.0 for k in t]
    failure = [2 * 0.5 * 0.05 * 0.95**k for k in t]
    guarantee = [-(1.2 - 1) * 0.95 ** (k + 1) for k in t]
    found = lines(results, "contract")
    assert found["Charge"] == pytest.approx(charge, rel=1e-12)
    assert found["Service credits"] == pytest.approx([-0.01 * c for c in charge], rel=1e-12)
    assert found["Run in-house after a failure"] == pytest.approx(fallback, rel=1e-12)
    contract = option(results, "contract")
    assert contract["risks"][0]["nominal"] == pytest.approx(failure, rel=1e-12)
    assert contract["guarantees"][0]["nominal"] == pytest.approx(guarantee, rel=1e-12)
    cost = [c * 0.99 - 1 + f + r + g for c, f, r, g in zip(charge, fallback, failure, guarantee, strict=True)]
    assert contract["yearly"]["cost_nominal"] == pytest.approx(cost, rel=1e-12)
    # The page's table, to its six decimals.
    for figures in (charge, fallback, failure, guarantee, cost):
        for value in figures:
            shown = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
            assert shown in PAGE, shown


def test_back_in_house_and_its_transfer(results: dict) -> None:
    back = option(results, "back_in_house")
    contract = option(results, "contract")
    assert back["yearly"]["cost_nominal"][:2] == contract["yearly"]["cost_nominal"][:2]
    assert back["yearly"]["cost_nominal"][2:] == pytest.approx([10.5 - 1 + 0.6, 10.5 - 1], rel=1e-15)
    # The redundancy pay is in the cash figures and left out of the present value: PV = real x DF without it.
    transfers = back["transfers"]
    assert transfers["nominal"] == 0.6
    real = back["yearly"]["cost_real"]
    discount = results["discount_factor"]
    economic = sum(r * d for r, d in zip(real, discount, strict=True)) - transfers["present_value_left_out"]
    assert back["total_cost"]["present_value"] == pytest.approx(economic, rel=1e-12)
    assert transfers["present_value_left_out"] == pytest.approx(0.6 / 1.02**2 / 1.035**2, rel=1e-12)
