"""Scenario comparisons as tables, Markdown and CSV."""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import Any

from rich.text import Text

from barnetmodel.output.views import View, money


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in {"share", "probability"}:
        return f"{value:.1%}"
    return money(value)


def _difference(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in {"share", "probability"}:
        return f"{value * 100:+.1f} pts"
    return f"{value:+,.1f}"


def column_names(result: dict[str, Any], suffix: bool = False) -> list[str]:
    """A name for each file's column, each different: the file as the result tells it apart (`a/s.yaml`,
    `b/s.yaml`), without its suffix unless `suffix` or that is what tells it apart (`s.yaml`, `s.yml`); a file
    given more than once, also by its place among the files (`s (file 2)`)."""
    files = [s["file"] for s in result["scenarios"]]
    stems = [PurePosixPath(file).with_suffix("").as_posix() for file in files]
    pairs = list(zip(files, stems, strict=True))
    shown = [file if suffix or len({f for f, s in pairs if s == stem}) > 1 else stem for file, stem in pairs]
    return [f"{name} (file {i})" if shown.count(name) > 1 else name for i, name in enumerate(shown, 1)]


def different_prices(result: dict[str, Any]) -> bool:
    """Whether the files' present values are in different prices, and so not subtracted."""
    return len({s["price_base"] for s in result["scenarios"]}) > 1


def _prices(result: dict[str, Any], names: list[str]) -> str:
    bases = [s["price_base"] for s in result["scenarios"]]
    if not different_prices(result):
        return f"in {bases[0]} prices"
    each = ", ".join(f"{name} {base}" for name, base in zip(names, bases, strict=True))
    return f"in each file's prices ({each}): those in prices other than the first file's are not subtracted ('-')"


def _central(result: dict[str, Any], names: list[str]) -> str:
    """What the costs, savings and shares are: the central run's, and, with draws, which rows are the draws'."""
    central = "Costs, savings and shares met not marked 'of draws' are the central run's (every input at its mean)."
    draws = [s["draws"] for s in result["scenarios"]]
    if not any(draws):
        return central
    if len(set(draws)) == 1:
        over = f"{draws[0]:,} draws"
    else:
        over = "; ".join(f"{name}: {n:,}" if n else f"{name}: none" for name, n in zip(names, draws, strict=True))
    return (
        f"{central} 'Of draws': over the Monte Carlo draws ({over}); their mean differs from the central figure "
        "where a cap, a floor, a guarantee, a risk or a compounded rate makes the model non-linear."
    )


def views(result: dict[str, Any]) -> list[View]:
    names = column_names(result)
    first = names[0]
    money_unit = next((f["unit"] for f in result["figures"] if f["unit"] not in {"share", "probability"}), "")
    figures = View(
        "Key figures",
        ["Figure", *names, *(f"{n}\nminus {first}" for n in names[1:])],
        [
            [
                f["label"],
                *(_value(v, f["unit"]) for v in f["values"]),
                *(_difference(d, f["unit"]) for d in f["differences"]),
            ]
            for f in result["figures"]
        ],
        note=f"Money: {money_unit.split(',')[0]}; cost and saving PV are present values {_prices(result, names)}; "
        f"shares and probabilities in %. {_central(result, names)}"
        + (" '-': not in that scenario." if any(v is None for f in result["figures"] for v in f["values"]) else ""),
    )
    differ = result["inputs_that_differ"]
    inputs = View(
        "Inputs that differ",
        ["Input", *names],
        [[row["name"], *("-" if v is None else v for v in row["values"])] for row in differ],
        note="'-': not in that scenario. Descriptions, notes and sources are left out.",
        wrap_all=True,
    )
    if not differ:  # an empty table's header alone reads as a table that failed to fill
        inputs = View("Inputs that differ", ["Input"], [["none: every input is the same in every file"]])
    return [figures, inputs]


def render_markdown(result: dict[str, Any]) -> str:
    from barnetmodel.output.markdown_out import code, table, text

    files = column_names(result, suffix=True)
    titles = [f"- {code(file)}: {text(s['title'])}" for file, s in zip(files, result["scenarios"], strict=True)]
    out = ["# Comparison", "", *titles, ""]
    for view in views(result):
        out += table(view)
    return "\n".join(out)


def render_csv(result: dict[str, Any]) -> str:
    from barnetmodel.output.csv_out import writer

    out = io.StringIO()
    write = writer(out)
    files = column_names(result, suffix=True)
    write(["figure", "unit", *files, *(f"{f} minus {files[0]}" for f in files[1:])])
    for f in result["figures"]:
        write([f["key"], f["unit"], *f["values"], *f["differences"]])
    return out.getvalue()


def show(result: dict[str, Any], console: Any) -> None:
    from barnetmodel.output.table_out import print_view
    from barnetmodel.output.views import terminal_safe

    result = terminal_safe(result)
    for file, s in zip(column_names(result, suffix=True), result["scenarios"], strict=True):
        console.print(Text.assemble((file, "bold"), f": {s['title']}"))
    for view in views(result):
        console.print()
        print_view(console, view)
