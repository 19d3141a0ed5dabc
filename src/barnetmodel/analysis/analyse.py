"""A scenario's full analysis: the central run, and the Monte Carlo run when draws are asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from barnetmodel.analysis.results import summarise
from barnetmodel.engine.projection import project
from barnetmodel.errors import Problem, ScenarioError
from barnetmodel.limits import MAX_DRAWS
from barnetmodel.scenario.load import Loaded, located
from barnetmodel.scenario.models import Scenario


def analyse(
    loaded: Loaded,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampling: str | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Results as plain data; `draws`, `seed` and `sampling` override the file's `uncertainty`. A formula
    that cannot be worked out in some draw is a problem located in the file (ScenarioError)."""
    return located(loaded, lambda: _analyse(loaded, draws, seed, sampling, on_chunk))


def _analyse(
    loaded: Loaded,
    draws: int | None,
    seed: int | None,
    sampling: str | None,
    on_chunk: Callable[[int], None] | None,
) -> dict[str, Any]:
    scenario = loaded.scenario
    results = summarise(project(scenario), file_name=Path(loaded.source.file).name, sha256=loaded.sha256)
    settings = scenario.uncertainty
    draws = settings.draws if draws is None else draws
    if draws > 0:
        from barnetmodel.engine.simulate import most_draws, simulate, summarise_simulation

        limit = most_draws(scenario)
        if draws > limit:
            kept = "" if limit == MAX_DRAWS else " for a scenario with this many options and targets"
            message = (
                f"--draws or uncertainty.draws: {draws:,} draws asked for; at most {limit:,} draws fit in the "
                f"memory barnetmodel keeps to (1 GiB){kept}"
            )
            raise ScenarioError([Problem(loaded.source.file, message)])

        sim = simulate(
            scenario,
            draws,
            settings.seed if seed is None else seed,
            settings.sampling if sampling is None else sampling,
            on_chunk=on_chunk,
        )
        results["uncertainty"] = summarise_simulation(sim)
    return results


def add_sensitivity(
    results: dict[str, Any], scenario: Scenario, option: str | None = None, basis: str = "present_value"
) -> dict[str, Any]:
    """The results with results["sensitivity"] (sensitivity.analyse_sensitivity) for one option against the
    baseline, the first other by default; unchanged when there is no other option.

    Only `report` and `plot` add it: `run`'s JSON stays as it was, and as fast.
    """
    if option is None and not any(name != scenario.baseline for name in scenario.options):
        return results
    from barnetmodel.analysis.sensitivity import analyse_sensitivity

    return results | {"sensitivity": analyse_sensitivity(scenario, option, basis)}
