"""The JSON Schema of scenario files, made from the pydantic models.

Editors use them to check and complete files as they are typed. The pydantic schema is
tightened where a validator, not a type, holds the rule: the discount schedule's names and
rate range, and a line's one kind.
"""

from __future__ import annotations

import json
from typing import Any

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    from barnetmodel.data.reference import schedules
    from barnetmodel.scenario.models import KINDS, Scenario

    schema = Scenario.model_json_schema(by_alias=True)
    discount = schema["$defs"]["Money"]["properties"]["discount"]
    discount["anyOf"] = [
        {"enum": sorted(schedules())},
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    ]
    # Names a formula can use: checks.py says the same in words.
    schema["properties"]["inputs"]["propertyNames"] = {
        "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
        "not": {"enum": ["min", "max"]},
    }
    # Exactly one kind, written and not null: checks.py says the same in words.
    schema["$defs"]["Line"]["oneOf"] = [
        {"required": [kind], "properties": {kind: {"not": {"type": "null"}}}} for kind in KINDS
    ]
    return framed(
        _with_extends(schema), "barnetmodel scenario", "A scenario file of barnetmodel, the outsourcing cost modeller."
    )


def _with_extends(schema: dict[str, Any]) -> dict[str, Any]:
    """A file with `extends` lists only what it changes: it is checked against a copy of the
    definitions in which nothing is required (the merged whole is checked when it is run)."""
    defs = schema.pop("$defs")
    partial = {f"Partial{name}": _loosened(definition) for name, definition in defs.items()}
    for name in ("Line", "Risk", "Target", "Guarantee", "Change"):  # items matched by name may be dropped
        partial[f"Partial{name}"]["properties"]["remove"] = {
            "type": "boolean",
            "description": "true: drop the item of this name from the file extended.",
        }
    whole = {"$ref": "#/$defs/Scenario"}
    defs["Scenario"] = schema
    loosened = _loosened(schema)
    inputs = loosened["properties"]["inputs"]  # an input written null is dropped from the file extended
    inputs["additionalProperties"] = {"anyOf": [inputs["additionalProperties"], {"type": "null"}]}
    return {
        "$defs": {**defs, **partial, "PartialScenario": loosened},
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/PartialScenario"},
        "else": whole,
    }


def _loosened(node: Any) -> Any:
    """A copy with no `required` keys, no one-kind rule, references to the partial definitions, and
    unknown keys allowed only as null (`key: null` drops a key the file extended wrote in another
    form: `{series: gdp_deflator, triangular: null}` where it drew a rate)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("required", "oneOf") and isinstance(value, list) and (key == "required" or _kinds(value)):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                value = "#/$defs/Partial" + value.removeprefix("#/$defs/")
            if key == "additionalProperties" and value is False:
                value = {"type": "null"}
            out[key] = _loosened(value)
        return out
    if isinstance(node, list):
        return [_loosened(item) for item in node]
    return node


def _kinds(alternatives: list[Any]) -> bool:
    """Whether a oneOf is the line's one-kind rule (each alternative requires one key)."""
    return all(isinstance(a, dict) and set(a) == {"required", "properties"} for a in alternatives)


def framed(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    rest = {key: value for key, value in schema.items() if key not in ("title", "description")}
    return {"$schema": DIALECT, "title": title, "description": description, **rest}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
