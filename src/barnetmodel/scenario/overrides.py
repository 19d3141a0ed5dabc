"""Overrides: replace values of a scenario's data, by address, before it is validated.

`money.inflation` sets a key; `options.outsource.lines."Re new income".annual` or
`options.outsource.lines[2].annual` (or `.2.`) reaches a line by its name or its position.
The data is not changed: the result shares every part that the override does not touch.
"""

from __future__ import annotations

from typing import Any

from barnetmodel.errors import Path, did_you_mean
from barnetmodel.scenario.address import AddressError, Index, Part, format_address, format_choice, parse
from barnetmodel.scenario.yaml_source import Source


def apply_override(data: Any, address: str, value: Any) -> tuple[Any, Path]:
    """A copy of `data` with `value` at `address`, and the path (keys and positions) it was put at.

    The last part may name a key that is not there yet (validation then says whether it may
    be); every part before it must exist. Raises AddressError, which names what there is.
    """
    parts = parse(address)
    path = _locate(data, parts)
    return _replaced(data, path, value), path


def _locate(data: Any, parts: list[Part]) -> Path:
    path: list[str | int] = []
    node = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = format_address(parts[:i]) or "the top of the file"
        if isinstance(node, dict):
            if isinstance(part, Index):
                raise AddressError(f"{where} is a mapping, not a list. Choose {_keys(node)}")
            key: str | int = part
            if part not in node and part.isdigit() and any(isinstance(k, int) for k in node):
                key = int(part)  # a year of a mapping of years to amounts: by_year.2014
            if key not in node and not last:
                raise AddressError(
                    f"{where} has no '{part}'{did_you_mean(part, map(str, node)) or '.'} Choose {_keys(node)}"
                )
            path.append(key)
            node = node.get(key)
        elif isinstance(node, list):
            position = _item(node, part)
            if position is None:
                raise AddressError(f"{where} has no item {_show(part)}. Choose {_items(node)}")
            path.append(position)
            node = node[position]
        else:
            raise AddressError(f"{where} is a single value, with nothing inside it")
    return tuple(path)


def _item(items: list[Any], part: Part) -> int | None:
    """The position of the item `part` names: `[n]`, an item's `name`, or a bare position."""
    if isinstance(part, Index):
        return part.position if part.position < len(items) else None
    for position, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return position
    if part.isdigit() and int(part) < len(items):
        return int(part)
    return None


def _replaced(node: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replaced(node.get(head), rest, value)}
    copy = list(node)
    copy[head] = _replaced(node[head], rest, value)  # type: ignore[index]
    return copy


def _show(part: Part) -> str:
    return f"[{part.position}]" if isinstance(part, Index) else f"'{part}'"


def _keys(node: dict[Any, Any]) -> str:
    return "one of its keys: " + ", ".join(format_choice(str(k)) for k in node) if node else "nothing: it is empty"


def _items(items: list[Any]) -> str:
    if not items:
        return "nothing: the list is empty"
    names = [item["name"] for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)]
    positions = f"[0] to [{len(items) - 1}]" if len(items) > 1 else "[0]"
    if names:
        return "a name (" + ", ".join(format_choice(n) for n in names) + f") or a position, {positions}"
    return f"a position, {positions}"


def split_setting(setting: str) -> tuple[str, str]:
    """`address=value` -> (address, value text); the first `=` outside double quotes splits them."""
    quoted = False
    for i, char in enumerate(setting):
        if char == '"':
            quoted = not quoted
        elif char == "=" and not quoted:
            return setting[:i].strip(), setting[i + 1 :].strip()
    raise AddressError(f"'{setting}': write --set ADDRESS=VALUE, e.g. --set money.inflation=0.025")


def apply_settings(source: Source, settings: list[str]) -> Source:
    """The source with each `--set address=value` applied, in order. A value is read as YAML
    (`400`, `nominal`, `{pert: {low: 1, mode: 2, high: 4}}`); problems in it are reported
    against the `--set` that wrote it."""
    from dataclasses import replace

    from barnetmodel.errors import Problem, ScenarioError
    from barnetmodel.scenario.yaml_source import parse as parse_yaml

    for setting in settings:
        where = f"--set {setting}"
        try:
            address, text = split_setting(setting)
            if parse(address)[:1] == ["extends"]:
                raise AddressError("`extends` is read before any --set: write it in the file")
            value = parse_yaml(text, where).data if text else None
            data, path = apply_override(source.data, address, value)
        except AddressError as error:
            raise ScenarioError([Problem(where, str(error))]) from None
        except ScenarioError as error:  # the value is not valid YAML
            raise ScenarioError([Problem(where, p.message) for p in error.problems]) from None

        def kept(table: dict[Path, Any], path: Path = path) -> dict[Path, Any]:
            return {p: v for p, v in table.items() if p[: len(path)] != path}

        source = replace(
            source,
            data=data,
            values={**kept(source.values), path: (0, 0)},  # a setting has no line: errors name the --set
            keys=kept(source.keys),
            origins={**kept(source.origins), path: where},
        )
    return source
