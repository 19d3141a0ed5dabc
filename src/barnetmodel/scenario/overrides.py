"""Overrides: replace values of a scenario's data, by address, before it is validated.

`money.inflation` sets a key; `options.outsource.lines."Re new income".annual` or
`options.outsource.lines[2].annual` (or `.2.`) reaches a line by its name or its position.
The data is not changed: the result shares every part that the override does not touch.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, NoReturn, get_args, get_origin

from pydantic import BaseModel

from barnetmodel.errors import Path, Problem, did_you_mean, format_path
from barnetmodel.scenario.address import AddressError, Index, Part, format_address, format_choice, parse
from barnetmodel.scenario.yaml_source import Source


def apply_override(data: Any, address: str, value: Any) -> tuple[Any, Path]:
    """A copy of `data` with `value` at `address`, and the path (keys and positions) it was put at.

    The last part may name a key that is not there yet (validation then says whether it may
    be), except a named input: a new one would feed nothing, so it is a misspelt name. Every part
    before it must exist. Raises AddressError, which names what there is (MissingKey for a part before
    the last that a file may leave out, such as `uncertainty`).
    """
    parts = parse(address)
    path = _locate(data, parts)
    return _replaced(data, path, value), path


class DottedName(AddressError):
    """An address whose name holding a dot was split at it: the shell took away the double quotes around
    it. `address` is the address as it should be written."""

    def __init__(self, message: str, address: str):
        super().__init__(message)
        self.address = address


class MissingKey(AddressError):
    """A key missing before the last part of an address that the format has there (`uncertainty`, an option's
    `optimism_bias`), or a new name (an option's) unlike any the file has: a part the file leaves out, added by
    setting it whole. `example(leaf)` is what to set it to: the value (as written) in mappings of the parts
    after it."""

    def __init__(self, where: str, key: str, keys: str, section: list[Part], rest: list[Part]):
        self.where, self.key, self.keys = where, key, keys
        self.address = format_address(section)
        # Keys only: a position (`correlations[0]`) is of a list, which an example would have to make up.
        self.rest = [str(part) for part in rest] if all(isinstance(part, str) for part in rest) else None
        super().__init__(self.message(f"{self.address}: {self.example(None)}"))

    def example(self, leaf: str | None) -> str:
        """`{draws: 1000}` for `uncertainty.draws` and the leaf 1000; `...` in place of what cannot be shown."""
        if self.rest is None or leaf is None:
            return "..."
        for key in reversed(self.rest):
            leaf = f"{{{key if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)}: {leaf}}}"
        return leaf

    def message(self, setting: str) -> str:
        return f"{self.where} has no '{self.key}': to add it, set it whole, e.g. {setting}; or choose {self.keys}"


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]+")
# Text that can stand as it is inside a YAML flow mapping: a collection or a quoted scalar, or a plain scalar
# without the characters that end one there.
_FLOW_SAFE = re.compile(r"""[{\["'].*|[^,\[\]{}#:]+""", re.DOTALL)


def _leaf_text(text: str, value: Any) -> str:
    """A --set's value as written, to put inside a flow mapping: in double quotes when it is text that would
    not stand there as it is (`a, b`)."""
    if _FLOW_SAFE.fullmatch(text):
        return text
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else text


def _split_name(node: Any, parts: list[Part], i: int) -> None:
    """Raise DottedName when parts i, i+1, ... joined by dots name an item (or key) of `node`."""
    for end in range(i + 2, len(parts) + 1):
        words = parts[i:end]
        if not all(isinstance(word, str) for word in words):
            return
        name = ".".join(str(word) for word in words)
        found = name in node if isinstance(node, dict) else _item(node, name) is not None
        if found:
            fixed = format_address([*parts[:i], name, *parts[end:]])
            raise DottedName(
                f"{format_address(parts[:i]) or 'the top of the file'} has no {_show(parts[i])}; the name "
                f"'{name}' holds a dot, so write it in double quotes, and in a shell put single quotes around "
                "the whole setting so that it keeps them",
                fixed,
            )


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
                _split_name(node, parts, i)
                _missing(node, parts, i, tuple(path))
            if key not in node and path == ["inputs"]:
                # A new named input would feed nothing (no line names it), so the run would go on unchanged:
                # a misspelt name, which must not pass for a change (a test would check the file as it is).
                raise _no_input("inputs", part, node)
            path.append(key)
            node = node.get(key)
        elif isinstance(node, list):
            position = _item(node, part)
            if position is None:
                _split_name(node, parts, i)
                raise AddressError(f"{where} has no item {_show(part)}. Choose {_items(node)}")
            path.append(position)
            node = node[position]
        else:
            raise AddressError(f"{where} is a single value, with nothing inside it")
    return tuple(path)


def _missing(node: dict[Any, Any], parts: list[Part], i: int, path: Path) -> NoReturn:
    """Raise the error for a key of `node` at `path`, parts[i], that is not there and is not the last part: a
    key the format has there (`uncertainty`), or a new name (an option) unlike any the file has, is one the
    file leaves out, to be set whole (MissingKey); anything else is a misspelling."""
    part, where = str(parts[i]), format_address(parts[:i]) or "the top of the file"
    if (*path, part)[:1] == ("inputs",):
        raise _no_input(where, part, node)
    model, mapping, _ = _kinds(_format_at(path))
    allowed = list(_fields(model)) if model is not None else []
    near = did_you_mean(part, [key for key in [*map(str, node), *allowed] if key != part])
    inner = _fields(model).get(part) if model is not None else None if near else mapping
    if inner is not None:
        if any(kind is not None for kind in _kinds(inner)):
            raise MissingKey(where, part, _keys(node), parts[: i + 1], parts[i + 1 :])
        raise AddressError(f"{format_address(parts[: i + 1])} is a single value, with nothing inside it")
    raise AddressError(f"{where} has no '{part}'{near or '.'} Choose {_keys(node)}")


def _no_input(where: str, part: str, node: dict[Any, Any]) -> AddressError:
    return AddressError(
        f"{where} has no '{part}'{did_you_mean(part, map(str, node)) or '.'} Choose {_keys(node)} "
        "(an override changes an input the file has: a new one would feed nothing)"
    )


def _format_at(path: Path) -> Any:
    """What the scenario format has at `path` (an annotation), or None where it is not known."""
    from barnetmodel.scenario.models import Scenario

    annotation: Any = Scenario
    for part in path:
        model, mapping, items = _kinds(annotation)
        if isinstance(part, int):
            annotation = items
        elif model is not None and part in _fields(model):
            annotation = _fields(model)[part]
        else:
            annotation = mapping  # a name (an option's) or a year (of by_year)
        if annotation is None:
            return None
    return annotation


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's keys as a file writes them (`from`, not `from_`), each with its annotation."""
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _kinds(annotation: Any) -> tuple[type[BaseModel] | None, Any, Any]:
    """What an annotation (through Annotated, unions and Optional) may be: the model, the value type of a
    mapping of names, the item type of a list; None for each it may not be."""
    model = mapping = items = None
    pending = [annotation]
    while pending:
        each = pending.pop()
        origin = get_origin(each)
        if isinstance(each, type) and issubclass(each, BaseModel):
            model = model or each
        elif origin is dict:
            mapping = mapping or get_args(each)[1]
        elif origin is list:
            items = items or get_args(each)[0]
        elif origin is Annotated:
            pending.append(get_args(each)[0])
        else:
            pending.extend(get_args(each))
    return model, mapping, items


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
    raise AddressError(
        f"'{setting}': write --set ADDRESS=VALUE, e.g. --set money.inflation=0.025; in a shell, put single quotes "
        "around the whole setting when its address holds spaces or quotes, e.g. "
        "--set 'options.outsource.lines.Re new income.annual=0'"
    )


def apply_settings(source: Source, settings: list[str]) -> Source:
    """The source with each `--set address=value` applied, in order. A value is read as YAML
    (`400`, `nominal`, `{pert: {low: 1, mode: 2, high: 4}}`); problems in it are reported
    against the `--set` that wrote it."""
    from dataclasses import replace

    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.yaml_source import parse as parse_yaml

    for setting in settings:
        where = f"--set {setting}"
        try:
            address, text = split_setting(setting)
            if parse(address)[:1] == ["extends"]:
                raise AddressError("`extends` is read before any --set: write it in the file")
            read = parse_yaml(text, where, hints=False) if text else None  # one value: no lines to line up
            value = read.data if read else None
            data, path = apply_override(source.data, address, value)
        except DottedName as error:
            raise ScenarioError([Problem(where, f"{error}: --set '{error.address}={text}'")]) from None
        except MissingKey as error:
            example = error.example(_leaf_text(text, value) if text else "null")
            raise ScenarioError([Problem(where, error.message(f"--set '{error.address}={example}'"))]) from None
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
            # What the file wrote there is gone; the setting's own, under its path.
            words={**kept(source.words), **{(*path, *p): word for p, word in (read.words if read else {}).items()}},
            cut_by_comma={p for p in source.cut_by_comma if p[: len(path)] != path}
            | {(*path, *p) for p in (read.cut_by_comma if read else ())},
        )
    return source


def settings_named(problems: list[Problem], source: Source) -> list[Problem]:
    """Each problem with a part a --set wrote inside it (a line given a second amount) with that --set named: the
    problem is put at the file's line, which the file alone does not have wrong."""
    settings = {path: where for path, where in source.origins.items() if where.startswith("--set ")}
    named = []
    for problem in problems:
        at = problem.path
        inside = [
            (path, where) for path, where in settings.items() if at and len(path) > len(at) and path[: len(at)] == at
        ]
        if inside and not problem.file.startswith("--set "):
            written = "; ".join(f"{format_path(path[len(at) :])} set by {where}" for path, where in inside)
            problem = dataclasses.replace(problem, message=f"{problem.message} ({written})")
        named.append(problem)
    return named


DISTRIBUTIONS = {"triangular", "pert", "uniform", "normal", "lognormal", "choice"}


def _inputs(node: Any, named: Path = (), at: Path = ()) -> Iterator[tuple[str, Path, Any]]:
    """Every value of a scenario's data: (its name, as uncertain inputs are named; where it is; the value).
    Lines, risks and targets are named by their names; a distribution is one value."""
    if isinstance(node, dict) and not (len(node) == 1 and next(iter(node)) in DISTRIBUTIONS):
        for key, value in node.items():
            yield from _inputs(value, (*named, str(key)), (*at, key))
    elif isinstance(node, list):
        for position, item in enumerate(node):
            name = item.get("name") if isinstance(item, dict) else None
            yield from _inputs(item, (*named, name if isinstance(name, str) else position), (*at, position))
    else:
        yield format_path(named), at, node


def unlink_fixed_inputs(source: Source) -> tuple[Source, list[str]]:
    """The source without the correlations of an input a --set made a fixed number (a correlation needs
    two uncertain inputs), and a note for each one left out, naming the --set."""
    from dataclasses import replace

    data = source.data
    uncertainty = data.get("uncertainty") if isinstance(data, dict) else None
    if not isinstance(uncertainty, dict) or not isinstance(uncertainty.get("correlations"), list):
        return source, []
    correlations = uncertainty["correlations"]
    settings = {path: where for path, where in source.origins.items() if where.startswith("--set ")}
    inputs = {name: (at, value) for name, at, value in _inputs(data)}
    named = data.get("inputs")
    for key, item in named.items() if isinstance(named, dict) else ():
        # A named input, as a correlation names it: by its name, or its path; its value in either form.
        long_form = isinstance(item, dict) and "value" in item
        where = (("inputs", key, "value"), item["value"]) if long_form else (("inputs", key), item)
        inputs[str(key)] = inputs[f"inputs.{key}"] = where
    kept: list[Any] = []
    notes: list[str] = []
    moved: dict[Path, Path] = {}
    base: Path = ("uncertainty", "correlations")
    for index, correlation in enumerate(correlations):
        between = correlation.get("between") if isinstance(correlation, dict) else None
        names = [n for n in between if isinstance(n, str)] if isinstance(between, list) else []
        fixed = []
        for name in names:
            at, value = inputs.get(name, ((), None))
            setting = next((where for path, where in settings.items() if at[: len(path)] == path and at), None)
            if setting is not None and not isinstance(value, dict):
                fixed.append((name, setting))
        if not fixed:
            moved[(*base, index)] = (*base, len(kept))
            kept.append(correlation)
            continue
        for name, setting in fixed:
            other = " and ".join(n for n in names if n != name) or "itself"
            notes.append(f"{setting}: note: {name} is now a fixed number, so its correlation with {other} is left out")
    if not notes:
        return source, []

    def renumbered(table: dict[Path, Any]) -> dict[Path, Any]:
        """Positions of the correlations kept, under their new numbers; those left out, gone."""
        out = {}
        for path, value in table.items():
            head = path[:3]
            if path[:2] != base or len(path) < 3:
                out[path] = value
            elif head in moved:
                out[(*moved[head], *path[3:])] = value
        return out

    data = {**data, "uncertainty": {**uncertainty, "correlations": kept}}
    return (
        replace(
            source,
            data=data,
            values=renumbered(source.values),
            keys=renumbered(source.keys),
            origins=renumbered(source.origins),
            spans=renumbered(source.spans),
        ),
        notes,
    )
