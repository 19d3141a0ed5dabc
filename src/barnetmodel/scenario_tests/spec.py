"""The scenario test file format: pydantic models of every key a test file may hold."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import Field, PlainValidator, ValidationError, WithJsonSchema

from barnetmodel.errors import Path, Problem, ScenarioError
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario.strict import StrictModel

DEFAULT = "default"


def _number(value: object) -> float | None:
    """The value as a float, or None if it is not a finite number; a whole number beyond a float is an error."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError("this number is too large for a 64-bit float") from None
        return number if math.isfinite(number) else None
    return None


def _expected(value: object) -> float | bool | str:
    """One rule with one message, rather than pydantic's three for a union of types. A whole number stays one,
    so that a failure shows a year as 2030, not 2030.0."""
    if isinstance(value, (bool, str)):
        return value
    number = _number(value)
    if number is None:
        raise ValueError(f"should be a finite number, true or false, or text, not {_describe(value)}")
    return value if isinstance(value, int) else number


def _margin(value: object) -> float | dict[str, float]:
    if isinstance(value, dict):
        margins = {}
        for key, each in value.items():
            number = _number(each)
            if not isinstance(key, str) or number is None or number < 0:
                raise ValueError(f"the margin of '{key}' should be a number, 0 or more, not {_describe(each)}")
            margins[key] = number
        return margins
    number = _number(value)
    if number is None or number < 0:
        raise ValueError(f"should be a number, 0 or more, or a mapping of output to margin, not {_describe(value)}")
    return number


def _describe(value: object) -> str:
    from barnetmodel.scenario.load import _describe as describe

    return describe(value)


MARGIN_SCHEMA = {"type": "number", "minimum": 0}
Expected = Annotated[
    float | bool | str,
    PlainValidator(_expected),
    WithJsonSchema({"type": ["number", "boolean", "string"]}),
]
Margin = Annotated[
    float | dict[str, float],
    PlainValidator(_margin),
    WithJsonSchema({"anyOf": [MARGIN_SCHEMA, {"type": "object", "additionalProperties": MARGIN_SCHEMA}]}),
]


class ScenarioTest(StrictModel):
    """One test: a scenario, optionally changed, and the figures its results must show."""

    name: str = Field(min_length=1, description="What the test checks; shown when it fails.")
    description: str | None = Field(None, description="Free text: why these figures are expected.")
    scenario: str = Field(min_length=1, description="The scenario file, as a path relative to this test file.")
    overrides: dict[str, Any] = Field(
        default={},
        description="Values that replace the scenario's before it is validated, by address, e.g. "
        'money.inflation or options.outsource.lines."Re new income".annual.',
    )
    seed: int | None = Field(None, ge=0, description="Seed of the random draws (for Monte Carlo runs).")
    draws: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="Monte Carlo draws. Absent or 0: the central run only, whatever the scenario file says.",
    )
    absolute_error_margin: Margin | None = Field(
        None,
        description="How far a figure may be from the expected value: one number, or by output address "
        "with a `default`.",
    )
    relative_error_margin: Margin | None = Field(
        None,
        description="As absolute_error_margin, as a fraction of the expected value (0.001 is 0.1%).",
    )
    outputs: dict[str, Expected] = Field(
        min_length=1,
        description="Expected figures by their address in the results of `run`, e.g. "
        "options.outsource.total_saving.present_value.",
    )

    def margins(self, address: str) -> tuple[float | None, float | None]:
        """(absolute, relative) margins of one output; None where the test gives none."""
        return _margin_of(self.absolute_error_margin, address), _margin_of(self.relative_error_margin, address)


def _margin_of(margin: float | dict[str, float] | None, address: str) -> float | None:
    if isinstance(margin, dict):
        return margin.get(address, margin.get(DEFAULT))
    return margin


# A file holds a list of tests, or one test as a mapping.
TestFile = list[ScenarioTest] | ScenarioTest


@dataclass(frozen=True)
class Entry:
    """One test of a file: where it is, and the test or why it cannot be run."""

    base: Path
    name: str
    test: ScenarioTest | None
    problems: list[Problem]


