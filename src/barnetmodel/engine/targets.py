"""What a target counts: the saving in its year or up to it, and whether the saving reaches it."""

from __future__ import annotations

from typing import Any

import numpy as np

from barnetmodel.engine.projection import Projection
from barnetmodel.scenario.models import Scenario, Target


def target_achieved(projection: Projection, target: Target, option: str) -> np.ndarray:
    """(draws,) the saving counted against a target: in its year, or added up to its year."""
    scenario = projection.scenario
    basis = target.prices or scenario.money.prices
    saving = projection.saving(option, basis)
    by = scenario.horizon.end if target.by is None else target.by
    column = by - scenario.horizon.start
    if target.measure == "annual":
        return saving[:, column]
    return saving[:, : column + 1].sum(axis=1)


# A target is met when the saving reaches it, give or take the rounding of binary arithmetic:
# 0.7 - 0.4 is 0.29999999999999993, and a saving of exactly 0.3 meets a target of 0.3.
MET_TOLERANCE = 1e-9


def meets(achieved: Any, amount: Any) -> Any:
    """Whether savings reach target amounts (numbers or arrays), to a relative 1e-9."""
    return achieved >= amount - MET_TOLERANCE * np.maximum(1.0, np.abs(amount))


def target_met(projection: Projection, target: Target, option: str) -> np.ndarray:
    """(draws,) whether the saving reaches the target (whose amount may itself be uncertain)."""
    return meets(target_achieved(projection, target, option), projection.target_amount[target.name])


def target_options(scenario: Scenario, target: Target) -> list[str]:
    if target.option is not None:
        return [target.option]
    return [name for name in scenario.options if name != scenario.baseline]
