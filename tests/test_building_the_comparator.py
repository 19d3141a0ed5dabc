"""The worked examples of docs/building-the-comparator.md, run, and their figures checked by hand.

Each example is a scenario file in a ```yaml block whose first line is `# file: NAME.yaml`; each
extends the one before. The expected figures are worked out here from the numbers in the files,
as the page works them out; five years from 2024/25 (t = 0 to 4), 2% inflation, so five years of
a real amount of 1 are 1 + 1.02 + 1.0404 + 1.061208 + 1.08243216 = 5.20404016 in cash.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

PAGE = (ROOT / "docs" / "building-the-comparator.md").read_text(encoding="utf-8")
FILES = dict(re.findall(r"```yaml\n# file: (\S+)\n(.*?)```", PAGE, flags=re.DOTALL))
CASH = 1 + 1.02 + 1.0404 + 1.061208 + 1.08243216  # five years of 1 in real terms, in cash


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("comparator")
    for name, text in FILES.items():
        (path / name).write_text(f"# file: {name}\n{text}", encoding="utf-8")
    return path


def project(folder: Path, name: str):  # type: ignore[no-untyped-def]
    from barnetmodel.engine.projection import project as run
    from barnetmodel.scenario.load import load

    return run(load(str(folder / name)).scenario)


def total(projection, option: str, line: str) -> float:  # type: ignore[no-untyped-def]
    """A line's nominal cash over the five years."""
    return float(projection.line_nominal[option][line].sum())


def test_the_page_has_every_example() -> None:
    assert list(FILES) == [
        "staff.yaml",
        "running-costs.yaml",
        "volumes.yaml",
        "overheads.yaml",
        "client-side.yaml",
        "client-side-posts.yaml",
        "moving.yaml",
        "efficiencies.yaml",
    ]


def test_staff_from_posts_pay_and_on_costs_grown_by_the_pay_award(folder: Path) -> None:
    p = project(folder, "staff.yaml")
    # 40 posts x 0.030 x (1 + 0.30) = 1.56 in 2024/25, then x 1.025 a year.
    staff = p.line_nominal["in_house"]["Staff"][0]
    assert staff == pytest.approx([1.56, 1.599, 1.638975, 1.679949375, 1.721948109375], abs=1e-12)
    # 1.56 x (1.025^5 - 1) / 0.025 = 1.56 x 5.256328515625
    assert total(p, "in_house", "Staff") == pytest.approx(8.199872484375, abs=1e-12)
    assert total(p, "outsource", "Contract charge") == pytest.approx(1.9 * CASH, abs=1e-12)  # 9.887676304


def test_running_costs_are_the_budget_less_staff(folder: Path) -> None:
    p = project(folder, "running-costs.yaml")
    # (2.4 - 1.56) x 5.20404016 = 0.84 x 5.20404016
    assert total(p, "in_house", "Running costs") == pytest.approx(4.3713937344, abs=1e-12)
    # The budget is the anchor: staff and running costs add up to 2.4 in 2024/25.
    assert p.cost("in_house")[0, 0] == pytest.approx(2.4, abs=1e-12)


def test_volumes_times_unit_costs_with_demand_growth(folder: Path) -> None:
    p = project(folder, "volumes.yaml")
    # 0.02 million x £12 = 0.24 a year, x (1.03 x 1.02)^t = 1.0506^t in cash;
    # (1.0506^5 - 1) / 0.0506 = 5.532257926523...
    factor = (1.0506**5 - 1) / 0.0506
    assert total(p, "in_house", "Pension queries") == pytest.approx(0.24 * factor, abs=1e-12)  # 1.327742
    at_unit_price = 0.2 * factor  # 0.02 x £10 = 0.2 a year: 1.106452
    assert total(p, "outsource", "Pension queries at the contract's unit price") == pytest.approx(
        at_unit_price, abs=1e-12
    )


