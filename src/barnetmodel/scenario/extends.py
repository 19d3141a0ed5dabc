"""`extends: other.yaml`: a scenario that starts from another and changes only what it lists.

Mappings merge key by key; lines, risks, targets, guarantees and changes merge by `name` (a line written with the
name of one in the parent changes only the keys it writes; `remove: true` drops it; a new name
adds a line); a named input written in `inputs` replaces the parent's of that name whole (its
value, source and note go together); any other value, lists included, replaces the parent's. `key: null` deletes a
key the parent wrote (to change a line from `annual` to `total`, say). Every merged value
keeps the position, and the file, it was written at, so errors point there.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path as FilePath
from typing import Any

from barnetmodel import limits
from barnetmodel.errors import Path, Problem, ScenarioError, did_you_mean
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario.yaml_source import Source

NAMED_LISTS = {"lines", "risks", "targets", "guarantees", "changes"}
_REMOVED = object()
# Files in one chain, the first included: real chains have two or three; a longer one is a mistake or an attack.
MAX_CHAIN = limits.MAX_CHAIN
ALLOW_OUTSIDE = "--allow-extends-outside"


def resolve(file: str, *, allow_outside: bool = False) -> tuple[Source, str]:
    """The scenario in `file` with everything it extends merged in, and a SHA-256 of every file read.

    Each file extended must be under the folder of `file` (subfolders too; links followed), unless
    `allow_outside`; a file that is not a scenario is refused without a word of it shown; a chain holds
    at most MAX_CHAIN files and, all of them together, yaml_source.MAX_NODES values."""
    folder = os.path.realpath(os.path.dirname(file) or ".")
    chain = [yaml_source.load(file)]  # the file given first, then the file each extends
    real = [os.path.realpath(file)]
    values = chain[0].size
    while isinstance(chain[-1].data, dict) and "extends" in chain[-1].data:
        child = chain[-1]
        parent_file = _parent_of(child, file, real, folder, allow_outside)
        parent = yaml_source.load(parent_file)
        values += parent.size
        if values > yaml_source.MAX_NODES:
            message = f"the files of this chain hold over {yaml_source.MAX_NODES:,} values together"
            raise ScenarioError([child.problem(("extends",), message)])
        if not looks_like_a_scenario(parent.data):
            name = child.data["extends"]
            message = f"'{name}' is not a scenario file (none of its keys is a scenario's); nothing of it is shown"
            raise ScenarioError([child.problem(("extends",), message)])
        chain.append(parent)
        real.append(os.path.realpath(parent_file))
    merged = chain[-1]
    for child in reversed(chain[:-1]):
        merged = merge(merged, child)
    texts = [source.text for source in chain]
    return merged, hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def _parent_of(child: Source, start: str, real: list[str], folder: str, allow_outside: bool) -> str:
    """The file `child` extends, checked: a path, not a circle, within the limit and the folder, a file."""
    name = child.data["extends"]
    if not isinstance(name, str) or not name:
        raise ScenarioError([child.problem(("extends",), "should be the path of another scenario file")])
    parent_file = os.path.join(os.path.dirname(child.file), name)
    target = os.path.realpath(parent_file)
    if target in real:
        names = " -> ".join(FilePath(p).name for p in (*real, target))
        raise ScenarioError([child.problem(("extends",), f"extends goes round in a circle: {names}")])
    if len(real) >= MAX_CHAIN:
        message = f"a chain of extends is limited to {MAX_CHAIN} files; this file is the {MAX_CHAIN}th"
        raise ScenarioError([child.problem(("extends",), message)])
    if not allow_outside and os.path.commonpath([folder, target]) != folder:
        message = (
            f"'{name}' is outside the folder of {start} ({folder}); a scenario extends files "
            f"in its own folder or below it ({ALLOW_OUTSIDE} allows others)"
        )
        raise ScenarioError([child.problem(("extends",), message)])
    try:
        mode = os.stat(parent_file).st_mode
    except FileNotFoundError:
        raise ScenarioError([child.problem(("extends",), f"no such file: '{parent_file}'")]) from None
    except OSError as error:
        reason = "the links go round in a circle" if error.errno == errno.ELOOP else error.strerror or str(error)
        raise ScenarioError([child.problem(("extends",), f"'{name}': {reason}")]) from None
    if stat.S_ISDIR(mode):
        raise ScenarioError([child.problem(("extends",), f"is a directory: '{parent_file}'")])
    if not stat.S_ISREG(mode):
        kind = next((what for test, what in yaml_source.NOT_A_FILE if test(mode)), "not a regular file")
        raise ScenarioError([child.problem(("extends",), f"'{name}' is {kind}, not a file")])
    return parent_file


def looks_like_a_scenario(data: object) -> bool:
    """A mapping with at least one key a scenario has, or one close to it (a misspelt `titel` is a scenario
    with a mistake): anything else (a list, a password file read as YAML) is not a scenario, and its
    content is never quoted back in an error message, which CI logs publish."""
    from barnetmodel.errors import closest
    from barnetmodel.scenario.models import Scenario

    if not isinstance(data, dict):
        return False
    known = [field.alias or name for name, field in Scenario.model_fields.items()]
    return any(isinstance(key, str) and (key in known or closest(key, known)) for key in data)


def merge(parent: Source, child: Source) -> Source:
    """The child's data laid over the parent's, with each value's position and file."""
    out = Source(file=child.file, data=None, text=child.text, merge_warnings=list(parent.merge_warnings))
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
    if path in source.cut_by_comma:
        out.cut_by_comma.add(at)
    if path in source.words:
        out.words[at] = source.words[path]


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
    # Lists of named items (a guarantee's `lines`, a list of names, is replaced like any other value).
    named = isinstance(p_value, list) and isinstance(c_value, list) and not any(isinstance(i, str) for i in p_value)
    if named and at and at[-1] in NAMED_LISTS:
        return _merge_named(parent, p_path, child, c_path, out, at)
    return _copy(child, c_path, out, at)


