"""Shell completion of values that come from the scenario being typed: the addresses `--set` may change
and the options `--option` may compare. Run only when the shell asks; like every command module it imports
only typer at module level, so start-up stays quick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

# The parameters of the commands that name scenario files, the first of which completion reads.
FILE_PARAMETERS = ("scenario", "scenarios", "files")
# Keys that name or describe rather than model: not offered to --set.
PROSE = (".name", ".note", ".description")


def _data(ctx: typer.Context) -> Any:
    """The data of the first scenario file given before the word being completed (with any file it
    extends), or None when there is none or it cannot be read."""
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.extends import resolve

    given = [ctx.params.get(name) for name in FILE_PARAMETERS]
    files = [f for g in given for f in (g if isinstance(g, (list, tuple)) else [g]) if isinstance(f, str)]
    # While an option's value is being completed, the words before it are not yet parameters: still in args.
    files += [word for word in ctx.args if not word.startswith("-")]
    if not files:
        return None
    try:
        return resolve(files[0])[0].data
    except (ScenarioError, OSError):
        return None


def addresses(data: Any) -> Iterator[str]:
    """The address of every value in a scenario's data: lines, risks and targets by name, a distribution
    as one value (its whole), other lists by position."""
    from barnetmodel.scenario.address import Index, Part, format_address

    distributions = {"triangular", "pert", "uniform", "normal", "lognormal", "choice"}

    def walk(node: Any, parts: list[Part]) -> Iterator[str]:
        if isinstance(node, dict) and not (len(node) == 1 and next(iter(node)) in distributions):
            for key, value in node.items():
                yield from walk(value, [*parts, str(key)])
        elif isinstance(node, list) and node and all(isinstance(item, (dict, list)) for item in node):
            for position, item in enumerate(node):
                name = item.get("name") if isinstance(item, dict) else None
                yield from walk(item, [*parts, name if isinstance(name, str) else Index(position)])
        elif parts:
            yield format_address(parts)

    return walk(data, [])


def settings(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--set`: the scenario's addresses that start with what is typed, each followed by '='."""
    data = _data(ctx)
    if data is None:
        return []
    found = [address for address in addresses(data) if address.startswith(incomplete)]
    return [_shown(f"{address}=") for address in found if not address.endswith(PROSE)]


def options(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--option`: the scenario's options other than its baseline."""
    data = _data(ctx)
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict):
        return []
    baseline = data.get("baseline")
    return [_shown(str(name)) for name in data["options"] if name != baseline and str(name).startswith(incomplete)]


def _shown(word: str) -> str:
    """A word offered as the shell lists it: a bidirectional formatting character (U+202E) in a name would
    reorder what the list shows, so it is an escape (\\u202e), seen and not obeyed, as everywhere text is shown."""
    from barnetmodel.errors import printable

    return printable(word, one_line=True)
