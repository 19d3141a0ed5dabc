"""Monte Carlo results: summaries against cases whose distribution is known in closed form."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from barnetmodel.analysis.analyse import analyse
from barnetmodel.analysis.results import summarise
from barnetmodel.cli.app import app
from barnetmodel.engine.projection import project
from barnetmodel.engine.simulate import simulate, summarise_simulation
from barnetmodel.scenario.load import load
from barnetmodel.scenario.models import Scenario
from conftest import ROOT

runner = CliRunner()


def scenario(outsource_annual: object, **uncertainty: object) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 1},
            "money": {"inflation": 0.0},
            "targets": [{"name": "gap", "amount": 8, "by": 2013}],
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "staff", "annual": 10}]},
                "outsource": {"title": "Out", "lines": [{"name": "fee", "annual": outsource_annual}]},
            },
            "uncertainty": uncertainty,
        }
    )


def test_saving_uniform_on_0_to_10_has_known_summary() -> None:
    # One year, no inflation, no discounting in year 0: saving = 10 - fee, fee ~ U(0, 10), so saving ~ U(0, 10).
    n = 100_000
    s = scenario({"uniform": {"low": 0, "high": 10}})
    out = summarise_simulation(simulate(s, n, 1, "monte_carlo"))
    saving = out["options"][1]["saving_present_value"]
    se = 10 / math.sqrt(12) / math.sqrt(n)
    assert abs(saving["mean"] - 5) < 5 * se
    assert saving["standard_error"] == pytest.approx(se, rel=0.01)
    for q in (5, 10, 50, 90, 95):  # the quantile of U(0, 10) at q% is q / 10
        assert saving[f"p{q}"] == pytest.approx(q / 10, abs=5 * math.sqrt(q / 100 * (1 - q / 100) / n) * 10)
    assert out["options"][1]["probability_cheaper_than_baseline"] == 1.0
    # The £8m target is met when the saving is at least 8: probability 0.2.
    (target,) = out["targets"]
    assert abs(target["probability_met"] - 0.2) < 5 * math.sqrt(0.16 / n)


def test_probability_cheapest() -> None:
    # fee ~ U(5, 15) against 10 in-house: outsourcing is cheapest half the time.
    n = 100_000
    out = summarise_simulation(simulate(scenario({"uniform": {"low": 5, "high": 15}}), n, 2, "latin_hypercube"))
    cheapest = {o["name"]: o["probability_cheapest"] for o in out["options"]}
    assert sum(cheapest.values()) == pytest.approx(1.0)
    assert abs(cheapest["outsource"] - 0.5) < 5 * math.sqrt(0.25 / n)


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_zero_width_distributions_reproduce_the_central_run_exactly(sampling: str) -> None:
    fixed = scenario(7.0)
    zero = scenario({"triangular": {"low": 7, "mode": 7, "high": 7}})
    central = summarise(project(fixed), file_name="t", sha256="0")
    assert summarise(project(zero), file_name="t", sha256="0") == central
    sim = summarise_simulation(simulate(zero, 1000, 3, sampling))
    pv = central["options"][1]["total_cost"]["present_value"]
    cost = sim["options"][1]["cost_present_value"]
    assert {cost[k] for k in ("mean", "p5", "p10", "p50", "p90", "p95")} == {pv}
    assert cost["standard_error"] == 0.0


def test_yearly_bands_are_ordered() -> None:
    loaded = load(str(ROOT / "scenarios" / "critics_stress.yaml"))
    out = analyse(loaded, draws=2000)["uncertainty"]
    bands = out["yearly"]["outsource"]["cumulative_saving_nominal"]
    for year in range(10):
        assert bands["p5"][year] <= bands["p10"][year] <= bands["p50"][year] <= bands["p90"][year] <= bands["p95"][year]


def test_cli_draws_are_reproducible_and_seeded() -> None:
    path = str(ROOT / "scenarios" / "critics_stress.yaml")
    a = runner.invoke(app, ["run", path, "-f", "json", "--draws", "3000", "--seed", "7"])
    b = runner.invoke(app, ["run", path, "-f", "json", "--draws", "3000", "--seed", "7"])
    c = runner.invoke(app, ["run", path, "-f", "json", "--draws", "3000", "--seed", "8"])
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout
    data = json.loads(a.stdout)["uncertainty"]
    assert data["draws"] == 3000 and data["seed"] == 7 and data["sampling"] == "latin_hypercube"
    names = {i["name"] for i in data["inputs"]}  # named inputs by their names, other numbers by their paths
    assert names >= {"money.inflation", "client_share", "options.outsource.lines.Extra charges and variations.annual"}


def test_cli_draws_zero_is_the_central_case_only() -> None:
    path = str(ROOT / "scenarios" / "critics_stress.yaml")
    data = json.loads(runner.invoke(app, ["run", path, "-f", "json", "--draws", "0"]).stdout)
    assert "uncertainty" not in data


def test_table_shows_the_odds() -> None:
    path = str(ROOT / "scenarios" / "critics_stress.yaml")
    result = runner.invoke(app, ["run", path, "--draws", "2000", "--sampling", "monte_carlo"])
    assert result.exit_code == 0
    for text in ("2,000 draws, monte carlo", "P(cheaper)", "P(met)", "Optimism bias", "Fraud"):
        assert text in result.stdout


def test_progress_bar_only_in_a_terminal_and_only_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from barnetmodel.cli.shared import Stages

    clock = iter(float(t) for t in range(100))
    monkeypatch.setattr("time.perf_counter", lambda: next(clock))  # each chunk "takes" a second
    screen = io.StringIO()
    slow = Stages(Console(file=screen, force_terminal=True), delay=1.0)
    slow.stage("Drawing", 10)
    slow.advance(1)  # 1 s for a tenth: the run looks to take 10 s, so the bar appears
    assert slow.bar is not None
    slow.advance(9)
    slow.close()
    piped = Stages(Console(file=io.StringIO(), force_terminal=False), delay=1.0)
    piped.stage("Drawing", 10)
    piped.advance(1)
    assert piped.bar is None  # never when standard error is not a terminal


def test_threads_change_no_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    from barnetmodel.engine import simulate as simulate_module

    s = load(str(ROOT / "scenarios" / "critics_stress.yaml")).scenario
    default = summarise_simulation(simulate(s, 40_000, 4, "latin_hypercube"))
    monkeypatch.setattr(simulate_module, "WORKERS", 1)
    assert summarise_simulation(simulate(s, 40_000, 4, "latin_hypercube")) == default


def test_workers_switch_turns_often_while_the_run_lasts_only() -> None:
    # The workers take turns on the interpreter every SWITCH_INTERVAL while chunks are evaluated (seen from the
    # progress callback, called between chunks); Python's own interval is back once the run is over, even a
    # run that fails.
    import sys

    from barnetmodel.engine import simulate as simulate_module

    before = sys.getswitchinterval()
    seen: list[float] = []
    simulate(
        scenario({"uniform": {"low": 0, "high": 10}}),
        1_000,
        1,
        "monte_carlo",
        on_chunk=lambda _: seen.append(sys.getswitchinterval()),
    )
    assert seen and set(seen) == {simulate_module.SWITCH_INTERVAL} != {before}
    assert sys.getswitchinterval() == before

    def fail(_: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        simulate(scenario({"uniform": {"low": 0, "high": 10}}), 1_000, 1, "monte_carlo", on_chunk=fail)
    assert sys.getswitchinterval() == before


def test_chunk_sizes_change_only_the_rounding_of_means(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plain Monte Carlo draws each input's stream in order, whatever the chunks (with no correlation,
    # which is imposed chunk by chunk): the draws are the same, so are the percentiles and shares; means
    # and standard errors are pooled chunk by chunk, so they agree to rounding.
    from barnetmodel.engine import sampling as sampling_module

    s = load(str(ROOT / "scenarios" / "one_barnet_council_case.yaml")).scenario
    default = summarise_simulation(simulate(s, 5000, 4, "monte_carlo"))
    monkeypatch.setattr(sampling_module, "CHUNK", 777)
    small = summarise_simulation(simulate(s, 5000, 4, "monte_carlo"))
    for a, b in zip(default["options"] + default["targets"], small["options"] + small["targets"], strict=True):
        for field, value in a.items():
            if isinstance(value, dict):
                for stat, x in value.items():
                    assert b[field][stat] == (pytest.approx(x, rel=1e-9) if stat in ("mean", "standard_error") else x)
            else:
                assert b[field] == value
    assert default["yearly"] == small["yearly"]


def test_yearly_bands_are_percentiles_of_the_first_draws_whole_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bands against np.percentile of the whole yearly flows of the first BAND_DRAWS draws, made by the
    # engine's dense path; the band draws end inside a chunk. No correlation: the draws are the same in
    # one go as chunk by chunk.
    from barnetmodel.engine import sampling as sampling_module
    from barnetmodel.engine import simulate as simulate_module
    from barnetmodel.engine.sampling import Sampler

    monkeypatch.setattr(simulate_module, "BAND_DRAWS", 700)
    monkeypatch.setattr(sampling_module, "CHUNK", 300)
    s = load(str(ROOT / "scenarios" / "one_barnet_council_case.yaml")).scenario
    out = summarise_simulation(simulate(s, 2000, 9, "monte_carlo"))
    assert out["band_draws"] == 700
    projection = project(s, Sampler(s, 9, "monte_carlo").draw(700))
    q = [5, 10, 50, 90, 95]
    for option in s.options:
        cost = np.percentile(projection.cost(option, "nominal"), q, axis=0)
        saving = np.percentile(np.cumsum(projection.saving(option, "nominal"), axis=1), q, axis=0)
        for k, p in enumerate(q):
            bands = out["yearly"][option]
            np.testing.assert_allclose(bands["cost_nominal"][f"p{p}"], cost[k], rtol=1e-12)
            np.testing.assert_allclose(bands["cumulative_saving_nominal"][f"p{p}"], saving[k], rtol=1e-12, atol=1e-9)


def test_a_target_of_the_whole_saving_is_that_saving_and_the_baseline_saves_nothing() -> None:
    # A target counted over the whole horizon is the option's total saving, draw for draw; the baseline
    # saves nothing against itself.
    s = Scenario.model_validate(
        {
            "title": "t",
            "horizon": {"start": 2013, "years": 3},
            "money": {"inflation": 0.0},
            "targets": [
                {"name": "whole", "amount": 10, "measure": "cumulative"},
                {"name": "baseline", "amount": 1, "measure": "cumulative", "option": "in_house"},
            ],
            "baseline": "in_house",
            "options": {
                "in_house": {"title": "In", "lines": [{"name": "staff", "annual": 10}]},
                "outsource": {
                    "title": "Out",
                    "lines": [{"name": "fee", "annual": {"uniform": {"low": 5, "high": 15}}}],
                },
            },
        }
    )
    out = summarise_simulation(simulate(s, 20_000, 3, "monte_carlo"))
    whole, baseline = out["targets"]
    assert whole["achieved"] == out["options"][1]["saving_nominal"]
    # saving = 3 x (10 - fee), fee ~ U(5, 15): P(saving >= 10) = P(fee <= 10 - 10/3) = (5 - 10/3) / 10.
    assert abs(whole["probability_met"] - (5 - 10 / 3) / 10) < 5 * math.sqrt(0.25 / 20_000)
    assert baseline["option"] == "in_house" and baseline["probability_met"] == 0.0
    assert {baseline["achieved"][k] for k in ("mean", "p5", "p50", "p95")} == {0.0}


def test_a_chunk_that_fails_to_draw_fails_the_run_without_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each stream draws its chunks in turn; a chunk that fails in its first stream never reaches the others,
    # whose turns later chunks wait for: they stop instead of waiting for ever, and the failing chunk's error
    # reaches the caller.
    from barnetmodel.engine import sampling as sampling_module
    from barnetmodel.engine.sampling import Gate, Sampler, no_gate

    monkeypatch.setattr(sampling_module, "CHUNK", 500)
    calls = []
    original = Sampler.draw

    def failing(self: Sampler, n: int, gate: Gate = no_gate) -> object:
        calls.append(n)
        if len(calls) == 3:
            with gate(next(iter(self.distributions))):
                raise RuntimeError("no draws today")
        return original(self, n, gate)

    monkeypatch.setattr(Sampler, "draw", failing)
    s = load(str(ROOT / "scenarios" / "one_barnet_council_case.yaml")).scenario
    with pytest.raises(RuntimeError, match="no draws today"):
        simulate(s, 5000, 1, "monte_carlo")
    assert 3 <= len(calls) < 10  # the chunks after it had their turns, and the run stopped soon after


def test_without_glibc_the_allocator_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    from barnetmodel.engine.simulate import keep_freed_memory

    def no_c_library(name: object) -> object:
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", no_c_library)
    assert keep_freed_memory.__wrapped__() is None  # nothing asked, nothing raised


def test_latin_hypercube_bands_take_whole_replicates(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2,000 Latin Hypercube draws are 20 replicates of 100; with room for 750 band draws, the bands take
    # the first seven replicates whole (700 draws), never part of one, which would not be stratified.
    # Plain Monte Carlo draws are independent, so its bands take the first 750 draws.
    from barnetmodel.engine import simulate as simulate_module
    from barnetmodel.engine.sampling import Sampler

    monkeypatch.setattr(simulate_module, "BAND_DRAWS", 750)
    s = load(str(ROOT / "scenarios" / "one_barnet_council_case.yaml")).scenario
    assert summarise_simulation(simulate(s, 2000, 9, "monte_carlo"))["band_draws"] == 750
    out = summarise_simulation(simulate(s, 2000, 9, "latin_hypercube"))
    assert out["band_draws"] == 700
    sampler = Sampler(s, 9, "latin_hypercube")
    replicates = [project(s, sampler.draw(100)) for _ in range(7)]
    for option in s.options:
        cost = np.concatenate([r.cost(option, "nominal") for r in replicates])
        expected = np.percentile(cost, [5, 50, 95], axis=0)
        for k, p in enumerate([5, 50, 95]):
            np.testing.assert_allclose(out["yearly"][option]["cost_nominal"][f"p{p}"], expected[k], rtol=1e-12)


@pytest.mark.parametrize("sampling", ["monte_carlo", "latin_hypercube"])
def test_two_workers_drawing_streams_at_once_give_one_worker_s_draws(
    sampling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers take turns per stream, so two chunks draw different streams at once; each stream must
    # still be drawn in chunk order: every draw's figures are those of one worker drawing chunk after chunk.
    # The critics' case has rank correlations (a stream of their own) and risks (a uniform stream each).
    from barnetmodel.engine import sampling as sampling_module
    from barnetmodel.engine import simulate as simulate_module

    monkeypatch.setattr(sampling_module, "CHUNK", 700)
    s = load(str(ROOT / "scenarios" / "critics_stress.yaml")).scenario
    assert s.uncertainty.correlations and any(option.risks for option in s.options.values())
    together = simulate(s, 20_000, 11, sampling)
    monkeypatch.setattr(simulate_module, "WORKERS", 1)
    alone = simulate(s, 20_000, 11, sampling)
    assert len(together.sizes) > 20
    for key, values in alone.values.items():
        assert np.array_equal(together.values[key], values), key
