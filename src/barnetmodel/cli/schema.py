"""`barnetmodel schema`: the JSON Schema of scenario files (or of test files), for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from barnetmodel.cli.shared import Choice, emit


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
    emit(render(made), output)
