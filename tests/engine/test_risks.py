"""Risk events: expected costs worked by hand, and Monte Carlo draws that hit their probability."""

from __future__ import annotations

import numpy as np
import pytest

from barnetmodel.engine.projection import Inputs, project
from barnetmodel.scenario.models import Scenario

N = 200_000


def scenario(risk: dict, years: int = 4, others: tuple[dict, ...] = ()) -> Scenario:
    """One option, nothing but risk 'r' (and any `others`, named) in it; no inflation, no discounting."""
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": years},
            "money": {"inflation": 0.0, "discount": 0.0},
            "baseline": "a",
            "options": {
                "a": {"title": "A", "lines": [{"name": "x", "annual": 0}], "risks": [{"name": "r", **risk}, *others]}
            },
        }
    )


def central(risk: dict, years: int = 4) -> list[float]:
    return project(scenario(risk, years)).risk_nominal["a"]["r"][0].tolist()


def drawn(risk: dict, years: int = 4, n: int = N) -> np.ndarray:
    u = np.random.default_rng(11).random(n)
    inputs = Inputs(draws=n, events={("options", "a", "risks", "r"): u})
    return np.broadcast_to(project(scenario(risk, years), inputs).risk_nominal["a"]["r"], (n, years))


def test_yearly_one_off_expected_cost() -> None:
    # Happens first in year j with probability p (1-p)^j; cost 10, 30% recovered.
    p = 0.2
    expected = [7 * p * (1 - p) ** j for j in range(4)]
    assert central({"probability": p, "cost": 10, "recovered": 0.3}) == pytest.approx(expected, rel=1e-14)


def test_yearly_recurring_expected_cost() -> None:
    p = 0.2
    expected = [10 * (1 - (1 - p) ** (j + 1)) for j in range(4)]
    assert central({"probability": p, "cost": 10, "recurring": True}) == pytest.approx(expected, rel=1e-14)


def test_horizon_risk_expected_cost_within_its_window() -> None:
    risk = {"probability": 0.5, "per": "horizon", "cost": 6, "from": 2014, "to": 2015}
    assert central(risk) == pytest.approx([0, 1.5, 1.5, 0], rel=1e-14)
    recurring = {**risk, "recurring": True}
    assert central(recurring) == pytest.approx([0, 1.5, 3.0, 0], rel=1e-14)


@pytest.mark.parametrize(
    "risk",
    [
        {"probability": 0.2, "cost": 10},
        {"probability": 0.2, "cost": 10, "recurring": True},
        {"probability": 0.5, "per": "horizon", "cost": 6, "from": 2014, "to": 2015},
        {"probability": 0.5, "per": "horizon", "cost": 6, "recurring": True, "recovered": 0.5},
        {"probability": 1.0, "cost": 3},
        {"probability": 0.0, "cost": 3, "recurring": True},
    ],
)
def test_draws_average_to_the_expected_cost(risk: dict) -> None:
    flows = drawn(risk)
    expected = np.array(central(risk))
    se = flows.std(axis=0) / np.sqrt(N)
    assert np.all(np.abs(flows.mean(axis=0) - expected) <= 5 * se + 1e-12)


def test_a_risk_happens_at_most_once_with_its_probability() -> None:
    p, years = 0.1, 10
    flows = drawn({"probability": p, "cost": 1}, years)
    assert set(np.unique(flows.sum(axis=1))) <= {0.0, 1.0}
    happened = flows.sum(axis=1).mean()
    chance = 1 - (1 - p) ** years  # 0.6513
    assert abs(happened - chance) < 5 * np.sqrt(chance * (1 - chance) / N)


def test_horizon_risk_year_is_uniform_in_its_window() -> None:
    flows = drawn({"probability": 0.4, "per": "horizon", "cost": 1}, 4)
    assert abs(flows.sum(axis=1).mean() - 0.4) < 5 * np.sqrt(0.24 / N)
    shares = flows.mean(axis=0)
    assert np.all(np.abs(shares - 0.1) < 5 * np.sqrt(0.09 / N))


def test_real_priced_risk_is_inflated() -> None:
    s = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 2},
            "money": {"inflation": 0.1},
            "baseline": "a",
            "options": {
                "a": {
                    "title": "A",
                    "lines": [{"name": "x", "annual": 0}],
                    "risks": [{"name": "r", "probability": 1, "cost": 5, "recurring": True, "prices": "real"}],
                }
            },
        }
    )
    assert project(s).risk_nominal["a"]["r"][0].tolist() == pytest.approx([5.0, 5.5])


