"""Scenario files in, validated `Scenario` out; every problem located at `file:line:col`."""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from barnetmodel.errors import Path, Problem, ScenarioError, ValueProblem, closest, did_you_mean
from barnetmodel.scenario.checks import check, unused_inputs
from barnetmodel.scenario.models import Scenario
from barnetmodel.scenario.yaml_source import Source

TYPE_NAMES = {
    "float_type": "a number",
    "int_type": "a whole number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "bool_type": "true or false",
}

COMMA_HINT = "; in `{...}` a comma ends a value: put text holding commas in quotes"
DISTRIBUTION_HINT = "write a range with named parameters, e.g. {triangular: {low: 40, mode: 44, high: 50}}"


@dataclass(frozen=True)
class Loaded:
    """A valid scenario, with the source it came from and a hash of its bytes; what a `--set` left out
    (`notes`), and what is allowed but probably a mistake (`warnings`: see plausibility, and an input used
    nowhere)."""

    scenario: Scenario
    source: Source
    sha256: str
    notes: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())


# Numbers that are fractions (0.02 is 2%): one written as a whole number is told how to write it.
RATE_FIELDS = {
    "inflation",
    "discount",
    "growth",
    "rate",
    "after",
    "probability",
    "recovered",
    "mitigated",
    "uplift",
    "ramp",
    "share",
    "floor",
}


def rate_hint(path: Path, value: Any) -> str:
    """'; 2 is 200%: write 0.02 for 2%' for a rate written as a whole number; '' for anything else."""
    named = [part for part in path if isinstance(part, str)]
    # An index's `cap` is a rate; a guarantee's is money.
    if not named or not (named[-1] in RATE_FIELDS or named[-2:] == ["index", "cap"]):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 < value <= 10_000:
        return ""
    return f"; {value:g} is {value * 100:g}%: write {value / 100:g} for {value:g}%"


T = TypeVar("T")


def located(loaded: Loaded, action: Callable[[], T]) -> T:
    """Run `action` (the engine on the loaded scenario); a value it cannot work out (a formula that is not
    finite, or outside its number's bounds) becomes a problem at that number in the file."""
    from barnetmodel.scenario.paths import in_file

    try:
        return action()
    except ValueProblem as problem:
        where = in_file(loaded.scenario, problem.path)
        raise ScenarioError([loaded.source.problem(where, problem.text())]) from None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fields_at(path: Path, root: type[BaseModel] = Scenario) -> list[str]:
    """The keys a user may write at `path` in the scenario (or another file of model `root`), for 'did you mean'."""
    model: type[BaseModel] | None = root
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) or next((f for f in model.model_fields.values() if f.alias == part), None)
        if field is None:
            # A key of a dict field (an option name): stay with the dict's value model.
            continue
        model = _model_in(field.annotation)
    return [f.alias or name for name, f in model.model_fields.items()] if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


def pydantic_problems(
    error: ValidationError, source: Source, root: type[BaseModel] = Scenario, base: Path = ()
) -> list[Problem]:
    """Turn pydantic's errors into located, plain-English problems.

    `root` is the model that was validated, and `base` where its data is in the file (a test file
    holds a list of tests, each validated on its own).
    """
    problems = []
    errors = error.errors()
    for item in errors:  # the branch tags of number-or-distribution are not keys the user wrote
        item["loc"] = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("<")))
    # A misspelt required key is one mistake, not two: its "did you mean" says what is missing.
    misspelt = {
        (base + tuple(item["loc"][:-1]), close)
        for item in errors
        if item["type"] == "extra_forbidden"
        if (close := closest(item["loc"][-1], _fields_at(tuple(item["loc"][:-1]), root)))
    }
    for item in errors:
        path: Path = base + tuple(item["loc"])
        kind = item["type"]
        value = item.get("input")
        if path[-1:] == ("[key]",):  # pydantic's mark of a mapping's key: the key is at the path, as written
            problems.append(_key_problem(source, path[:-1], kind, item["msg"]))
        elif kind == "extra_forbidden":
            key = path[-1]
            hint = did_you_mean(key, _fields_at(tuple(item["loc"][:-1]), root))
            if path in source.cut_by_comma:
                hint += COMMA_HINT
            problems.append(source.problem(path, f"unknown key '{key}'{hint}", key=True))
        elif kind == "missing" and (path[:-1], path[-1]) in misspelt:
            continue
        elif kind == "missing":
            problems.append(source.problem(path, f"required key '{path[-1]}' is missing"))
        elif kind == "float_type" and isinstance(value, list):
            problems.append(
                source.problem(path, f"should be a number or a distribution, not a list; {DISTRIBUTION_HINT}")
            )
        elif kind in {"less_than", "less_than_equal"} and rate_hint(path, value):
            message = item["msg"].replace("Input should be", "should be")
            problems.append(source.problem(path, f"{message}, not {_describe(value)}{rate_hint(path, value)}"))
        elif kind in TYPE_NAMES:
            hint = ""
            if kind == "string_type" and isinstance(value, bool) and path in source.words:
                word = source.words[path]
                hint = f"; `{word}` is read by YAML as {str(value).lower()}: write '{word}' in quotes"
            problems.append(source.problem(path, f"should be {TYPE_NAMES[kind]}, not {_describe(value)}{hint}"))
        elif kind == "finite_number":
            problems.append(source.problem(path, f"should be a finite number, not {_describe(value)}"))
        elif kind == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
            hint = did_you_mean(value, choices) if isinstance(value, str) else ""
            problems.append(source.problem(path, f"should be {expected}, not {_describe(value)}{hint}"))
        elif kind == "too_short":
            ctx = item.get("ctx", {})
            least, actual = ctx.get("min_length", 1), ctx.get("actual_length") or "none"
            problems.append(
                source.problem(path, f"should have at least {least} item{'s' if least != 1 else ''}, not {actual}")
            )
        elif kind == "too_long":
            ctx = item.get("ctx", {})
            most, actual = ctx.get("max_length"), ctx.get("actual_length")
            found = f"{actual:,}" if isinstance(actual, int) else "more"
            problems.append(source.problem(path, f"has {found} items; at most {most:,} are allowed"))
        elif kind == "value_error":
            message = str(item.get("ctx", {}).get("error", item["msg"]))
            problems.append(source.problem(path, message + rate_hint(path, value)))
        else:
            message = item["msg"].replace("Input should be", "should be").replace("Value should", "should")
            message = message[0].lower() + message[1:]
            problems.append(source.problem(path, f"{message}, not {_describe(value)}"))
    return problems


