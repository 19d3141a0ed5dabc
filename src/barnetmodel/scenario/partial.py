"""Cross-field checks on the parts of a scenario that are valid, when pydantic refused other parts.

So one run of `validate` reports a misspelt key in one line and a wrong `source` in another,
not the first and then, once it is fixed, the second. Each part pydantic refused (a line, a
target, a section) is replaced by a neutral stand-in that keeps positions and names, the
checks run, and whatever they say about a stand-in or may follow from one is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from barnetmodel.errors import Path, format_path
from barnetmodel.scenario.checks import Finding, check
from barnetmodel.scenario.models import Horizon, Scenario

# A horizon that holds every year: with the real one refused, no year is out of it.
EVERY_YEAR = Horizon.model_construct(start=-(10**9), years=2 * 10**9)
# Names no file can hold (YAML refuses NUL), so a stand-in never matches a real name.
NO_BASELINE = "\0baseline"


def _name(item: Any, kind: str, index: int) -> str:
    """The name an item was written with, kept so that what refers to it still finds it; a name no file can hold
    when it has none."""
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) and name else f"\0{kind} {index}"


def _line(index: int, line: Any) -> dict[str, Any]:
    return {"name": _name(line, "line", index), "annual": 0.0}


def _risk(index: int, risk: Any) -> dict[str, Any]:
    return {"name": _name(risk, "risk", index), "probability": 0.0, "cost": 0.0}


def _guarantee(index: int, guarantee: Any) -> dict[str, Any]:
    # Its own line is one no file can hold: what is said of it is at the stand-in, so dropped.
    return {"name": _name(guarantee, "guarantee", index), "lines": ["\0"], "level": 0.0}


def _change(index: int, change: Any) -> dict[str, Any]:
    return {"name": _name(change, "change", index), "year": 2000}


# The lists of an option whose items others refer to by name, and each one's stand-in: a refused item (a risk
# with `probability: 3`) keeps its name, so a guarantee whose provider it is, or a change that stops it, is not
# said to name nothing.
STAND_INS = {"lines": _line, "risks": _risk, "guarantees": _guarantee, "changes": _change}


def _stand_ins(key: str, items: Any) -> list[dict[str, Any]]:
    kept = [STAND_INS[key](i, item) for i, item in enumerate(items)] if isinstance(items, list) else []
    return kept or ([_line(0, None)] if key == "lines" else [])  # an option needs a line


def _option() -> dict[str, Any]:
    return {"title": "-", "lines": _stand_ins("lines", None)}


class _Patch:
    """The data with refused parts replaced, and which parts those were."""

    def __init__(self, data: dict[str, Any]):
        self.original = data
        self.data = {**data, "options": dict(data["options"])}
        self.stand_ins: set[Path] = set()  # findings at or under these paths are dropped
        self.horizon_ok = self.sources_ok = self.baseline_ok = self.inputs_ok = True
        self.refused_named: set[str] = set()  # findings that depend on these named inputs are dropped
        # Names of inputs in refused parts (each a prefix, 'options.outsource.lines.Contract charge.'): whether
        # such an input is uncertain cannot be said, so a correlation naming one is not reported.
        self.refused_inputs: list[str] = []

    def _refused(self, *named: object) -> None:
        self.refused_inputs.append(format_path(tuple(str(part) for part in named)) + ".")

    def refuse(self, loc: Sequence[str | int]) -> None:
        head = loc[0]
        if head == "options":
            self._refuse_option(loc)
        elif head == "targets":
            targets = self.data.get("targets")
            if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(targets, list):
                self.data["targets"] = [*targets[: loc[1]], {"name": "-", "amount": 1.0}, *targets[loc[1] + 1 :]]
                self.stand_ins.add(("targets", loc[1]))
                target = targets[loc[1]] if loc[1] < len(targets) else None
                if isinstance(target, dict) and isinstance(target.get("name"), str):
                    self._refused("targets", target["name"])
            else:
                self.data["targets"] = []
                self._refused("targets")
        elif head == "horizon":
            self.horizon_ok = False
            self.data["horizon"] = {"start": 2000}
        elif head == "inputs":
            inputs = self.data.get("inputs")
            if len(loc) >= 2 and isinstance(loc[1], str) and isinstance(inputs, dict):
                self.data["inputs"] = {**inputs, loc[1]: 1.0}  # a stand-in that divides nothing by zero
                self.refused_named.add(loc[1])
                self.stand_ins.add(("inputs", loc[1]))
                self._refused("inputs", loc[1])
            else:
                self.inputs_ok = False
                self.data["inputs"] = {}
                self._refused("inputs")
        elif head == "sources":
            self.sources_ok = False
            self.data["sources"] = {}
        elif head == "baseline":
            self.baseline_ok = False
            self.data["baseline"] = NO_BASELINE
        elif head == "money":
            self.data["money"] = {"inflation": 0.0}
            self._refused("money")
        elif head in ("title", "description"):
            self.data[head] = "-"
        elif isinstance(head, str):  # an unknown key at the top
            self.data.pop(head, None)

    def _refuse_option(self, loc: Sequence[str | int]) -> None:
        options = self.data["options"]
        if len(loc) < 2 or loc[1] not in options:
            return
        name = loc[1]
        option = options[name]
        if not isinstance(option, dict) or len(loc) == 2:
            options[name] = _option()
            self.stand_ins.add(("options", name))
            self._refused("options", name)
        elif loc[2] in STAND_INS:
            key = loc[2]
            items = option.get(key)
            if len(loc) == 3 or not isinstance(loc[3], int) or not isinstance(items, list) or loc[3] >= len(items):
                options[name] = {**option, key: _stand_ins(key, items)}
                self.stand_ins.add(("options", name, key))
                self._refused("options", name, key)
                return
            items = list(items)
            original = items[loc[3]]
            items[loc[3]] = STAND_INS[key](loc[3], original)
            options[name] = {**option, key: items}
            self.stand_ins.add(("options", name, key, loc[3]))
            if isinstance(original, dict) and isinstance(original.get("name"), str):
                self._refused("options", name, key, original["name"])
        else:
            options[name] = {key: value for key, value in option.items() if key != loc[2]}
            self._refused("options", name, loc[2])
            if loc[2] == "title":
                options[name]["title"] = "-"
            elif loc[2] == "based_on":  # its lines, risks, ... may be the ones the option refers to
                self.stand_ins.add(("options", name))

    def keeps(self, finding: Finding) -> bool:
        path = finding.path
        if any(path[: len(part)] == part for part in self.stand_ins):
            return False
        if finding.inputs and (not self.inputs_ok or finding.inputs & self.refused_named):
            return False
        if path[:2] == ("uncertainty", "correlations") and path[3:4] == ("between",) and len(path) == 5:
            named = self._correlated(path)
            if isinstance(named, str) and (
                any(f"{named}.".startswith(prefix) for prefix in self.refused_inputs)
                or named in self.refused_named
                or (not self.inputs_ok and "." not in named)  # a named input's name, from a refused section
            ):
                return False
        if not self.sources_ok and path[-1:] == ("source",):
            return False
        return self.baseline_ok or (path != ("baseline",) and path[-1:] != ("option",))

    def _correlated(self, path: Path) -> object:
        """The input name written at ('uncertainty', 'correlations', i, 'between', j), if any."""
        node: Any = self.original
        for part in path:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node


def findings_despite(data: Any, errors: list[ErrorDetails]) -> list[Finding]:
    """The cross-field findings in the valid parts of `data`, given pydantic's errors on the rest."""
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict) or not data["options"]:
        return []
    patch = _Patch(data)
    for error in errors:
        if error["loc"]:
            patch.refuse(error["loc"])
    try:
        scenario = Scenario.model_validate(patch.data)
    except ValidationError:
        return []  # a refusal this module does not foresee: report pydantic's problems alone
    if not patch.horizon_ok:
        scenario = scenario.model_copy(update={"horizon": EVERY_YEAR})
    return [finding for finding in check(scenario) if patch.keeps(finding)]