def _merge_named(parent: Source, p_path: Path, child: Source, c_path: Path, out: Source, at: Path) -> list[Any]:
    """Items of a list merged by their `name`: changed, removed (`remove: true`) or added."""
    p_items, c_items = _get(parent.data, p_path), _get(child.data, c_path)
    _note(child, c_path, out, at)
    # Matched by text names only, through a dict and a set: a name of another type matches nothing (validation
    # refuses it), and a list of thousands of lines merges in one pass.
    names = [_name(item) for item in p_items]
    known = {name for name in names if name is not None}
    by_name = {name: j for j, item in enumerate(c_items) if (name := _name(item)) is not None}
    result: list[Any] = []
    for i, name in enumerate(names):
        j = by_name.get(name) if name is not None else None
        if j is None:
            result.append(_copy(parent, (*p_path, i), out, (*at, len(result))))
        elif c_items[j].get("remove") is not True:
            merged = _merge(parent, (*p_path, i), child, (*c_path, j), out, (*at, len(result)))
            merged.pop("remove", None)
            result.append(merged)
    removed = {_name(item) for item in c_items if isinstance(item, dict) and item.get("remove") is True}
    slips: _Slips | None = None  # the parent's names, kept (not removed), for a new name's one-letter slip
    for j, item in enumerate(c_items):
        if _name(item) in known:
            continue
        if isinstance(item, dict) and item.get("remove") is True:
            if item.get("name") is None:  # not a missing name to look for: say which item is meant
                message = "`remove: true` needs a `name`: the name of the item to remove"
                raise ScenarioError([child.problem((*c_path, j), message)])
            if not isinstance(name := item["name"], str):
                shown = str(name).lower() if isinstance(name, bool) else repr(name)
                message = f"should be text, not {shown}: the name of the item to remove"
                raise ScenarioError([child.problem((*c_path, j, "name"), message)])
            hint = did_you_mean(item.get("name"), sorted(known))
            raise ScenarioError(
                [child.problem((*c_path, j, "name"), f"there is no '{item.get('name')}' in the file extended{hint}")]
            )
        name = _name(item)
        if name is not None:
            slips = slips or _Slips(n for n in names if n is not None and n not in removed)
            near = slips.near(name)
            if near is not None:  # where it is written: a later file may change the item, not write it
                written = child.problem((*c_path, j, "name"), "")
                out.merge_warnings.append((at, name, near, (written.file, written.line, written.column)))
        result.append(_copy(child, (*c_path, j), out, (*at, len(result))))
    return result


