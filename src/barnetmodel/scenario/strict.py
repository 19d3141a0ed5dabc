"""The base of every scenario model: no unknown keys, no coercion, no NaN."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """No unknown keys, no type coercion ('58' is not a number), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)
