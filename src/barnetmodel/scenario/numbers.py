"""A number in a scenario: written plainly (58), as a distribution ({pert: {...}}) or as a formula
of named inputs ("posts * pay")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import annotated_types
from pydantic import AfterValidator, BaseModel, Discriminator, PlainSerializer, Tag, WithJsonSchema

from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import MAX_CHARS, NUMBER, Formula, FormulaError, parse

# Tags of the branches; load.py drops them from error paths (they are not keys a user wrote).
NUMBER_TAG, DISTRIBUTION_TAG, FORMULA_TAG = "<number>", "<distribution>", "<formula>"


def _branch(value: Any) -> str:
    if isinstance(value, (dict, Distribution)):
        return DISTRIBUTION_TAG
    if isinstance(value, (str, Formula)):
        return FORMULA_TAG
    return NUMBER_TAG


def read_formula(text: str) -> Formula:
    """A formula's tree, or the problem with its text (where in it, in the message)."""
    if NUMBER.fullmatch(text.strip()):
        # A quoted number is text in YAML: most likely a slip, and refused as it always was.
        raise ValueError(f"should be a number, not '{text}': write it without quotes")
    try:
        return parse(text)
    except FormulaError as error:
        raise ValueError(str(error)) from None


@dataclass(frozen=True)
class Bounds:
    """The bounds every value of a number must respect (checked on formulas once they are worked out)."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def broken_by(self, low: float, high: float) -> str | None:
        """What is wrong when values from `low` to `high` are taken, or None when they are within bounds."""
        if (self.ge is not None and low < self.ge) or (self.gt is not None and low <= self.gt):
            return f"{low:g}, but the number must be {self.lower()}"
        if (self.le is not None and high > self.le) or (self.lt is not None and high >= self.lt):
            return f"{high:g}, but the number must be {self.upper()}"
        return None

    def lower(self) -> str:
        return f">= {self.ge:g}" if self.ge is not None else f"> {self.gt:g}"

    def upper(self) -> str:
        return f"<= {self.le:g}" if self.le is not None else f"< {self.lt:g}"

    @property
    def any(self) -> bool:
        return any(b is not None for b in (self.ge, self.gt, self.le, self.lt))


FormulaText = Annotated[
    str,
    AfterValidator(read_formula),
    PlainSerializer(lambda f: str(f), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_CHARS,
            "not": {"pattern": rf"^\s*{NUMBER.pattern}\s*$"},  # a quoted number is refused (read_formula)
            "description": "A formula of named inputs: numbers, input names, + - * / **, parentheses, "
            "min(...) and max(...), e.g. 'posts * pay * (1 + on_costs)'.",
        }
    ),
    Tag(FORMULA_TAG),
]


def number(
    *, ge: float | None = None, gt: float | None = None, le: float | None = None, lt: float | None = None
) -> Any:
    """The type of a number that may be uncertain or a formula, with the bounds every value it takes must respect."""
    bounds: list[Any] = []
    if ge is not None:
        bounds.append(annotated_types.Ge(ge))
    if gt is not None:
        bounds.append(annotated_types.Gt(gt))
    if le is not None:
        bounds.append(annotated_types.Le(le))
    if lt is not None:
        bounds.append(annotated_types.Lt(lt))
    limits = Bounds(ge, gt, le, lt)

    def within_bounds(distribution: Distribution) -> Distribution:
        broken = limits.broken_by(*distribution.support())
        if broken:
            raise ValueError(f"this {distribution.kind} distribution can take {broken}")
        return distribution

    plain = Annotated[(float, *bounds, Tag(NUMBER_TAG))]
    uncertain = Annotated[Distribution, AfterValidator(within_bounds), Tag(DISTRIBUTION_TAG)]
    return Annotated[plain | uncertain | FormulaText, Discriminator(_branch), limits]


@cache
def bounds_of(model: type[BaseModel], field: str) -> Bounds:
    """The bounds of a model's number field made by `number` (a list of them too); none if it has none. Read
    from the model's annotations once: a Monte Carlo run checks every drawn formula's values against them in
    every chunk."""
    info = model.model_fields[field]
    return next((item for item in info.metadata if isinstance(item, Bounds)), None) or _bounds_in(info.annotation)


def _bounds_in(annotation: Any) -> Bounds:
    for item in getattr(annotation, "__metadata__", ()):
        if isinstance(item, Bounds):
            return item
    for argument in getattr(annotation, "__args__", ()):
        found = _bounds_in(argument)
        if found.any:
            return found
    return Bounds()


def central(value: float | Distribution) -> float:
    """The value a deterministic run uses: the number itself, or the distribution's mean."""
    return value.mean() if isinstance(value, Distribution) else float(value)


if TYPE_CHECKING:
    Number = float | Distribution | Formula
    Share = float | Distribution | Formula
    Positive = float | Distribution | Formula
    NonNegative = float | Distribution | Formula
    Growth = float | Distribution | Formula
    Inflation = float | Distribution | Formula
else:
    Number = number()
    Share = number(ge=0, le=1)
    Positive = number(gt=0)
    NonNegative = number(ge=0)
    Growth = number(gt=-1, lt=1)
    Inflation = number(gt=-0.5, lt=1)
