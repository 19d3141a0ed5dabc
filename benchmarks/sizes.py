"""Writes the benchmark scenarios of the sizes issue 16 names (run on demand: `python benchmarks/sizes.py`;
`make bench` checks the files in benchmarks/sizes/ are what this writes).

Each is a should-cost model of the kind users write, made from the project's features: named inputs
(drawn multipliers and growth rates, and formulas of them), annual lines (some grown by a drawn rate, some
in a window, some ramped), totals spread over a term, one-off amounts, shares of other lines, incomes,
fixed lines, optimism bias, risks of every kind (a year or over the horizon, one-off or recurring, in a
window), targets and rank correlations. The figures are invented, of a plausible size: a benchmark, not a
case to read figures from.

| file | uncertain inputs | lines an option | options | years | risks |
|---|---|---|---|---|---|
| small.yaml | 12 | 24 | 2 | 10 | 2 |
| medium.yaml | 30 | 60 | 2 | 30 | 6 |
| large.yaml | 60 | 120 | 3 | 50 | 24 |
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent / "sizes"
START = 2025


@dataclass(frozen=True)
class Size:
    name: str
    uncertain: int  # uncertain inputs, money.inflation among them
    lines: int  # lines an option
    options: int
    years: int
    risks: int  # in all, shared out between the options other than the baseline


SIZES = (
    Size("small", 12, 24, 2, 10, 2),
    Size("medium", 30, 60, 2, 30, 6),
    Size("large", 60, 120, 3, 50, 24),
)

# Multipliers about 1, each of a kind of distribution (cycled), and growth rates a year.
MULTIPLIERS = (
    {"triangular": {"low": 0.9, "mode": 1.0, "high": 1.15}},
    {"pert": {"low": 0.85, "mode": 1.0, "high": 1.25}},
    {"uniform": {"low": 0.95, "high": 1.08}},
    {"normal": {"mean": 1.0, "sd": 0.05}},
    {"lognormal": {"median": 1.0, "sigma": 0.1}},
)
GROWTHS = (
    {"triangular": {"low": 0.0, "mode": 0.01, "high": 0.025}},
    {"pert": {"low": 0.01, "mode": 0.02, "high": 0.035}},
    {"uniform": {"low": -0.01, "high": 0.02}},
)
OPTIONS = ("in_house", "outsource", "shared_service")
TITLES = ("In-house", "Outsourced", "Shared service")


def inputs(size: Size) -> tuple[dict[str, object], list[str], list[str]]:
    """The named inputs: drawn growth rates and multipliers (every uncertain input but inflation), and formulas
    of the multipliers; the names lines scale by (multipliers and formulas), and the growth rates' names."""
    growths = [f"growth_{k + 1}" for k in range(max(2, size.uncertain // 6))]
    drivers = [f"driver_{k + 1}" for k in range(size.uncertain - 1 - len(growths))]
    named: dict[str, object] = {}
    for k, name in enumerate(growths):
        named[name] = GROWTHS[k % len(GROWTHS)]
    for k, name in enumerate(drivers):
        named[name] = MULTIPLIERS[k % len(MULTIPLIERS)]
    formulas = []
    for k in range(len(drivers) // 3):  # a third as many formulas, each of two or three drivers
        a, b, c = drivers[k % len(drivers)], drivers[(k + 3) % len(drivers)], drivers[(k + 5) % len(drivers)]
        name = f"cost_{k + 1}"
        named[name] = (a + " * " + b, f"{a} * (0.7 + 0.3 * {b})", f"max(0.5, {a} * {b} - 0.2 * ({c} - 1))")[k % 3]
        formulas.append(name)
    return named, drivers + formulas, growths


def line(size: Size, option: int, j: int, scales: list[str], growths: list[str], uses: list[int]) -> dict[str, object]:
    """Line j of an option: its kind by j mod 10, its figures scaled by a named input (the next in turn)."""

    def scale() -> str:
        uses[0] += 1
        return scales[(uses[0] - 1) % len(scales)]

    def growth() -> str:
        uses[1] += 1
        return growths[(uses[1] - 1) % len(growths)]

    base = round(1.0 + ((7 * j + 3 * option) % 23) * 0.35, 2)  # £m a year, 1 to 8.7
    last = START + size.years - 1
    kind = j % 10
    name = f"Line {j + 1}"
    if kind in (0, 1, 2):
        found: dict[str, object] = {"name": name, "annual": f"{base} * {scale()}"}
        if kind != 2:
            found["growth"] = growth()
        if kind == 1:
            found["from"] = START + (j % max(1, size.years // 3))
        return found
    if kind == 3:
        return {"name": name, "annual": f"{base} * {scale()}", "growth": 0.01, "from": START + 1, "ramp": [0.5, 0.8]}
    if kind == 4:
        return {"name": name, "annual": f"{base} * {scale()}", "to": START + size.years // 2}
    if kind == 5:
        term = [START, min(last, START + 9)]
        return {"name": name, "total": f"{round(base * 10, 1)} * {scale()}", "term": term, "growth": 0.02}
    if kind == 6:
        return {"name": name, "once": START + j % min(3, size.years), "amount": f"{base} * {scale()}"}
    if kind == 7:
        return {"name": name, "share_of": f"Line {j - 6}", "rate": 0.04}  # a share of this ten's first line
    if kind == 8:
        return {"name": name, "annual": f"-{round(base / 4, 2)} * {scale()}", "growth": growth()}
    return {"name": name, "annual": base, "growth": 0.015}


def risk(size: Size, k: int, scales: list[str]) -> dict[str, object]:
    """Risk k: a one-off a year (most), one over the horizon, a recurring one, one in a window, by k mod 4."""
    found: dict[str, object] = {"name": f"Risk {k + 1}", "probability": 0.01 + (k % 5) * 0.01}
    kind = k % 4
    found["cost"] = (
        round(2.0 + (k % 7) * 1.5, 1) if kind != 0 else f"{round(2.0 + (k % 7) * 1.5, 1)} * {scales[k % len(scales)]}"
    )
    if kind == 1:
        found["per"] = "horizon"
        found["probability"] = 0.2
    elif kind == 2:
        found["recurring"] = True
        found["cost"] = 0.5
    elif kind == 3:
        found["from"] = START + 2
        found["to"] = START + min(size.years - 1, 8)
        found["recovered"] = 0.5
    return found


def scenario(size: Size) -> dict[str, object]:
    named, scales, growths = inputs(size)
    uses = [0, 0]
    options: dict[str, object] = {}
    for o in range(size.options):
        option: dict[str, object] = {
            "title": TITLES[o],
            "lines": [line(size, o, j, scales, growths, uses) for j in range(size.lines)],
        }
        if o > 0:
            option["optimism_bias"] = {"category": "outsourcing", "mitigated": 0.6}
            share = range(o - 1, size.risks, size.options - 1)
            option["risks"] = [risk(size, k, scales) for k in share]
        options[OPTIONS[o]] = option
    unused = [name for name in scales[uses[0] :] if name.startswith("driver_")]
    if unused:  # every drawn input feeds something: an unused one is a warning
        first: list[dict[str, object]] = options[OPTIONS[0]]["lines"]  # type: ignore[index, assignment]
        first.append({"name": "Other", "annual": " + ".join(f"0.1 * {name}" for name in unused)})
    return {
        "title": f"Benchmark, {size.name}: {size.uncertain} uncertain inputs, {size.lines} lines an option, "
        f"{size.options} options, {size.years} years, {size.risks} risks",
        "description": "Written by benchmarks/sizes.py for `make bench`; invented figures.",
        "sources": {"judgement": "Invented for the benchmark"},
        "inputs": named,
        "horizon": {"start": START, "years": size.years},
        "money": {"inflation": {"triangular": {"low": 0.01, "mode": 0.02, "high": 0.035}}},
        "targets": [
            {"name": "Early saving", "amount": 2, "by": START + 2},
            {"name": "Savings over the horizon", "amount": 10 * size.years, "measure": "cumulative"},
        ],
        "baseline": OPTIONS[0],
        "options": options,
        "uncertainty": {
            "seed": 16,
            "correlations": [
                {"between": ["driver_1", "driver_2"], "rank": 0.5},
                {"between": ["growth_1", "growth_2"], "rank": 0.3},
            ],
        },
    }


class _Plain(yaml.SafeDumper):
    """Writes a value as many times as it stands, without YAML's anchors and aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def text(size: Size) -> str:
    head = f"# Written by benchmarks/sizes.py (do not edit: change that and run it): the {size.name} benchmark case.\n"
    body = yaml.dump(scenario(size), Dumper=_Plain, sort_keys=False, width=120, default_flow_style=None)
    return head + body


def paths() -> dict[str, Path]:
    return {size.name: FOLDER / f"{size.name}.yaml" for size in SIZES}


def stale() -> list[Path]:
    """The files in benchmarks/sizes/ that are not what this script writes."""
    return [FOLDER / f"{s.name}.yaml" for s in SIZES if _read(FOLDER / f"{s.name}.yaml") != text(s)]


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for size in SIZES:
        (FOLDER / f"{size.name}.yaml").write_text(text(size))
        print(f"wrote {FOLDER / size.name}.yaml", file=sys.stderr)


if __name__ == "__main__":
    main()