def _key_problem(source: Source, path: Path, kind: str, refused: str) -> Problem:
    """A mapping's key pydantic refused, at the key: one that should be text says to quote it, and is named as
    text in the path (`options.1`, not `options[1]`, a list's item); any other (a year out of range) says why
    it was refused."""
    key = path[-1]
    if path not in source.keys:  # pydantic names a key that is not a whole number (2.5) by its text
        path = next((p for p in source.keys if p[:-1] == path[:-1] and str(p[-1]) == key), path)
    if kind == "string_type":
        found = source.problem(path, f"keys must be text; `{key}` is not: write '{key}' in quotes", key=True)
        return replace(found, path=(*path[:-1], str(key)))
    message = f"should be {TYPE_NAMES[kind]}" if kind in TYPE_NAMES else refused.replace("Input should", "should")
    return source.problem(path, f"{message}, not {_describe(key)}", key=True)


def _scenario_tests(data: Any) -> bool:
    """Whether a file's data is scenario tests (a test, or a list of them): each names a `scenario` and its
    `outputs`, which no scenario has."""
    items = data if isinstance(data, list) else [data]
    return any(isinstance(item, dict) and {"scenario", "outputs"} <= set(item) for item in items)


def validate(source: Source) -> Scenario:
    """Every problem in a parsed file, at once; or the valid scenario."""
    if _scenario_tests(source.data):
        # `validate scenarios/**/*.yaml` meets the test files too: say what the file is, not what it lacks.
        message = f"a scenario test file, not a scenario: run it with `barnetmodel test {shlex.quote(source.file)}`"
        raise ScenarioError([Problem(source.file, message)])
    if not isinstance(source.data, dict):
        raise ScenarioError([source.problem((), "a scenario file is a mapping of keys (title:, horizon:, ...)")])
    from barnetmodel.scenario.extends import looks_like_a_scenario

    if not looks_like_a_scenario(source.data):
        message = (
            "not a scenario file: none of its keys is a scenario's (title, horizon, money, ...); nothing of it is shown"
        )
        raise ScenarioError([Problem(source.file, message)])
    try:
        scenario = Scenario.model_validate(source.data)
    except ValidationError as error:
        from barnetmodel.scenario.partial import findings_despite

        problems = pydantic_problems(error, source)
        # The cross-field checks too, on the parts pydantic accepted: every problem in one go.
        problems += [
            source.problem(f.path, f.message, key=f.at_key) for f in findings_despite(source.data, error.errors())
        ]
        raise ScenarioError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0))) from None
    findings = check(scenario)
    if findings:
        problems = [source.problem(f.path, f.message, key=f.at_key) for f in findings]
        raise ScenarioError(sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0)))
    return scenario


def load(file: str, settings: Sequence[str] = (), *, allow_extends_outside: bool = False) -> Loaded:
    """Read, parse and validate a scenario file, with any file it `extends` merged in (from its own folder
    or below, unless `allow_extends_outside`) and each `--set address=value` in `settings` applied (they
    count in the hash, as they change the results)."""
    from barnetmodel.scenario.extends import near_names, resolve

    source, digest = resolve(file, allow_outside=allow_extends_outside)
    notes: list[str] = []
    if settings:
        from barnetmodel.scenario.overrides import apply_settings, settings_named, unlink_fixed_inputs

        source = apply_settings(source, list(settings))
        source, notes = unlink_fixed_inputs(source)
        digest = hashlib.sha256("\x00".join([digest, *settings]).encode("utf-8")).hexdigest()
        try:
            scenario = validate(source)
        except ScenarioError as error:
            raise ScenarioError(settings_named(error.problems, source)) from None
    else:
        scenario = validate(source)
    from barnetmodel.scenario.plausibility import warnings

    found = tuple(
        source.problem(f.path, f"warning: {f.message}", key=f.at_key)
        for f in [*warnings(scenario), *unused_inputs(scenario)]
    ) + tuple(near_names(source))
    return Loaded(scenario=scenario, source=source, sha256=digest, notes=tuple(notes), warnings=found)
