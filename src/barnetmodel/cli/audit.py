"""`barnetmodel audit SCENARIO PAYMENTS... --supplier NAME`: what a council's payment files say a supplier
was paid, against what a scenario's option promised."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from barnetmodel.cli.shared import (
    AllowExtendsOutside,
    CompareOption,
    Format,
    FormatOption,
    Output,
    ScenarioFile,
    Settings,
    Strict,
    fail,
    load_scenario,
    publish,
    user_errors,
)

if TYPE_CHECKING:
    from barnetmodel.scenario.load import Loaded

TABLE_WIDTH = 80

Suppliers = Annotated[
    list[str],
    typer.Option(
        "--supplier",
        metavar="NAME",
        show_default=False,
        help="A payee matches when every word of NAME is a whole word of its name (case, punctuation, "
        "Ltd, Limited, plc, LLP, Group ignored): Capita matches 'CAPITA PLC', never 'Capital Cleaning Ltd'. "
        "Repeatable.",
    ),
]
Excluded = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="NAME", help="Leave out payees matching NAME by the same rule. Repeatable."),
]
Columns = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        metavar="FIELD=HEADER",
        help="Name a column the list of known headers does not have, e.g. --column amount='Net Value'. "
        "Fields: date, payee, amount, transaction, expense_type, service_area, description. Repeatable.",
    ),
]
SkipBadRows = Annotated[
    bool,
    typer.Option(
        "--skip-bad-rows", help="Leave out rows whose date or amount cannot be read (counted), instead of exit 2."
    ),
]


def column_names(given: Sequence[str]) -> dict[str, str]:
    """`field=Header` options as a mapping; one without '=' is a user error (exit 2)."""
    from barnetmodel.errors import Problem, ScenarioError

    found, problems = {}, []
    for text in given:
        field, equals, header = text.partition("=")
        if not equals or not field.strip() or not header.strip():
            problems.append(Problem(f"--column {text}", "write FIELD=HEADER, e.g. --column amount='Net Value'"))
        else:
            found[field.strip()] = header.strip()
    if problems:
        raise ScenarioError(problems)
    return found


def audited(
    loaded: Loaded,
    payments: Sequence[str],
    suppliers: Sequence[str],
    exclude: Sequence[str],
    option: str | None,
    columns: Sequence[str],
    skip_bad_rows: bool,
) -> dict[str, Any]:
    """The audit's results (analysis.audit): the files read keeping only the suppliers' payments; every
    user mistake (a bad file, row, name, unit or option) printed at once, exit 2."""
    from pathlib import Path

    from barnetmodel.analysis.audit import audit as audit_payments
    from barnetmodel.analysis.audit import pounds_per_unit, promised_option
    from barnetmodel.analysis.results import check_finite
    from barnetmodel.payments import match_supplier, read_payments

    def work() -> dict[str, Any]:
        pounds_per_unit(loaded)  # before reading a million rows: a unit it cannot convert is an error at once
        promised_option(loaded, option)
        match_supplier([], suppliers, exclude)  # a supplier name with no words, too
        ledger = read_payments(
            [Path(p) for p in payments],
            column_names(columns),
            skip_bad_rows=skip_bad_rows,
            payees=lambda names: match_supplier(names, suppliers, exclude),
        )
        found = audit_payments(loaded, ledger, suppliers, exclude, option, payments=payments)
        check_finite(found, loaded.source.file)
        return found

    return user_errors(work)


def audit(
    scenario: ScenarioFile,
    payments: Annotated[
        list[str],
        typer.Argument(help="Payment files (CSV), or folders of them.", show_default=False, metavar="PAYMENTS..."),
    ],
    supplier: Suppliers,
    exclude: Excluded = None,
    option: CompareOption = None,
    column: Columns = None,
    skip_bad_rows: SkipBadRows = False,
    format: FormatOption = Format.table,
    output: Output = None,
    settings: Settings = None,
    strict: Strict = False,
    allow_extends_outside: AllowExtendsOutside = False,
) -> None:
    """What a supplier was paid, by the council's payment files, against what an option promised.

    Year by year, in cash and real terms, with running totals, the payee names counted, what it was for."""
    loaded = load_scenario(scenario, settings, strict, allow_extends_outside)
    result = audited(loaded, payments, supplier, exclude or (), option, column or (), skip_bad_rows)
    from barnetmodel.output import audit_out
    from barnetmodel.output.atomic import same_file

    read = [file["path"] for file in result["files"]["read"]]
    if output is not None and any(same_file(output, path) for path in read):
        raise fail(f"{output}: is a payments file read; the output is not written over it")

    publish(result, format, output, audit_out.show, audit_out.render_csv, audit_out.render_markdown, width=TABLE_WIDTH)
