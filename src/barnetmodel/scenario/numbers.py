"""A number in a scenario: written plainly (58) or as a distribution ({pert: {...}})."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import annotated_types
from pydantic import AfterValidator, Discriminator, Tag

from barnetmodel.scenario.distributions import Distribution

# Tags of the two branches; load.py drops them from error paths (they are not keys a user wrote).
NUMBER_TAG, DISTRIBUTION_TAG = "<number>", "<distribution>"


def _branch(value: Any) -> str:
    return DISTRIBUTION_TAG if isinstance(value, (dict, Distribution)) else NUMBER_TAG


def number(
    *, ge: float | None = None, gt: float | None = None, le: float | None = None, lt: float | None = None
) -> Any:
    """The type of a number that may be uncertain, with the bounds every value it takes must respect."""
    bounds: list[Any] = []
    if ge is not None:
        bounds.append(annotated_types.Ge(ge))
    if gt is not None:
        bounds.append(annotated_types.Gt(gt))
    if le is not None:
        bounds.append(annotated_types.Le(le))
    if lt is not None:
        bounds.append(annotated_types.Lt(lt))

    def within_bounds(distribution: Distribution) -> Distribution:
        low, high = distribution.support()
        kind = distribution.kind
        if (ge is not None and low < ge) or (gt is not None and low <= gt):
            limit = f">= {ge:g}" if ge is not None else f"> {gt:g}"
            raise ValueError(f"this {kind} distribution can take {low:g}, but the number must be {limit}")
        if (le is not None and high > le) or (lt is not None and high >= lt):
            limit = f"<= {le:g}" if le is not None else f"< {lt:g}"
            raise ValueError(f"this {kind} distribution can take {high:g}, but the number must be {limit}")
        return distribution

    plain = Annotated[(float, *bounds, Tag(NUMBER_TAG))]
    uncertain = Annotated[Distribution, AfterValidator(within_bounds), Tag(DISTRIBUTION_TAG)]
    return Annotated[plain | uncertain, Discriminator(_branch)]


def central(value: float | Distribution) -> float:
    """The value a deterministic run uses: the number itself, or the distribution's mean."""
    return value.mean() if isinstance(value, Distribution) else float(value)


if TYPE_CHECKING:
    Number = float | Distribution
    Share = float | Distribution
    Positive = float | Distribution
    NonNegative = float | Distribution
    Growth = float | Distribution
    Inflation = float | Distribution
else:
    Number = number()
    Share = number(ge=0, le=1)
    Positive = number(gt=0)
    NonNegative = number(ge=0)
    Growth = number(gt=-1, lt=1)
    Inflation = number(gt=-0.5, lt=1)