def test_the_results_carry_each_risk_as_written_and_its_expected_cost_a_year() -> None:
    from barnetmodel.analysis.results import summarise

    windowed = {"probability": 0.5, "per": "horizon", "cost": 6, "from": 2014, "to": 2015, "recovered": 0.25}
    whole = {"name": "whole horizon", "probability": 0.2, "cost": 10, "prices": "real"}
    s = scenario(windowed, others=(whole,))
    (option,) = summarise(project(s), file_name="t.yaml", sha256="0")["options"]
    first, second = option["risks"]
    assert (first["cost"], first["recovered"], first["prices"], first["from"], first["to"]) == (
        6.0,
        0.25,
        "nominal",
        2014,
        2015,
    )
    # 6 x 0.75 x 0.5 spread over its two years; inflation is nil, so nominal, real and present value agree.
    assert first["nominal"] == pytest.approx([0, 1.125, 1.125, 0], rel=1e-14)
    assert (second["prices"], second["from"], second["to"]) == ("real", 2013, 2016)
    assert second["nominal"] == pytest.approx([10 * 0.2 * 0.8**j for j in range(4)], rel=1e-14)


@pytest.mark.parametrize("window", [{}, {"from": 2014, "to": 2015}, {"from": 2015}])
def test_drawn_one_off_year_is_the_inverse_cdf_in_every_draw(window: dict) -> None:
    # Draw by draw against the inverse CDF worked here: it happens floor(log u / log(1 - p)) years after
    # its window opens, and costs 10 in that year if that is inside the window. Values of u right at the
    # thresholds (1 - p)^k, and either side of them, are included.
    p = 0.1
    rng = np.random.default_rng(5)
    edges = (1 - p) ** np.arange(1, 8)
    u = np.concatenate([rng.random(20_000), edges, np.nextafter(edges, 0), np.nextafter(edges, 1), [0.0]])
    years, start = 5, 2013
    first = window.get("from", start)
    last = window.get("to", start + years - 1)
    expected = np.zeros((len(u), years))
    with np.errstate(divide="ignore"):
        after = np.floor(np.log(u) / np.log1p(-p))
    for d, k in enumerate(after):
        year = first + k
        if np.isfinite(year) and first <= year <= last:
            expected[d, int(year) - start] = 10.0
    inputs = Inputs(draws=len(u), events={("options", "a", "risks", "r"): u})
    got = project(scenario({"probability": p, "cost": 10, **window}, years), inputs).risk_nominal["a"]["r"]
    np.testing.assert_array_equal(np.broadcast_to(got, expected.shape), expected)


def test_drawn_one_off_year_with_a_drawn_probability_is_the_inverse_cdf_in_every_draw() -> None:
    # A probability drawn per draw (0 and 1 among them) takes the general path: each draw against the
    # inverse CDF worked here, as in the test above.
    rng = np.random.default_rng(8)
    n, years = 5_000, 4
    p = np.concatenate([rng.uniform(0.05, 0.6, n - 2), [0.0, 1.0]])
    u = rng.random(n)
    expected = np.zeros((n, years))
    for d in range(n):
        if p[d] >= 1:
            k = 0.0
        elif p[d] <= 0:
            k = np.inf
        else:
            k = np.floor(np.log(u[d]) / np.log1p(-p[d]))
        if k < years:
            expected[d, int(k)] = 10.0
    path = ("options", "a", "risks", "r")
    inputs = Inputs(draws=n, values={(*path, "probability"): p}, events={path: u})
    got = project(scenario({"probability": 0.3, "cost": 10}, years), inputs).risk_nominal["a"]["r"]
    np.testing.assert_array_equal(np.broadcast_to(got, expected.shape), expected)


def test_a_drawn_yearly_probability_the_central_run_is_not_the_expected_cost() -> None:
    # A one-off yearly risk costing 10 with its probability p uniform on [0, 0.5]. The central run carries
    # it at the mean probability, 10 x 0.25 x 0.75^j in year j; its expected cost over p is
    # 10 x E[p (1 - p)^j] = 10 / 0.5 x integral_0^0.5 p (1 - p)^j dp, and with q = 1 - p the integral is
    # [q^(j+1) / (j+1) - q^(j+2) / (j+2)] from q = 0.5 to 1. p (1 - p)^j is not linear in p, so the two
    # differ (the docs say so where the central run is explained); the draws' mean is the expectation.
    from barnetmodel.engine.simulate import simulate, summarise_simulation

    risk = {"probability": {"uniform": {"low": 0, "high": 0.5}}, "cost": 10}
    s = scenario(risk, years=4)

    def integral(j: int) -> float:
        return (1 / (j + 1) - 1 / (j + 2)) - (0.5 ** (j + 1) / (j + 1) - 0.5 ** (j + 2) / (j + 2))

    expected = [10 / 0.5 * integral(j) for j in range(4)]
    at_mean = [10 * 0.25 * 0.75**j for j in range(4)]
    assert central(risk) == pytest.approx(at_mean, rel=1e-12)
    assert sum(expected) == pytest.approx(6.125) and sum(at_mean) == pytest.approx(6.8359375)
    out = summarise_simulation(simulate(s, 200_000, 5, "latin_hypercube"))
    cost = out["options"][0]["cost_nominal"]
    assert abs(cost["mean"] - sum(expected)) < 5 * cost["standard_error"]
    assert abs(cost["mean"] - sum(at_mean)) > 50 * cost["standard_error"]
