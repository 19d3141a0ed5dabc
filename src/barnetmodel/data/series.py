"""Published price index series shipped in data/series/, each from a named and dated release: HM
Treasury's GDP deflator (two vintages), ONS CPI and RPI, by financial year."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from barnetmodel.data import read_shipped

FOLDER = "data/series"


@dataclass(frozen=True)
class Series:
    """An index by financial year (a year by its start: 2013 is 2013/14), from one release.

    `values` run from `first` without a gap. Years up to `outturn_to` are outturn; later ones are
    forecasts. Where the release gives a forecast year only as a per cent change, this package
    chains it onto the index before it (`chained_from` is the first such year).
    """

    name: str
    title: str
    publisher: str
    release: str
    released: str
    link: str
    link_checked: bool
    basis: str
    outturn_to: int
    provenance: str
    first: int
    values: tuple[float, ...]
    chained_from: int | None = None

    @property
    def last(self) -> int:
        return self.first + len(self.values) - 1

    def covers(self, year: int) -> bool:
        return self.first <= year <= self.last

    def value(self, year: int) -> float:
        if not self.covers(year):
            raise KeyError(f"{self.name} has no value for {year}")
        return self.values[year - self.first]

    def change(self, year: int) -> float:
        """The change from the year before to `year`: 0.02 is 2%."""
        return self.value(year) / self.value(year - 1) - 1.0

    def describe(self) -> dict[str, Any]:
        """What a result says about the series it used."""
        return {
            "name": self.name,
            "title": self.title,
            "publisher": self.publisher,
            "release": self.release,
            "released": self.released,
            "link": self.link,
            "first": self.first,
            "last": self.last,
            "outturn_to": self.outturn_to,
        }


def _read(name: str, data: dict[str, Any]) -> Series:
    by_year = {int(year): float(value) for year, value in data["values"].items()}
    first, last = min(by_year), max(by_year)
    if sorted(by_year) != list(range(first, last + 1)):
        raise ValueError(f"{name}: the years of `values` have a gap")
    values = [by_year[year] for year in range(first, last + 1)]
    chained_from = None
    # A release that gives later (forecast) years only as per cent changes: chain them on.
    changes = {int(year): float(pct) for year, pct in (data.get("pct_change") or {}).items() if int(year) > last}
    if changes:
        chained_from = last + 1
        for year in range(last + 1, max(changes) + 1):
            values.append(values[-1] * (1.0 + changes[year] / 100.0))
    return Series(
        name=name,
        title=str(data["title"]),
        publisher=str(data["publisher"]),
        release=str(data["release"]),
        released=str(data["released"]),
        link=str(data["link"]),
        link_checked=bool(data.get("link_checked", True)),
        basis=str(data["basis"]),
        outturn_to=int(data["outturn_to"]),
        provenance=" ".join(str(data["provenance"]).split()),
        first=first,
        values=tuple(values),
        chained_from=chained_from,
    )


@cache
def raw(name: str) -> dict[str, Any]:
    """The data file of series `name` as written (for tests and for readers who want the months)."""
    text = resources.files("barnetmodel").joinpath(f"{FOLDER}/{name}.yaml").read_text("utf-8")
    data: dict[str, Any] = read_shipped(text)
    return data


@cache
def series_names() -> tuple[str, ...]:
    """The names a scenario may use: the data files' names, in order."""
    folder = resources.files("barnetmodel").joinpath(FOLDER)
    return tuple(sorted(entry.name[: -len(".yaml")] for entry in folder.iterdir() if entry.name.endswith(".yaml")))


@cache
def series(name: str) -> Series:
    """The series `name` (one of series_names())."""
    return _read(name, raw(name))
