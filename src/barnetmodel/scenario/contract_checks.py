"""Checks of the contract mechanics: price profiles, indexation and its series, switches on a risk,
guarantees and planned changes; each names the key that is wrong."""

from __future__ import annotations

from barnetmodel.errors import Path, did_you_mean
from barnetmodel.limits import MAX_SWITCH_VALUES
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.formula import Formula
from barnetmodel.scenario.models import (
    Change,
    Indexation,
    InflationSeries,
    Line,
    Risk,
    Scenario,
    financial_year,
)


def support(value: float | Distribution | Formula) -> tuple[float, float] | None:
    """The lowest and highest value a number can take; None for a formula (known only once worked out)."""
    if isinstance(value, Formula):
        return None
    return value.support() if isinstance(value, Distribution) else (float(value), float(value))


def first_year(line: Line) -> int | None:
    """The first year a line has an amount, where it says so itself."""
    if line.from_ is not None:
        return line.from_
    if line.term is not None:
        return line.term[0]
    if line.once is not None:
        return line.once
    if line.by_year:
        return min(line.by_year)
    return None


def switch_risks(scenario: Scenario, option: str) -> list[tuple[str, Risk]]:
    """The option's risks that change its lines when they happen, or that a guarantee names as its provider."""
    providers = {g.provider for _, g in scenario.guarantees_of(option) if g.provider is not None}
    return [(home, risk) for home, risk in scenario.risks_of(option) if risk.is_switch or risk.name in providers]


def switch_window(scenario: Scenario, risk: Risk) -> int:
    """The years a switch can happen in: its `from` to its `to`, within the horizon."""
    first = scenario.horizon.start if risk.from_ is None else risk.from_
    last = scenario.horizon.end if risk.to is None else risk.to
    return max(last - first + 1, 0)


def switch_outcomes(scenario: Scenario) -> tuple[int, int]:
    """The combinations of the years the scenario's switches can happen in (each in a year of its window, or
    never), which a run without draws projects one row each; and the flows a row holds (every line, risk and
    guarantee of every option). Counted once a switch however many options share it, as the engine does."""
    windows: dict[tuple[str, str], int] = {}
    flows = 0
    for name in scenario.options:
        for home, risk in switch_risks(scenario, name):
            windows[(home, risk.name)] = switch_window(scenario, risk)
        flows += len(scenario.lines_of(name)) + len(scenario.risks_of(name)) + len(scenario.guarantees_of(name))
    combinations = 1
    for window in windows.values():
        combinations *= window + 1  # Python integers: no overflow however many switches
    return combinations, flows


