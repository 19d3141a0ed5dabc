"""`barnetmodel test PATHS...`: run scenario test files; report, update or write JUnit XML."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from barnetmodel.cli.shared import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, AllowExtendsOutside, Strict, emit, say

if TYPE_CHECKING:
    from barnetmodel.scenario_tests.run import FileOutcome


def test(
    paths: Annotated[
        list[str],
        typer.Argument(help="Test files, or folders of them (*.yaml, *.yml).", show_default=False, metavar="PATH..."),
    ],
    update: Annotated[
        bool, typer.Option("--update", help="Write the new figures into the test files, for an intended change.")
    ] = False,
    junit_xml: Annotated[
        str | None,
        typer.Option(
            "--junit-xml", help="Also write a JUnit XML report to this file.", show_default=False, metavar="FILE"
        ),
    ] = None,
    allow_extends_outside: AllowExtendsOutside = False,
    strict: Strict = False,
) -> None:
    """Run scenario tests: exit 0 when all pass, 1 when a figure is off, 2 for a bad test or scenario."""
    from barnetmodel.scenario_tests.run import count, find_test_files, run_file

    if junit_xml is not None:
        _check_report(junit_xml)
    files, problems, skipped = find_test_files(paths)
    for problem in problems:
        say(str(problem), err=True)
    outcomes = [run_file(file, allow_extends_outside=allow_extends_outside) for file in files]
    bad_input = bool(problems) or _report(outcomes)
    prefix = ""
    if update and any(o.failures for o in outcomes):
        # What the summary and the exit code tell is what remains after the update: the files written are
        # run again (their figures then pass exactly, unless a value could not be written).
        written = {o.file for o in outcomes if _update(o)}
        outcomes = [
            run_file(o.file, allow_extends_outside=allow_extends_outside) if o.file in written else o for o in outcomes
        ]
        bad_input = bool(problems) or any(o.problems or any(t.problems for t in o.outcomes) for o in outcomes)
        prefix = "after the update: "
    if junit_xml is not None:
        _refuse_overwriting_inputs(junit_xml, outcomes)
        from barnetmodel.scenario_tests import junit

        emit(junit.render(outcomes), junit_xml)
    if strict:
        bad_input = _warned(outcomes, allow_extends_outside) or bad_input
    tests = [t for o in outcomes for t in o.outcomes]
    counts = {status: sum(t.status == status for t in tests) for status in ("passed", "failed", "error")}
    errors = f", {counts['error']} could not be run" if counts["error"] else ""
    # A file that cannot be read has no tests to count: without this, its summary read "0 passed, 0 failed".
    unread = sum(bool(o.problems) for o in outcomes)
    unread_files = f", {count(unread, 'test file')} could not be read" if unread else ""
    scenarios = f"; {count(len(skipped), 'scenario file')} skipped" if skipped else ""
    say(f"{prefix}{counts['passed']} passed, {counts['failed']} failed{errors}{unread_files}{scenarios}")
    if bad_input:
        raise typer.Exit(EXIT_BAD_INPUT)
    if counts["failed"]:
        raise typer.Exit(EXIT_CHECK_FAILED)


def _warned(outcomes: list[FileOutcome], allow_extends_outside: bool) -> bool:
    """--strict: the warnings of every scenario file the tests name, as written (without a test's overrides),
    printed once a file; True if there was any (the run then exits 2 after its summary, as validate --strict)."""
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.load import load

    warned = 0
    for file in dict.fromkeys(name for o in outcomes for name in o.scenario_files):
        try:
            loaded = load(file, (), allow_extends_outside=allow_extends_outside)
        except ScenarioError:
            continue  # already reported as a test that could not be run
        for warning in loaded.warnings:
            say(str(warning), err=True)
        warned += len(loaded.warnings)
    if warned:
        say(f"--strict: {warned} warning{'s' if warned != 1 else ''}, treated as errors", err=True)
    return bool(warned)


def _report(outcomes: list[FileOutcome]) -> bool:
    """Print failures (standard output) and problems (standard error); True if there was any problem."""
    any_problem = False
    for file in outcomes:
        for problem in file.problems:
            say(str(problem), err=True)
            any_problem = True
        for outcome in file.outcomes:
            if outcome.problems:
                any_problem = True
                say(f"{file.file}: test '{outcome.name}' could not be run:", err=True)
                for problem in outcome.problems:
                    say(str(problem), err=True)
            for failure in outcome.failures:
                say(f"{file.file}: test '{outcome.name}': {failure}")
    return any_problem


def _update(file: FileOutcome) -> bool:
    """Write the failing figures of one file into it (what cannot be written is said why); whether it was written."""
    from barnetmodel.output.atomic import OutputError, rewrite
    from barnetmodel.scenario_tests.update import Change, updated_text

    changes = [Change(t.base + ("outputs", f.address), f) for t in file.outcomes for f in t.failures]
    if not changes or file.source is None:
        return False
    text, refused = updated_text(file.source, changes)
    for reason in refused:
        say(f"{file.file}: {reason}", err=True)
    if len(refused) == len(changes):
        return False
    try:
        rewrite(file.file, ("\ufeff" if file.source.bom else "") + text)
    except OutputError as error:
        say(str(error), err=True)
        return False
    count = len(changes) - len(refused)
    say(f"{file.file}: updated {count} expected value{'' if count == 1 else 's'}")
    return True


def _check_report(report: str) -> None:
    """A report that cannot be written (a missing folder, a directory, an empty name) is refused before the
    tests run, not after all of them, with the summary lost."""
    from barnetmodel.output.atomic import OutputError, check_destination

    try:
        check_destination(report, "--junit-xml")
    except OutputError as error:
        say(str(error), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _refuse_overwriting_inputs(report: str, outcomes: list[FileOutcome]) -> None:
    from barnetmodel.output.atomic import same_file

    for file in outcomes:
        for read in [file.file, *file.scenario_files]:
            if same_file(report, read):
                say(f"{report}: is an input ({read}); the report is not written over it", err=True)
                raise typer.Exit(EXIT_BAD_INPUT)
