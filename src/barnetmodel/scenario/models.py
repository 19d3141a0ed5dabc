"""The scenario file format: pydantic models of every key a user may write."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator

from barnetmodel.limits import MAX_DRAWS, MAX_LINES, MAX_RAMP_STEPS, MAX_RISKS
from barnetmodel.scenario.numbers import Growth, Inflation, NonNegative, Number, Positive, Share
from barnetmodel.scenario.strict import StrictModel

# Empty lists and dicts are defaults as values (`default=[]`), which pydantic copies for each model, not
# `default_factory=list`: pydantic inspects a factory's signature as the model is defined, and a builtin's costs
# Python a regex compile (tokenize's), 12 ms of every command's start-up on a slow machine.

Year = Annotated[int, Field(ge=1800, le=2300, description="A financial year by its start: 2013 means 2013/14.")]
Prices = Literal["nominal", "real"]


def financial_year(year: int) -> str:
    """2013 -> '2013/14': a financial year is named by the year it starts in."""
    return f"{year}/{(year + 1) % 100:02d}"


class Horizon(StrictModel):
    start: Year = Field(description="First financial year of the appraisal (year 0, not discounted).")
    years: int = Field(10, ge=1, le=200, description="Number of years projected.")

    @property
    def end(self) -> int:
        return self.start + self.years - 1


def _known_series(value: object) -> object:
    """A series name must be one of the series shipped in data/series/."""
    from barnetmodel.data.series import series_names
    from barnetmodel.errors import did_you_mean

    names = series_names()
    if isinstance(value, str) and value not in names:
        raise ValueError(f"unknown series '{value}'{did_you_mean(value, names) or '; known: ' + ', '.join(names)}")
    return value


class InflationSeries(StrictModel):
    """`money.inflation` as a published GDP deflator series: its index where it has one, a stated rate after."""

    series: str = Field(description="A shipped series (see `barnetmodel` docs: gdp_deflator, gdp_deflator_2020_03).")
    after: Inflation | None = Field(
        None,
        description="Rate a year for the years after the series ends (may be uncertain); without it, "
        "every year the scenario needs must be in the series.",
    )

    @field_validator("series", mode="before")
    @classmethod
    def _series_known(cls, value: object) -> object:
        return _known_series(value)


def _inflation_branch(value: object) -> str:
    """A mapping with `series` is a series; anything else is a rate (a number or a distribution)."""
    if isinstance(value, InflationSeries) or (isinstance(value, dict) and "series" in value):
        return "<series>"
    return "<rate>"


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
    inflation: Annotated[
        Annotated[Inflation, Tag("<rate>")] | Annotated[InflationSeries, Tag("<series>")],
        Discriminator(_inflation_branch),
    ] = Field(
        description="GDP deflator, a year, that turns nominal amounts into real ones; or a published series "
        "({series: gdp_deflator, after: 0.02})."
    )
    vat: Literal["excluded", "included"] | None = Field(
        None, description="Whether the amounts include VAT: recorded and shown, never added or taken off."
    )
    discount: str | float = Field(
        "green_book",
        description="A named discount schedule (green_book, green_book_reduced, green_book_health) "
        "or a constant real rate such as 0.035.",
    )

    @field_validator("discount", mode="before")
    @classmethod
    def _known_schedule_or_rate(cls, value: object) -> object:
        from barnetmodel.data.reference import schedules
        from barnetmodel.errors import did_you_mean

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
    amount: Positive = Field(description="The saving needed, in money.unit.")
    measure: Literal["annual", "cumulative"] = Field(
        "annual",
        description="annual: the saving in the year `by`; cumulative: the savings from horizon.start "
        "to `by`, added up.",
    )
    by: Year | None = Field(None, description="Year by which it is needed. Defaults to the last year.")
    prices: Prices | None = Field(None, description="Price basis of `amount`. Defaults to money.prices.")
    option: str | None = Field(None, description="Option it applies to. Defaults to every option but the baseline.")
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")


class Indexation(StrictModel):
    """A line's price moved each year by a published index or a rate, with a cap, a floor and a lag."""

    series: str | None = Field(None, description="A shipped index series: cpi, rpi, gdp_deflator, ...")
    rate: Growth | None = Field(None, description="A rate a year instead of a series (may be uncertain).")
    after: Growth | None = Field(None, description="Rate a year for the years after the series ends.")
    from_: Year = Field(
        alias="from",
        description="First year whose price is uplifted; the amounts are written in the prices of the year before.",
    )
    lag: int = Field(0, ge=0, le=10, description="Each year's uplift is the index's change `lag` years before.")
    cap: Growth | None = Field(None, description="Largest uplift in any one year: 0.05 is 5%.")
    floor: Growth | None = Field(None, description="Smallest uplift in any one year: 0 keeps the price from falling.")
    source: str | None = Field(None, description="Key in `sources` the clause comes from.")
    note: str | None = None

    @field_validator("series", mode="before")
    @classmethod
    def _series_known(cls, value: object) -> object:
        return _known_series(value)