def test_overheads_that_stay_belong_to_the_outsourced_option(folder: Path) -> None:
    p = project(folder, "overheads.yaml")
    assert total(p, "in_house", "Overheads charged to the service") == pytest.approx(0.5 * CASH, abs=1e-12)  # 2.602020
    # 0.5 x (1 - 0.4) = 0.3 a year stays
    assert total(p, "outsource", "Overheads that stay with the council") == pytest.approx(0.3 * CASH, abs=1e-12)


def test_the_client_side_as_a_share_or_as_posts(folder: Path) -> None:
    share = project(folder, "client-side.yaml")
    assert total(share, "outsource", "Client side") == pytest.approx(0.02 * 1.9 * CASH, abs=1e-12)  # 0.197754
    posts = project(folder, "client-side-posts.yaml")
    # 2 x 0.040 x 1.30 = 0.104 in 2024/25, x 1.025 a year: 0.104 x 5.256328515625
    assert total(posts, "outsource", "Client side") == pytest.approx(0.546658165625, abs=1e-12)


def test_one_off_costs_of_moving_and_the_whole_comparator(folder: Path) -> None:
    p = project(folder, "moving.yaml")
    first_year = {
        "Procurement and programme": 0.25,
        "Transition (double running)": 0.39,  # 3 / 12 x 1.56
        "Redundancy": 0.176,  # 8 x 0.022
        "Pension strain": 0.12,  # 8 x 0.3 x 0.05
    }
    for line, amount in first_year.items():
        flow = p.line_nominal["outsource"][line][0]
        assert flow == pytest.approx([amount, 0, 0, 0, 0], abs=1e-12), line
    # The page's table: in-house 8.199872 + 4.371394 + 1.327742 + 2.602020 = 16.501028;
    # outsourced 9.887676 + 1.106452 + 1.561212 + 0.197754 + 0.936 = 13.689093.
    in_house = 8.199872484375 + 4.3713937344 + 0.24 * (1.0506**5 - 1) / 0.0506 + 0.5 * CASH
    outsourced = 1.9 * CASH + 0.2 * (1.0506**5 - 1) / 0.0506 + 0.3 * CASH + 0.02 * 1.9 * CASH + 0.936
    assert float(p.cost("in_house").sum()) == pytest.approx(in_house, abs=1e-12)
    assert float(p.cost("outsource").sum()) == pytest.approx(outsourced, abs=1e-12)
    assert in_house - outsourced == pytest.approx(2.811935, abs=1e-6)
    # Present value: each year's cash over (1.02 x 1.035)^t (real, then the Green Book's 3.5%).
    pv = float(p.saving("outsource", "present_value").sum())
    years = np.arange(5)
    staff = 1.56 * 1.025**years
    real_each_year = 2.4 - 1.56 + 0.24 * 1.03**years + 0.5  # running costs, queries, overheads
    in_house_pv = (staff / 1.02**years + real_each_year) / 1.035**years
    outsourced_real = 1.9 + 0.2 * 1.03**years + 0.3 + 0.038
    outsourced_pv = outsourced_real / 1.035**years + np.array([0.936, 0, 0, 0, 0])
    assert pv == pytest.approx(float((in_house_pv - outsourced_pv).sum()), abs=1e-12)
    assert pv == pytest.approx(2.425002, abs=1e-6)


def test_in_house_efficiencies_ramped_in_with_optimism_bias(folder: Path) -> None:
    p = project(folder, "efficiencies.yaml")
    # Applied bias (1 - 0.5) x 41% = 20.5%: savings x 0.795, the review x 1.205.
    ramp = np.array([0.25, 0.5, 0.75, 1, 1])
    savings = 1.56 * 1.025 ** np.arange(5) * 0.10 * ramp * 0.795
    assert p.line_nominal["in_house_improved"]["Staff savings"][0] == pytest.approx(-savings, abs=1e-12)
    # 0.031005 + 0.063560 + 0.097724 + 0.133556 + 0.136895 - 0.1 x 1.205 = 0.342240
    saving = float(p.saving("in_house_improved").sum())
    assert saving == pytest.approx(float(savings.sum()) - 0.1205, abs=1e-12)
    assert saving == pytest.approx(0.342240, abs=1e-6)