class _Slips:
    """Names, and what a one-letter slip of each looks like: the same but for case and spaces, or one letter
    added, dropped or changed in a run of 4 letters or more, or a space added or dropped (not a digit, nor a
    letter of a code or short word: 'Phase 1' and 'Phase 2', 'Lot A' and 'Lot B', 'Phase I' and 'Phase II' are
    two things; _less_one). Names of SHORTEST to LONGEST characters only: shorter ones differ by a letter too
    often to mean a slip, longer ones would cost their length squared. Found through dicts of the names with one
    letter deleted (the 'symmetric delete' of spelling checkers), one look-up a new name, not name against
    name."""

    SHORTEST = 8
    LONGEST = 100
    # A list of more names than this is matched whole only (case and spaces): its one-letter index would cost
    # a second down a chain of files that each add a name (real lists hold tens of lines).
    MOST = 1000

    def __init__(self, names: Iterable[str]):
        self.whole: dict[str, str] = {}  # squashed name -> name
        self.less: dict[tuple[str, int], str] = {}  # (squashed name less the letter at i, i) -> name
        for name in names:
            self.whole.setdefault(_squashed(name), name)
        if len(self.whole) > self.MOST:
            return
        for squashed, name in self.whole.items():
            if self.SHORTEST <= len(squashed) <= self.LONGEST:
                for less, i in _less_one(squashed):
                    self.less.setdefault((less, i), name)

    def near(self, name: str) -> str | None:
        """The name `name` is a slip of, if any."""
        squashed = _squashed(name)
        if squashed in self.whole:  # the same but for case and spaces
            return self.whole[squashed]
        if not self.less or not self.SHORTEST <= len(squashed) <= self.LONGEST:
            return None
        if (found := self._dropped(squashed)) is not None:
            return found
        for less, i in _less_one(squashed):
            found = self.whole.get(less) if len(less) >= self.SHORTEST else None  # a letter added
            found = found or self.less.get((less, i))  # a letter changed: the same but at i
            if found is not None:
                return found
        return None

    def _dropped(self, squashed: str) -> str | None:
        """The name `squashed` is with a letter dropped: one whose deletion at some place gives it."""
        for i in range(len(squashed) + 1):
            found = self.less.get((squashed, i))
            if found is not None:
                return found
        return None


def _squashed(name: str) -> str:
    return " ".join(name.lower().split())


def _less_one(text: str) -> Iterator[tuple[str, int]]:
    """(`text` with the character at i deleted, i), for each letter in a run of 4 letters or more (not a digit,
    nor a letter of a short word or code: 'Lot A', 'Block 101B', 'Phase II'), and each space ('gain share' and
    'gainshare')."""
    i = 0
    while i < len(text):
        if text[i] == " ":
            yield text[:i] + text[i + 1 :], i
        end = i
        while end < len(text) and text[end].isalpha():
            end += 1
        if end - i >= 4:  # a run of letters long enough to be a word
            for j in range(i, end):
                yield text[:j] + text[j + 1 :], j
        i = max(end, i + 1)


def near_names(source: Source) -> list[Problem]:
    """A warning for each item an `extends` added whose name is a slip of another's in the same list, judged on
    the data as it ends up (after the whole chain and any --set: an item removed, or renamed, after it was
    added, or the list a --set replaced, is not warned of), placed where the slip was written."""
    found: dict[tuple[Path, str], Problem] = {}
    lists: dict[Path, dict[str | None, int]] = {}  # list -> each name's first place in it
    for at, name, near, (file, line, column) in source.merge_warnings:
        if at not in lists:
            try:
                items = _get(source.data, at)
            except (KeyError, IndexError, TypeError):  # a --set replaced what held the list
                items = None
            named = [_name(item) for item in items] if isinstance(items, list) else []
            lists[at] = {n: i for i, n in reversed(list(enumerate(named)))}
        places = lists[at]
        if name not in places or near not in places or (at, name) in found:
            continue
        path = (*at, places[name], "name")
        if any(source.origins.get(path[:end], "").startswith("--set ") for end in range(1, len(path) + 1)):
            continue  # written by a --set (the item, or a list or mapping holding it), not by a file
        message = (
            f"warning: '{name}' is a new item, added beside '{near}' of the file extended: a name written as "
            f"the parent has it changes that item; did you mean '{near}'?"
        )
        found[(at, name)] = Problem(file, message, path, line, column)
    return list(found.values())


def _name(item: Any) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) else None