class Line(StrictModel):
    """One cost (or, negative, income) of an option; exactly one of annual, total, once, share_of, by_year,
    credits, variations."""

    name: str = Field(min_length=1, description="Unique within its option; what share_of refers to.")
    annual: Number | None = Field(None, description="Recurring amount a year, in price_base money.")
    growth: Growth | None = Field(
        None, description="Yearly growth of an annual line (from price_base) or the profile of a total."
    )
    from_: Year | None = Field(None, alias="from", description="First year an annual or share_of line applies.")
    to: Year | None = Field(None, description="Last year an annual or share_of line applies.")
    total: Number | None = Field(None, description="An amount spread over `term`.")
    term: list[Year] | None = Field(
        None, min_length=2, max_length=2, description="[first year, last year] a total is spread over."
    )
    profile: dict[Year, NonNegative] | None = Field(
        None,
        min_length=1,
        description="With a total: weights by year that it is spread in proportion to (years of the term "
        "not listed get nothing).",
    )
    by_year: dict[Year, Number] | None = Field(
        None, min_length=1, description="The amount in each year, as a mapping of year to amount (years not listed: 0)."
    )
    scale: Number | None = Field(None, description="With by_year: one factor on every year's amount (1 as written).")
    once: Year | None = Field(None, description="Year of a one-off amount.")
    amount: Number | None = Field(
        None, description="The one-off amount, with `once`; with `variations`, an amount a year."
    )
    share_of: str | None = Field(None, description="Name of another line of the same option this is a share of.")
    rate: Number | None = Field(None, description="The share, with share_of: 0.04 is 4%.")
    credits: str | None = Field(
        None, description="Service credits or deductions: the line whose charge they are taken off."
    )
    variations: str | None = Field(None, description="Variations and change requests: the line they add to.")
    share: Share | None = Field(None, description="With credits or variations: a share of that line's charge.")
    index: Indexation | None = Field(None, description="Indexation of the line's price to a series or a rate.")
    draw: Literal["once", "yearly"] | None = Field(
        None,
        description="How an uncertain `annual` is drawn: once (the default), one value used every year; "
        "yearly, a value drawn afresh each year.",
    )
    persistence: float | None = Field(
        None,
        ge=0,
        le=1,
        description="With draw: yearly, how much each year's draw follows the year before's: the correlation "
        "of their normal scores (0, the default: independent years; 1: the same value every year).",
    )
    ramp: list[Share] | None = Field(
        None,
        min_length=1,
        max_length=MAX_RAMP_STEPS,
        description="Fraction of the full effect in the first, second, ... year the line applies; "
        "full effect after the list ends.",
    )
    prices: Prices | None = Field(None, description="Price basis of this line's amounts. Defaults to money.prices.")
    transfer: bool | None = Field(
        None,
        description="A transfer between parts of society (redundancy pay, say): left out of the economic "
        "case's present values, kept in the cash figures.",
    )
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = Field(None, description="Free text: how the figure was worked out.")

    @property
    def kind(self) -> str:
        for kind in KINDS:
            if getattr(self, kind) is not None:
                return kind
        return ""

    @property
    def base_line(self) -> str | None:
        """The line this one is worked out from (share_of, credits, variations), if any."""
        return self.share_of or self.credits or self.variations


KINDS = ("annual", "total", "once", "share_of", "by_year", "credits", "variations")


