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

from barnetmodel.errors import Path
from barnetmodel.scenario.checks import Finding, check
from barnetmodel.scenario.models import Horizon, Scenario

# A horizon that holds every year: with the real one refused, no year is out of it.
EVERY_YEAR = Horizon.model_construct(start=-(10**9), years=2 * 10**9)
# Names no file can hold (YAML refuses NUL), so a stand-in never matches a real name.
NO_BASELINE = "\0baseline"


def _line(index: int, line: Any) -> dict[str, Any]:
    name = line.get("name") if isinstance(line, dict) else None
    return {"name": name if isinstance(name, str) and name else f"\0line {index}", "annual": 0.0}


def _option(option: Any) -> dict[str, Any]:
    lines = option.get("lines") if isinstance(option, dict) else None
    kept = [_line(i, line) for i, line in enumerate(lines)] if isinstance(lines, list) and lines else []
    return {"title": "-", "lines": kept or [_line(0, None)]}


class _Patch:
    """The data with refused parts replaced, and which parts those were."""

    def __init__(self, data: dict[str, Any]):
        self.data = {**data, "options": dict(data["options"])}
        self.stand_ins: set[Path] = set()  # findings at or under these paths are dropped
        self.horizon_ok = self.sources_ok = self.baseline_ok = self.inputs_ok = True
        self.refused_inputs: set[str] = set()  # findings that depend on these named inputs are dropped

    def refuse(self, loc: Sequence[str | int]) -> None:
        head = loc[0]
        if head == "options":
            self._refuse_option(loc)
        elif head == "targets":
            targets = self.data.get("targets")
            if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(targets, list):
                self.data["targets"] = [*targets[: loc[1]], {"name": "-", "amount": 1.0}, *targets[loc[1] + 1 :]]
                self.stand_ins.add(("targets", loc[1]))
            else:
                self.data["targets"] = []
        elif head == "horizon":
            self.horizon_ok = False
            self.data["horizon"] = {"start": 2000}
        elif head == "inputs":
            inputs = self.data.get("inputs")
            if len(loc) >= 2 and isinstance(loc[1], str) and isinstance(inputs, dict):
                self.data["inputs"] = {**inputs, loc[1]: 1.0}  # a stand-in that divides nothing by zero
                self.refused_inputs.add(loc[1])
                self.stand_ins.add(("inputs", loc[1]))
            else:
                self.inputs_ok = False
                self.data["inputs"] = {}
        elif head == "sources":
            self.sources_ok = False
            self.data["sources"] = {}
        elif head == "baseline":
            self.baseline_ok = False
            self.data["baseline"] = NO_BASELINE
        elif head == "money":
            self.data["money"] = {"inflation": 0.0}
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
        if not isinstance(option, dict) or len(loc) == 2 or (loc[2] == "lines" and len(loc) == 3):
            options[name] = _option(option)
            self.stand_ins.add(("options", name))
        elif loc[2] == "lines" and isinstance(loc[3], int) and isinstance(option.get("lines"), list):
            lines = list(option["lines"])
            lines[loc[3]] = _line(loc[3], lines[loc[3]])
            options[name] = {**option, "lines": lines}
            self.stand_ins.add(("options", name, "lines", loc[3]))
        elif loc[2] != "lines":
            options[name] = {key: value for key, value in option.items() if key != loc[2]}
            if loc[2] == "title":
                options[name]["title"] = "-"

    def keeps(self, finding: Finding) -> bool:
        path = finding.path
        if any(path[: len(part)] == part for part in self.stand_ins):
            return False
        if finding.inputs and (not self.inputs_ok or finding.inputs & self.refused_inputs):
            return False
        if not self.sources_ok and path[-1:] == ("source",):
            return False
        return self.baseline_ok or (path != ("baseline",) and path[-1:] != ("option",))


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