class ContractChecks:
    """The checks of contract mechanics, part of checks.py's `_Checks` (which gives `add`, `cited` and
    `in_horizon`)."""

    scenario: Scenario

    def add(self, path: Path, message: str, *, at_key: bool = False, inputs: frozenset[str] = frozenset()) -> None:
        raise NotImplementedError

    def cited(self, path: Path, key: str | None) -> None:
        raise NotImplementedError

    def in_horizon(self, path: Path, year: int | None, *, at_key: bool = False) -> None:
        raise NotImplementedError

    def contracts(self) -> None:
        self.series_inflation()
        for name, option in self.scenario.options.items():
            names = [line.name for _, line in self.scenario.lines_of(name)]
            for i, line in enumerate(option.lines):
                self.contract_line(("options", name, "lines", i), line)
            self.switches(name, names)
            self.guarantee_terms(name, names)
            self.planned_changes(name, names)
        self.switch_outcomes()

    def switch_outcomes(self) -> None:
        """A run without draws projects every combination of the years the switches happen in: refuse so many
        that it would not fit in memory (limits.MAX_SWITCH_VALUES), at the switch that passes the limit."""
        combinations, flows = switch_outcomes(self.scenario)
        values = combinations * max(flows, 1) * self.scenario.horizon.years
        if values <= MAX_SWITCH_VALUES:
            return
        found = 1
        for name in self.scenario.options:
            for home, risk in switch_risks(self.scenario, name):
                found *= switch_window(self.scenario, risk) + 1
                if found * max(flows, 1) * self.scenario.horizon.years > MAX_SWITCH_VALUES:
                    where = next(i for i, r in enumerate(self.scenario.options[home].risks) if r is risk)
                    self.add(
                        ("options", home, "risks", where),
                        f"too many switches: the years they can happen in make {combinations:,} combinations, "
                        f"each projected over {flows:,} lines, risks and guarantees and "
                        f"{self.scenario.horizon.years} years in a run without draws (at most "
                        f"{MAX_SWITCH_VALUES:,} values): fewer switches, or narrower windows (`from`, `to`)",
                    )
                    return

    # Lines ------------------------------------------------------------------------------

    def contract_line(self, path: Path, line: Line) -> None:
        for year in line.by_year or {}:
            self.in_horizon((*path, "by_year", year), year, at_key=True)
        if line.profile is not None and line.term is not None:
            first, last = line.term
            for year in line.profile:
                if not first <= year <= last:
                    self.add((*path, "profile", year), f"year {year} is outside the term {first}-{last}", at_key=True)
            highest = [support(w) for w in line.profile.values()]
            if all(h is not None and h[1] <= 0 for h in highest):
                self.add((*path, "profile"), "the profile's weights add up to 0: nothing to spread the total over")
            if line.growth is not None:
                self.add((*path, "growth"), "give a `profile` or a `growth`, not both: each shapes the spread")
        if line.index is not None:
            self.indexation((*path, "index"), line)

    def indexation(self, path: Path, line: Line) -> None:
        index = line.index
        assert index is not None
        self.cited((*path, "source"), index.source)
        if (index.series is None) == (index.rate is None):
            self.add(path, "index a line to a `series` or to a `rate`, not both or neither")
        if index.after is not None and index.series is None:
            self.add((*path, "after"), "`after` is the rate once a series ends: it needs a `series`")
        if line.prices == "real" or (line.prices is None and self.scenario.money.prices == "real"):
            self.add(
                (*path,),
                "an indexed line's amounts are cash in the prices of the year before indexation starts; "
                "with `prices: real` they would be raised by inflation twice (write them nominal)",
            )
        if line.annual is not None and line.growth is not None:
            self.add((*path,), "give `growth` or `index`, not both: each moves the price")
        cap = None if index.cap is None else support(index.cap)
        floor = None if index.floor is None else support(index.floor)
        if cap is not None and floor is not None:  # a formula's range is known only once worked out
            lowest_cap, highest_floor = cap[0], floor[1]
            if lowest_cap < highest_floor:
                self.add(
                    (*path, "cap"),
                    f"the cap ({lowest_cap:g}) is below the floor ({highest_floor:g})"
                    + (
                        " in some draws"
                        if isinstance(index.cap, Distribution) or isinstance(index.floor, Distribution)
                        else ""
                    ),
                )
        if index.series is not None:
            self.series_covers(path, index)

    def series_covers(self, path: Path, index: Indexation) -> None:
        """The series gives the change of every year an uplift uses: from (from - lag) on, each against the
        year before; years after its end need `after`."""
        from barnetmodel.data.series import series

        assert index.series is not None
        found = series(index.series)
        end = self.scenario.horizon.end
        if index.from_ > end:
            return
        first_needed = index.from_ - index.lag - 1
        if found.first > first_needed:
            self.add(
                (*path, "from"),
                f"{index.series} starts in {financial_year(found.first)}: it has no change for "
                f"{financial_year(first_needed + 1)} (indexation from {index.from_} with a lag of {index.lag})",
            )
        last_needed = end - index.lag
        if index.after is None and found.last < last_needed:
            self.add(
                (*path, "series"),
                f"{index.series} ends in {financial_year(found.last)}, but the uplift of {financial_year(end)} needs "
                f"{financial_year(last_needed)}: give `after`, a rate a year for the years after the series",
            )

    def series_inflation(self) -> None:
        inflation = self.scenario.money.inflation
        if not isinstance(inflation, InflationSeries):
            return
        from barnetmodel.data.series import series

        found = series(inflation.series)
        horizon, base = self.scenario.horizon, self.scenario.price_base
        first, last = min(horizon.start, base), max(horizon.end, base)
        path: Path = ("money", "inflation", "series")
        if found.first > first:
            self.add(path, f"{inflation.series} starts in {financial_year(found.first)}, after {financial_year(first)}")
        if inflation.after is None and found.last < last:
            self.add(
                path,
                f"{inflation.series} ends in {financial_year(found.last)}, before {financial_year(last)}: "
                "give `after`, a rate a year for the years after the series",
            )

    # Risks that switch lines -------------------------------------------------------------

    def line_named(self, path: Path, name: str, names: list[str], option: str) -> bool:
        if name in names:
            return True
        elsewhere = [
            o
            for o in self.scenario.options
            if o != option and name in [li.name for li in self.scenario.options[o].lines]
        ]
        if elsewhere:
            self.add(path, f"'{name}' is a line of option '{elsewhere[0]}', not of this option")
        else:
            self.add(path, f"no line of this option is called '{name}'{did_you_mean(name, names)}")
        return False

    def switches(self, option: str, names: list[str]) -> None:
        lines = {line.name: line for _, line in self.scenario.lines_of(option)}
        switched: dict[str, str] = {}  # line -> the switch that stops or starts it
        started = {n for _, change in self.scenario.changes_of(option) for n in change.starts}
        providers = {g.provider for _, g in self.scenario.guarantees_of(option) if g.provider is not None}
        for i, risk in enumerate(self.scenario.options[option].risks):
            path: Path = ("options", option, "risks", i)
            if not risk.is_switch:
                for key in ("takes_effect", "premium", "transition"):
                    if getattr(risk, key) is not None:
                        self.add(
                            (*path, key), f"`{key}` belongs to a switch: a risk with `stops` or `fallback`", at_key=True
                        )
                if risk.recurring and risk.name in providers:
                    self.add((*path, "recurring"), "a guarantee's provider fails once: it cannot be a recurring risk")
                continue
            if risk.recurring:
                self.add((*path, "recurring"), "a switch happens once: it cannot be recurring")
            if risk.takes_effect is None:
                self.add(
                    path, "say when the lines switch: `takes_effect: same_year` (the year it happens) or `next_year`"
                )
            if (risk.premium is None) != (risk.transition is None):
                self.add(path, "a fallback premium needs both `premium` and `transition` (the years it lasts)")
            if risk.premium is not None and not risk.fallback:
                self.add((*path, "premium"), "a premium is paid on `fallback` lines: name them", at_key=True)
            for key in ("stops", "fallback"):
                for j, name in enumerate(getattr(risk, key) or []):
                    where = (*path, key, j)
                    if not self.line_named(where, name, names, option):
                        continue
                    if name in switched:
                        self.add(where, f"'{name}' is already switched by the risk '{switched[name]}'")
                    switched[name] = risk.name
                    if key == "fallback":
                        line = lines[name]
                        if line.annual is None or line.from_ is not None:
                            self.add(
                                where,
                                f"'{name}' would be active before the switch: a fallback line is an `annual` line "
                                "without `from` (the switch decides when it starts)",
                            )
                        if name in started:
                            self.add(where, f"'{name}' is also started by a planned change: one thing starts it")
            both = set(risk.stops or []) & set(risk.fallback or [])
            for name in sorted(both):
                self.add((*path, "fallback"), f"'{name}' cannot both stop and start with the switch")

    # Guarantees --------------------------------------------------------------------------

    def guarantee_terms(self, option: str, names: list[str]) -> None:
        chain = self.scenario.guarantees_of(option)
        own = self.scenario.options[option].guarantees
        inherited = [g.name for home, g in chain if home != option]
        seen: dict[str, int] = {}
        switches = {risk.name: risk for _, risk in self.scenario.risks_of(option)}
        switch_of = {
            n: r.name for r in switches.values() if r.is_switch for n in [*(r.stops or []), *(r.fallback or [])]
        }
        for i, guarantee in enumerate(own):
            path: Path = ("options", option, "guarantees", i)
            if guarantee.name in seen or guarantee.name in inherited:
                self.add((*path, "name"), f"another guarantee is called '{guarantee.name}'")
            seen.setdefault(guarantee.name, i)
            self.cited((*path, "source"), guarantee.source)
            self.in_horizon((*path, "from"), guarantee.from_)
            self.in_horizon((*path, "to"), guarantee.to)
            if guarantee.from_ is not None and guarantee.to is not None and guarantee.from_ > guarantee.to:
                self.add((*path, "to"), f"`to` ({guarantee.to}) is before `from` ({guarantee.from_})")
            involved: set[str] = set()
            for j, name in enumerate(guarantee.lines):
                if self.line_named((*path, "lines", j), name, names, option) and name in switch_of:
                    involved.add(switch_of[name])
            if guarantee.provider is not None:
                if guarantee.provider not in switches:
                    hint = did_you_mean(guarantee.provider, switches)
                    self.add((*path, "provider"), f"no risk of this option is called '{guarantee.provider}'{hint}")
                else:
                    involved.add(guarantee.provider)
            if len(involved) > 1:
                self.add(
                    (*path, "lines"),
                    "a guarantee may depend on one switch only (its provider's failure); here: "
                    + ", ".join(f"'{n}'" for n in sorted(involved)),
                )

    # Planned changes ---------------------------------------------------------------------

    def planned_changes(self, option: str, names: list[str]) -> None:
        lines = {line.name: line for _, line in self.scenario.lines_of(option)}
        inherited = [c.name for home, c in self.scenario.changes_of(option) if home != option]
        seen: set[str] = set()
        for i, change in enumerate(self.scenario.options[option].changes):
            path: Path = ("options", option, "changes", i)
            if change.name in seen or change.name in inherited:
                self.add((*path, "name"), f"another change is called '{change.name}'")
            seen.add(change.name)
            self.cited((*path, "source"), change.source)
            self.in_horizon((*path, "year"), change.year)
            self.change_lines(path, change, names, lines, option)

    def change_lines(self, path: Path, change: Change, names: list[str], lines: dict[str, Line], option: str) -> None:
        guarantees = [g.name for _, g in self.scenario.guarantees_of(option)]
        risks = [r.name for _, r in self.scenario.risks_of(option)]
        for key in ("stops", "starts", "costs"):
            for j, name in enumerate(getattr(change, key)):
                where = (*path, key, j)
                if key == "stops" and name not in names and (name in guarantees or name in risks):
                    continue  # a contract's guarantee or risk ends with it
                if key == "stops" and name in names and (name in guarantees or name in risks):
                    self.add(where, f"'{name}' names a line and a guarantee or risk: rename one")
                    continue
                if not self.line_named(where, name, names, option):
                    continue
                first = first_year(lines[name])
                if key == "starts" and first is not None and first < change.year:
                    self.add(
                        where,
                        f"'{name}' starts with the change in {change.year}, but it has an amount in {first}: "
                        "a line a change starts must not be active before it",
                    )
        for name in sorted(set(change.stops) & set(change.starts)):
            self.add((*path, "starts"), f"'{name}' cannot both stop and start with the change")