class Risk(StrictModel):
    """An event that may happen, at most once, and costs money when it does."""

    name: str = Field(min_length=1, description="Unique within its option.")
    probability: Share = Field(description="Chance it happens: in any one year (per: year) or over the horizon.")
    per: Literal["year", "horizon"] = Field(
        "year",
        description="year: each year it has not yet happened, it happens with `probability`; "
        "horizon: it happens with `probability` over the window, in a year equally likely within it.",
    )
    cost: Number = Field(description="Cost when it happens, in money.unit.")
    recurring: bool = Field(False, description="The cost recurs every year from the year it happens.")
    recovered: Share = Field(0.0, description="Share of the cost recovered, e.g. under contract clauses.")
    from_: Year | None = Field(None, alias="from", description="First year it can happen.")
    to: Year | None = Field(None, description="Last year it can happen (and a recurring cost last runs).")
    prices: Prices | None = Field(None, description="Price basis of `cost`. Defaults to money.prices.")
    stops: list[str] | None = Field(
        None, description="A switch: the lines of the option that stop when it happens (a provider's charges)."
    )
    fallback: list[str] | None = Field(
        None, description="A switch: the lines that start when it happens (the service run by someone else)."
    )
    takes_effect: Literal["same_year", "next_year"] | None = Field(
        None, description="With stops or fallback: they change in the year it happens, or the year after."
    )
    premium: NonNegative | None = Field(
        None, description="With fallback: extra cost of the fallback lines in the transition, 0.25 is 25%."
    )
    transition: int | None = Field(
        None, ge=0, le=50, description="With premium: years the fallback lines cost the premium, from when they start."
    )
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = None

    @property
    def is_switch(self) -> bool:
        return bool(self.stops or self.fallback)


class Guarantee(StrictModel):
    """Guaranteed savings: each year the provider pays back the part of named lines' cost above a level."""

    name: str = Field(min_length=1, description="Unique within its option.")
    lines: list[str] = Field(min_length=1, description="The lines whose cost (added up) the guarantee bounds.")
    level: Number = Field(description="The guaranteed cost a year: the provider pays back any cost above it.")
    prices: Prices | None = Field(None, description="Price basis of `level` and the caps. Defaults to money.prices.")
    from_: Year | None = Field(None, alias="from", description="First year the guarantee holds.")
    to: Year | None = Field(None, description="Last year the guarantee holds.")
    cap: NonNegative | None = Field(None, description="At most this paid back in any one year.")
    cap_total: NonNegative | None = Field(None, description="At most this paid back over the years it holds.")
    provider: str | None = Field(
        None, description="A switch risk of the option: once it has happened, the guarantee pays nothing."
    )
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = None


class Change(StrictModel):
    """A planned change from a year: services back in-house, a break or termination, an extension."""

    name: str = Field(min_length=1, description="Unique within its option.")
    kind: Literal["insource", "termination", "extension", "other"] = Field(
        "other", description="What the change is, for readers."
    )
    year: Year = Field(description="The first year of the new arrangement.")
    stops: list[str] = Field(
        default=[],
        description="What ends with it: lines (nothing from `year` on), and the contract's guarantees and risks "
        "(none from `year` on).",
    )
    starts: list[str] = Field(default=[], description="Lines that start in `year`.")
    costs: list[str] = Field(
        default=[], description="Lines of the change's own costs (exit, fees, moving, double running)."
    )
    source: str | None = Field(None, description="Key in `sources` the change comes from.")
    note: str | None = None


class OptimismBias(StrictModel):
    """Green Book optimism bias: an uplift on costs, shrunk by the share of risk mitigated."""

    category: Literal["outsourcing", "equipment_development", "standard_buildings", "non_standard_buildings"] | None = (
        Field(None, description="Green Book category whose upper bound is the uplift (outsourcing: 41%).")
    )
    uplift: NonNegative | None = Field(None, description="A stated uplift instead of a category: 0.2 is 20%.")
    mitigated: Share = Field(0.0, description="Share of the risk mitigated: applied = (1 - mitigated) x uplift.")
    lines: list[str] | None = Field(None, description="Names of the lines it applies to. Defaults to every line.")
    income_shortfall: bool = Field(
        False, description="Also cut incomes and savings (negative lines) by the same share."
    )
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = Field(None, description="Free text: why this uplift and share mitigated.")


class Option(StrictModel):
    title: str = Field(min_length=1, description="Name shown in tables.")
    based_on: str | None = Field(
        None,
        description="Another option this one starts from: its lines, risks, guarantees and changes come "
        "first, drawn alike, and this option adds its own.",
    )
    kind: Literal["in_house", "outsourced", "joint_venture", "shared_service", "other"] | None = Field(
        None, description="Delivery model, for readers."
    )
    description: str | None = None
    lines: list[Line] = Field(default=[], max_length=MAX_LINES, description="The option's costs and incomes.")
    risks: list[Risk] = Field(default=[], max_length=MAX_RISKS, description="The option's risk register.")
    guarantees: list[Guarantee] = Field(default=[], description="Savings the provider guarantees.")
    changes: list[Change] = Field(default=[], description="Planned changes from a year.")
    optimism_bias: OptimismBias | None = Field(None, description="Green Book optimism bias on the option's costs.")


