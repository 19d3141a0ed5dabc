"""`extends: other.yaml`: a scenario that starts from another and changes only what it lists.

Mappings merge key by key; lines, risks, targets, guarantees and changes merge by `name` (a line written with the
name of one in the parent changes only the keys it writes; `remove: true` drops it; a new name
adds a line); a named input written in `inputs` replaces the parent's of that name whole (its
value, source and note go together); any other value, lists included, replaces the parent's. `key: null` deletes a
key the parent wrote (to change a line from `annual` to `total`, say). Every merged value
keeps the position, and the file, it was written at, so errors point there.
"""

from __future__ import annotations

import hashlib
from pathlib import Path as FilePath
from typing import Any

from barnetmodel.errors import Path, ScenarioError, did_you_mean
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario.yaml_source import Source

NAMED_LISTS = {"lines", "risks", "targets", "guarantees", "changes"}
_REMOVED = object()


def resolve(file: str) -> tuple[Source, str]:
    """The scenario in `file` with everything it extends merged in, and a SHA-256 of every file read."""
    texts: list[str] = []
    source = _resolve(file, (), texts)
    return source, hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def _resolve(file: str, chain: tuple[FilePath, ...], texts: list[str]) -> Source:
    source = yaml_source.load(file)
    texts.append(source.text)
    data = source.data
    if not isinstance(data, dict) or "extends" not in data:
        return source
    parent_name = data["extends"]
    if not isinstance(parent_name, str) or not parent_name:
        raise ScenarioError([source.problem(("extends",), "should be the path of another scenario file")])
    here = FilePath(file).resolve()
    parent_file = FilePath(file).parent / parent_name
    if parent_file.resolve() in (*chain, here):
        names = " -> ".join(p.name for p in (*chain, here, parent_file.resolve()))
        raise ScenarioError([source.problem(("extends",), f"extends goes round in a circle: {names}")])
    if not parent_file.is_file():
        what = "is a directory" if parent_file.is_dir() else "no such file"
        raise ScenarioError([source.problem(("extends",), f"{what}: '{parent_file}'")])
    parent = _resolve(str(parent_file), (*chain, here), texts)
    return merge(parent, source)


def merge(parent: Source, child: Source) -> Source:
    """The child's data laid over the parent's, with each value's position and file."""
    out = Source(file=child.file, data=None, text=child.text)
    out.data = _merge(parent, (), child, (), out, ())
    out.data.pop("extends", None)
    return out


def _get(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _note(source: Source, path: Path, out: Source, at: Path) -> None:
    """Copy the position of `path` in `source` to `at` in `out`."""
    if path in source.values:
        out.values[at] = source.values[path]
        out.origins[at] = source.origins.get(path, source.file)
    if path in source.keys:
        out.keys[at] = source.keys[path]


def _copy(source: Source, path: Path, out: Source, at: Path) -> Any:
    value = _get(source.data, path)
    _note(source, path, out, at)
    if isinstance(value, dict):
        return {k: _copy(source, (*path, k), out, (*at, k)) for k in value}
    if isinstance(value, list):
        return [_copy(source, (*path, i), out, (*at, i)) for i in range(len(value))]
    return value


def _merge(parent: Source, p_path: Path | None, child: Source, c_path: Path | None, out: Source, at: Path) -> Any:
    """The merged value at `at`: from the child where it wrote one, else from the parent (None: not written)."""
    if c_path is None:
        assert p_path is not None
        return _copy(parent, p_path, out, at)
    c_value = _get(child.data, c_path)
    if p_path is None:
        return _copy(child, c_path, out, at)
    p_value = _get(parent.data, p_path)
    if c_value is None and at:
        return _REMOVED
    if len(at) == 2 and at[0] == "inputs":  # a figure and its source go together: replaced whole
        return _copy(child, c_path, out, at)
    if isinstance(p_value, dict) and isinstance(c_value, dict):
        _note(child, c_path, out, at)
        result = {}
        for key in [*p_value, *(k for k in c_value if k not in p_value)]:
            merged = _merge(
                parent,
                (*p_path, key) if key in p_value else None,
                child,
                (*c_path, key) if key in c_value else None,
                out,
                (*at, key),
            )
            if merged is not _REMOVED:
                result[key] = merged
        return result
    if isinstance(p_value, list) and isinstance(c_value, list) and at and at[-1] in NAMED_LISTS:
        return _merge_named(parent, p_path, child, c_path, out, at)
    return _copy(child, c_path, out, at)


def _merge_named(parent: Source, p_path: Path, child: Source, c_path: Path, out: Source, at: Path) -> list[Any]:
    """Items of a list merged by their `name`: changed, removed (`remove: true`) or added."""
    p_items, c_items = _get(parent.data, p_path), _get(child.data, c_path)
    _note(child, c_path, out, at)
    names = [item.get("name") if isinstance(item, dict) else None for item in p_items]
    by_name = {item["name"]: j for j, item in enumerate(c_items) if isinstance(item, dict) and "name" in item}
    result: list[Any] = []
    for i, name in enumerate(names):
        j = by_name.get(name) if name is not None else None
        if j is None:
            result.append(_copy(parent, (*p_path, i), out, (*at, len(result))))
        elif c_items[j].get("remove") is not True:
            merged = _merge(parent, (*p_path, i), child, (*c_path, j), out, (*at, len(result)))
            merged.pop("remove", None)
            result.append(merged)
    for j, item in enumerate(c_items):
        if isinstance(item, dict) and item.get("name") in names:
            continue
        if isinstance(item, dict) and item.get("remove") is True:
            hint = did_you_mean(item.get("name"), [n for n in names if isinstance(n, str)])
            raise ScenarioError(
                [child.problem((*c_path, j, "name"), f"there is no '{item.get('name')}' in the file extended{hint}")]
            )
        result.append(_copy(child, (*c_path, j), out, (*at, len(result))))
    return result
