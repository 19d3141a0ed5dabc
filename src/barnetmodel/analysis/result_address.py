"""Find one figure in the results of `run` (its JSON) by a readable address.

- A key of a mapping: `horizon.end`, `money.price_base`.
- An option, a line or a target by its name: `options.outsource.total_saving.present_value`,
  `options.outsource.lines."Re new income".nominal.2013`, `targets."Savings needed before 2015"`.
- A target's result for one option, by the option's name: `targets."Savings needed before
  2015".outsource.share_met` (short for `... .results.outsource.share_met`).
- A year of a year-by-year list, by the year: `options.outsource.yearly.saving_nominal.2014`.
- Any list item by position: `options[1]`, `yearly.saving_nominal[0]`.
"""

from __future__ import annotations

from typing import Any

from barnetmodel.errors import did_you_mean
from barnetmodel.scenario.address import AddressError, Index, Part, format_address, format_choice, parse

# The key that names the items of each list of records in the results.
NAMED_BY = ("name", "option")


def resolve(results: dict[str, Any], address: str) -> Any:
    """The value at `address`: a number, true/false, text or null. Raises AddressError naming what exists."""
    parts = parse(address)
    years = [int(y) for y in results.get("years", [])]
    node: Any = results
    for i, part in enumerate(parts):
        where = format_address(parts[:i]) or "the results"
        if isinstance(node, dict):
            node = _in_mapping(node, part, where)
        elif isinstance(node, list):
            node = _in_list(node, part, where, years)
        else:
            raise AddressError(f"{where} is a single value ({node!r}), with nothing inside it")
    if isinstance(node, dict):
        raise AddressError(f"{format_address(parts)} is a mapping, not one figure. Add {_choices(node, years)}")
    if isinstance(node, list):
        raise AddressError(f"{format_address(parts)} is a list, not one figure. Add {_choices(node, years)}")
    return node


def _in_mapping(node: dict[str, Any], part: Part, where: str) -> Any:
    if isinstance(part, str) and part in node:
        return node[part]
    # A target's results are addressed by option straight under the target.
    results = node.get("results")
    if isinstance(part, str) and isinstance(results, list):
        found = _named(results, part)
        if found is not None:
            return found
    names = list(node) + _names(results if isinstance(results, list) else [])
    raise AddressError(f"{_has(where)} no {_show(part)}{did_you_mean(part, names) or '.'} Choose {_choices(node, [])}")


def _in_list(node: list[Any], part: Part, where: str, years: list[int]) -> Any:
    if isinstance(part, Index):
        if part.position < len(node):
            return node[part.position]
    elif _names(node):
        found = _named(node, part)
        if found is not None:
            return found
        if part.isdigit() and int(part) < len(node):
            return node[int(part)]
    elif part.isdigit() and len(node) == len(years) and int(part) in years:
        return node[years.index(int(part))]
    hint = did_you_mean(part, _names(node)) if isinstance(part, str) else ""
    raise AddressError(f"{_has(where)} no {_show(part)}{hint or '.'} Choose {_choices(node, years)}")


def _has(where: str) -> str:
    """`options has`, but `the results have`."""
    return f"{where} have" if where == "the results" else f"{where} has"


def _named(items: list[Any], name: str) -> Any:
    for item in items:
        if isinstance(item, dict) and any(item.get(key) == name for key in NAMED_BY):
            return item
    return None


def _names(items: list[Any]) -> list[str]:
    """The names of a list of records (options, lines, targets, a target's results)."""
    names = []
    for item in items:
        if isinstance(item, dict):
            name = next((item[key] for key in NAMED_BY if isinstance(item.get(key), str)), None)
            if name is not None:
                names.append(name)
    return names


def _choices(node: dict[str, Any] | list[Any], years: list[int]) -> str:
    """What can follow, in words: keys, names, years or positions."""
    if isinstance(node, dict):
        keys = list(node)
        results = node.get("results")
        if isinstance(results, list) and _names(results):
            keys += [f"{format_choice(name)} (its result)" for name in _names(results)]
        return "one of its keys: " + ", ".join(format_choice(k) for k in keys) if keys else "nothing: it is empty"
    if not node:
        return "nothing: the list is empty"
    positions = f"[0] to [{len(node) - 1}]" if len(node) > 1 else "[0]"
    names = _names(node)
    if names:
        return "a name (" + ", ".join(format_choice(n) for n in names) + f") or a position, {positions}"
    if years and len(node) == len(years):
        return f"a year, {years[0]} to {years[-1]}, or a position, {positions}"
    return f"a position, {positions}"


def _show(part: Part) -> str:
    return f"[{part.position}]" if isinstance(part, Index) else f"'{part}'"