# A scenario file has these at its top (`extends` alone may stand for the rest); a test file never does.
SCENARIO_KEYS = {"options", "baseline", "horizon", "extends"}


def scenario_data(data: Any) -> bool:
    """Whether a file's data is a scenario's rather than tests: a mapping with a scenario's keys, exactly (a
    test's `description` is a scenario's key too), and no test's `scenario` and `outputs`. `test` skips such a
    file in a folder, and refuses it named on its own."""
    return isinstance(data, dict) and bool(SCENARIO_KEYS & set(data)) and not {"scenario", "outputs"} & set(data)


def read(file: str) -> tuple[yaml_source.Source, list[Entry]]:
    """A test file's source and its tests; a test with problems does not stop the others."""
    from barnetmodel.scenario.load import pydantic_problems

    source = yaml_source.load(file)
    data = source.data
    if isinstance(data, list):
        if not data:
            raise ScenarioError([source.problem((), "the file holds an empty list: no tests")])
        items: list[tuple[Path, Any]] = [((i,), item) for i, item in enumerate(data)]
    elif isinstance(data, dict):
        if scenario_data(data):
            message = (
                "a scenario file, not a test file: a test file is a list of tests, each naming its scenario "
                "(scenario: FILE) and the figures it must give (outputs); `barnetmodel validate` checks a scenario"
            )
            raise ScenarioError([Problem(source.file, message)])
        items = [((), data)]
    else:
        raise ScenarioError(
            [source.problem((), "a test file is a list of tests, each a mapping with name, scenario and outputs")]
        )
    if not _looks_like_tests(item for _, item in items):
        message = "not a test file: none of its keys is a test's (name, scenario, outputs, ...); nothing of it is shown"
        raise ScenarioError([Problem(source.file, message)])
    entries = []
    for number, (base, item) in enumerate(items, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        name = name if isinstance(name, str) and name else f"#{number}"
        if not isinstance(item, dict):
            problem = source.problem(base, "a test is a mapping with name, scenario and outputs")
            entries.append(Entry(base, name, None, [problem]))
            continue
        try:
            test = ScenarioTest.model_validate(item)
        except ValidationError as error:
            entries.append(Entry(base, name, None, pydantic_problems(error, source, ScenarioTest, base)))
            continue
        entries.append(Entry(base, name, test, _margins_named(source, base, test)))
    return source, _names_unique(source, entries)


def _looks_like_tests(items: Any) -> bool:
    """Some item has a key a test has, or one close to it (a misspelt `ouputs`): anything else (a password file
    read as YAML) is not a test file, and its content is never quoted back in an error message."""
    from barnetmodel.errors import closest

    known = list(ScenarioTest.model_fields)
    return any(
        isinstance(item, dict) and any(isinstance(key, str) and (key in known or closest(key, known)) for key in item)
        for item in items
    )


def _margins_named(source: yaml_source.Source, base: Path, test: ScenarioTest) -> list[Problem]:
    """A margin given for an output the test does not check is a mistake (a misspelt address)."""
    problems = []
    for key in ("absolute_error_margin", "relative_error_margin"):
        margin = getattr(test, key)
        if isinstance(margin, dict):
            for address in margin:
                if address != DEFAULT and address not in test.outputs:
                    message = f"'{address}' is not one of this test's outputs (nor `{DEFAULT}`)"
                    problems.append(source.problem(base + (key, address), message, key=True))
    return problems


def _names_unique(source: yaml_source.Source, entries: list[Entry]) -> list[Entry]:
    seen: dict[str, int] = {}
    checked = []
    for number, entry in enumerate(entries, start=1):
        problems = entry.problems
        if entry.test is not None and entry.name in seen:
            message = f"another test (#{seen[entry.name]}) is called '{entry.name}'"
            problems = [*problems, source.problem(entry.base + ("name",), message)]
        seen.setdefault(entry.name, number)
        checked.append(replace(entry, problems=problems))
    return checked


def scenario_test_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from barnetmodel.scenario.schema import framed

    schema = TypeAdapter(TestFile).json_schema(by_alias=True)
    return framed(schema, "barnetmodel scenario tests", "A test file of `barnetmodel test`: a list of tests, or one.")
