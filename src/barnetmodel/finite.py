"""Refuse results that overflowed: valid inputs can still multiply past what a float holds."""

from __future__ import annotations

import math
from typing import Any

from barnetmodel.errors import Path, Problem, ScenarioError, format_path


def first_non_finite(data: Any, path: Path = ()) -> Path | None:
    """The path of the first infinite or NaN number in nested results, or None."""
    if isinstance(data, float) and not math.isfinite(data):
        return path
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = first_non_finite(value, path + (key,))
        if found is not None:
            return found
    return None


def check_finite(results: dict[str, Any], file: str) -> None:
    """Raise a user error (exit 2) when a figure overflowed, rather than print inf or fail to write JSON."""
    path = first_non_finite(results)
    if path is not None:
        message = (
            f"the figures overflow ({format_path(path)} is not a finite number): "
            "an amount, growth rate or horizon is too large"
        )
        raise ScenarioError([Problem(file, message)])
