"""The scenario file format: pydantic models of every key a user may write."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Year = Annotated[int, Field(ge=1800, le=2300, description="A financial year by its start: 2013 means 2013/14.")]
Prices = Literal["nominal", "real"]


class StrictModel(BaseModel):
    """No unknown keys, no type coercion ('58' is not a number), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Horizon(StrictModel):
    start: Year = Field(description="First financial year of the appraisal (year 0, not discounted).")
    years: int = Field(10, ge=1, le=200, description="Number of years projected.")

    @property
    def end(self) -> int:
        return self.start + self.years - 1


class Money(StrictModel):
    unit: str = Field("£m", min_length=1, description="Unit every amount in the file is written in.")
    prices: Prices = Field(
        "nominal", description="How amounts are written unless a line says otherwise: nominal or real."
    )
    price_base: Year | None = Field(
        None,
        description="Year whose prices real figures are in, and from which growth compounds. "
        "Defaults to horizon.start.",
    )
    inflation: float = Field(
        gt=-0.5, lt=1, description="GDP deflator, a year, that turns nominal amounts into real ones."
    )
    discount: str | float = Field(
        "green_book",
        description="A named discount schedule (green_book, green_book_reduced, green_book_health) "
        "or a constant real rate such as 0.035.",
    )

    @field_validator("discount", mode="before")
    @classmethod
    def _known_schedule_or_rate(cls, value: object) -> object:
        from barnetmodel.discount import schedules
        from barnetmodel.suggest import did_you_mean

        names = sorted(schedules())
        if isinstance(value, str):
            if value not in names:
                raise ValueError(f"unknown discount schedule '{value}'{did_you_mean(value, names)}")
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or not 0 <= value < 1:
                raise ValueError(f"a discount rate must be a fraction from 0 to below 1, such as 0.035, not {value}")
            return float(value)
        raise ValueError(f"must be a schedule name ({', '.join(names)}) or a rate such as 0.035")


class Target(StrictModel):
    name: str = Field(min_length=1, description="What the target is, e.g. 'Savings needed before 2015'.")
    amount: float = Field(gt=0, description="The saving needed, in money.unit.")
    measure: Literal["annual", "cumulative"] = Field(
        "annual",
        description="annual: the saving in the year `by`; cumulative: the savings from horizon.start "
        "to `by`, added up.",
    )
    by: Year | None = Field(None, description="Year by which it is needed. Defaults to the last year.")
    prices: Prices | None = Field(None, description="Price basis of `amount`. Defaults to money.prices.")
    option: str | None = Field(None, description="Option it applies to. Defaults to every option but the baseline.")
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")


class Line(StrictModel):
    """One cost (or, negative, income) of an option; exactly one of annual, total, once, share_of."""

    name: str = Field(min_length=1, description="Unique within its option; what share_of refers to.")
    annual: float | None = Field(None, description="Recurring amount a year, in price_base money.")
    growth: float | None = Field(
        None, gt=-1, lt=1, description="Yearly growth of an annual line (from price_base) or the profile of a total."
    )
    from_: Year | None = Field(None, alias="from", description="First year an annual or share_of line applies.")
    to: Year | None = Field(None, description="Last year an annual or share_of line applies.")
    total: float | None = Field(None, description="An amount spread over `term`.")
    term: list[Year] | None = Field(
        None, min_length=2, max_length=2, description="[first year, last year] a total is spread over."
    )
    once: Year | None = Field(None, description="Year of a one-off amount.")
    amount: float | None = Field(None, description="The one-off amount, with `once`.")
    share_of: str | None = Field(None, description="Name of another line of the same option this is a share of.")
    rate: float | None = Field(None, description="The share, with share_of: 0.04 is 4%.")
    ramp: list[Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None,
        min_length=1,
        description="Fraction of the full effect in the first, second, ... year the line applies; "
        "full effect after the list ends.",
    )
    prices: Prices | None = Field(None, description="Price basis of this line's amounts. Defaults to money.prices.")
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = Field(None, description="Free text: how the figure was worked out.")

    @property
    def kind(self) -> str:
        for kind in KINDS:
            if getattr(self, kind) is not None:
                return kind
        return ""


KINDS = ("annual", "total", "once", "share_of")


class Option(StrictModel):
    title: str = Field(min_length=1, description="Name shown in tables.")
    kind: Literal["in_house", "outsourced", "joint_venture", "shared_service", "other"] | None = Field(
        None, description="Delivery model, for readers."
    )
    description: str | None = None
    lines: list[Line] = Field(min_length=1, description="The option's costs and incomes.")


class Scenario(StrictModel):
    title: str = Field(min_length=1)
    description: str = ""
    sources: dict[str, str] = Field(
        default_factory=dict, description="Every source the file cites, by a short key lines refer to."
    )
    horizon: Horizon
    money: Money
    targets: list[Target] = Field(default_factory=list)
    baseline: str = Field(description="Option every saving is measured against.")
    options: dict[str, Option] = Field(min_length=1)

    @property
    def price_base(self) -> int:
        return self.money.price_base if self.money.price_base is not None else self.horizon.start

    def line_prices(self, line: Line) -> Prices:
        return line.prices or self.money.prices
