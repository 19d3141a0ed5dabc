"""`barnetmodel schema`: the JSON Schema of scenario files (or of test files), for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from barnetmodel.cli.shared import Choice, emit, fail


class SchemaOf(StrEnum):
    scenario = "scenario"
    test = "test"


SCHEMAS = Choice(SchemaOf)


def schema(
    of: Annotated[
        SchemaOf,
        typer.Option(
            "--for",
            help="Which files the schema describes.",
            parser=SCHEMAS.parse,
            metavar=SCHEMAS.metavar,
            autocompletion=SCHEMAS.complete,
        ),
    ] = SchemaOf.scenario,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file (whole or not at all).", metavar="FILE")
    ] = None,
) -> None:
    """Print the JSON Schema of scenario files (or of scenario test files)."""
    from barnetmodel.scenario.schema import render, scenario_schema
    from barnetmodel.scenario_tests.spec import scenario_test_schema

    made = scenario_schema() if of is SchemaOf.scenario else scenario_test_schema()
    if output is not None:
        _refuse_writing_over_another_file(output)
    emit(render(made), output)


def _refuse_writing_over_another_file(output: str) -> None:
    """A schema replaces a schema (to regenerate it), never another file: `-o scenario.yaml` is a slip."""
    import json
    import os
    import stat

    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.yaml_source import read_bytes

    try:
        if not stat.S_ISREG(os.stat(output).st_mode):
            return  # a new file, a device, a FIFO: nothing to lose; write_output refuses what it must
        data = json.loads(read_bytes(output, 1 << 20))
    except FileNotFoundError:
        return
    except (OSError, ScenarioError, ValueError):
        data = None
    if not (isinstance(data, dict) and str(data.get("$schema", "")).startswith("https://json-schema.org/")):
        raise fail(f"{output}: is not a JSON Schema; a schema is written over a schema only")