class Correlation(StrictModel):
    between: list[str] = Field(
        min_length=2,
        max_length=2,
        description="Two uncertain inputs: a named input by its name (pay), or a number by its path "
        "(options.outsource.lines.Contract charge.annual).",
    )
    rank: float = Field(ge=-1, le=1, description="Rank (Spearman) correlation between them.")
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = Field(None, description="Free text: why the two move together (or apart).")


class Uncertainty(StrictModel):
    draws: int = Field(0, ge=0, le=MAX_DRAWS, description="Monte Carlo draws; 0 runs the central case only.")
    seed: int = Field(20121206, ge=0, description="Seed of every random stream.")
    sampling: Literal["monte_carlo", "latin_hypercube"] = Field("monte_carlo", description="How draws are made.")
    correlations: list[Correlation] = Field(default=[])


class NamedInput(StrictModel):
    """A figure named once in `inputs` and used by name wherever a number goes, with where it came from."""

    value: Number = Field(description="A number, a distribution, or a formula of other inputs.")
    source: str | None = Field(None, description="Key in `sources` the figure comes from.")
    note: str | None = Field(None, description="Free text: what the figure is, how it was worked out.")
    unit: str | None = Field(None, description="What the figure counts, e.g. '£m a post', 'posts', 'a share'.")


LONG_FORM, SHORT_FORM = "<long form>", "<short form>"


def _input_form(value: object) -> str:
    """The long form has `value` (or says where a value came from); any other mapping is a distribution."""
    if isinstance(value, NamedInput):
        return LONG_FORM
    if isinstance(value, dict) and {"value", "source", "note", "unit"} & set(value):
        return LONG_FORM
    return SHORT_FORM


InputValue = Annotated[
    Annotated[NamedInput, Tag(LONG_FORM)] | Annotated[Number, Tag(SHORT_FORM)], Discriminator(_input_form)
]


def _long_form(value: NamedInput | Number) -> NamedInput:
    return value if isinstance(value, NamedInput) else NamedInput.model_construct(value=value)


class Scenario(StrictModel):
    extends: str | None = Field(
        None, description="Another scenario file (relative to this one) to start from; this file changes what it lists."
    )
    title: str = Field(min_length=1)
    description: str = ""
    sources: dict[str, str] = Field(
        default={}, description="Every source the file cites, by a short key lines refer to."
    )
    inputs: dict[str, InputValue] = Field(
        default={},
        description="Named figures, used by name wherever a number goes: a number, a distribution or a formula "
        "(short form), or {value, source, note, unit} (long form).",
    )
    horizon: Horizon
    money: Money
    targets: list[Target] = Field(default=[])
    baseline: str = Field(description="Option every saving is measured against.")
    options: dict[str, Option] = Field(min_length=1)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)

    @property
    def named_inputs(self) -> dict[str, NamedInput]:
        """Every named input in its long form (a short form is a value with no source or note), built afresh
        each time it is asked for: one input's is `named_input`."""
        return {name: _long_form(value) for name, value in self.inputs.items()}

    def named_input(self, name: str) -> NamedInput | None:
        """The named input `name` in its long form, or None when there is none."""
        value = self.inputs.get(name)
        return None if value is None else _long_form(value)

    @property
    def price_base(self) -> int:
        return self.money.price_base if self.money.price_base is not None else self.horizon.start

    def line_prices(self, line: Line) -> Prices:
        return line.prices or self.money.prices

    def chain(self, option: str) -> list[str]:
        """The option and those it is based on, the first ancestor first (checks.py rules out circles)."""
        found: list[str] = []
        current: str | None = option
        while current is not None and current in self.options and current not in found:
            found.insert(0, current)
            current = self.options[current].based_on
        return found

    def lines_of(self, option: str) -> list[tuple[str, Line]]:
        """Every line of an option, with the option that writes it: those it is based on first."""
        return [(home, line) for home in self.chain(option) for line in self.options[home].lines]

    def risks_of(self, option: str) -> list[tuple[str, Risk]]:
        return [(home, risk) for home in self.chain(option) for risk in self.options[home].risks]

    def guarantees_of(self, option: str) -> list[tuple[str, Guarantee]]:
        return [(home, g) for home in self.chain(option) for g in self.options[home].guarantees]

    def changes_of(self, option: str) -> list[tuple[str, Change]]:
        return [(home, c) for home in self.chain(option) for c in self.options[home].changes]

    def bias_of(self, option: str) -> tuple[str, OptimismBias] | None:
        """The optimism bias an option carries: its own, else the nearest one it is based on."""
        for home in reversed(self.chain(option)):
            bias = self.options[home].optimism_bias
            if bias is not None:
                return home, bias
        return None
