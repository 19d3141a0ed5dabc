"""Run scenario tests: load each scenario (with its overrides), compute its results, compare figures."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from typing import Any

from barnetmodel.errors import Path, Problem, ScenarioError, format_path
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario.address import AddressError, parse
from barnetmodel.scenario.extends import resolve
from barnetmodel.scenario_tests.spec import ScenarioTest, read, scenario_data


@dataclass(frozen=True)
class Failure:
    """One output that is not what the test expects."""

    address: str
    actual: Any
    expected: Any
    margin: float | None  # the distance allowed; None for true/false and text, compared exactly

    def __str__(self) -> str:
        expected = show(self.expected)
        if self.margin is not None:
            # To 12 significant figures: 0.001 of 9.0 is 0.009000000000000001 in floats, noise nobody wrote.
            expected += f" ± {self.margin:.12g}"
        return f"output {self.address} was {show(self.actual)}, expected {expected}"


@dataclass
class Outcome:
    """What became of one test: passed, failed (some outputs off) or could not be run (problems)."""

    name: str
    base: Path  # where the test is in its file
    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.problems else "failed" if self.failures else "passed"


@dataclass
class FileOutcome:
    file: str
    source: yaml_source.Source | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the test file itself could not be read
    scenario_files: list[str] = field(default_factory=list)  # the files its tests read

    @property
    def failures(self) -> int:
        return sum(o.status == "failed" for o in self.outcomes)


def show(value: Any) -> str:
    """A figure as Python writes it back exactly (164.49999999999997), true/false, or text in quotes."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def find_test_files(paths: list[str]) -> tuple[list[str], list[Problem], list[str]]:
    """The test files named, and every .yaml/.yml file under the folders named, in a stable order; and the
    scenario files found in those folders, skipped (as pytest skips files that are not tests). A file named
    on its own is always taken for a test file."""
    files: list[str] = []
    problems = []
    skipped: list[str] = []
    for given in paths:
        path = FilePath(given)
        if path.is_dir():
            found = sorted(
                str(p)
                for pattern in ("*.yaml", "*.yml")
                for p in path.rglob(pattern)
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            scenarios = [file for file in found if is_scenario_file(file)]
            found = [file for file in found if file not in scenarios]
            skipped += scenarios
            if not found:
                also = f"; {count(len(scenarios), 'scenario file')} skipped" if scenarios else ""
                problems.append(Problem(given, f"no test files (*.yaml, *.yml) in this folder{also}"))
            files += found
        else:
            files.append(given)  # a missing file is reported when it is read
    unique: dict[str, str] = {}  # a file named twice (a.yaml, ./a.yaml) is run once
    for file in files:
        unique.setdefault(os.path.realpath(file), file)
    return list(unique.values()), problems, list(dict.fromkeys(skipped))


def is_scenario_file(file: str) -> bool:
    """Whether a file is a scenario rather than a test file (spec.scenario_data). A file that cannot be read is
    not: it is reported as the test file it may be."""
    try:
        data = yaml_source.load(file).data
    except ScenarioError:
        return False
    return scenario_data(data)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def run_file(file: str, *, allow_extends_outside: bool = False) -> FileOutcome:
    """Every test of one file; a test that cannot be run does not stop the others. A scenario extends files in
    its own folder or below it only, unless `allow_extends_outside`."""
    outcome = FileOutcome(file)
    try:
        outcome.source, entries = read(file)
    except ScenarioError as error:
        outcome.problems = error.problems
        return outcome
    scenarios: dict[str, yaml_source.Source | ScenarioError] = {}
    for entry in entries:
        result = Outcome(entry.name, entry.base, problems=entry.problems)
        outcome.outcomes.append(result)
        if entry.test is None or entry.problems:
            continue
        outcome.scenario_files.append(scenario_file(file, entry.test))
        try:
            result.failures = _run_test(entry.test, entry.base, outcome.source, scenarios, allow_extends_outside)
        except ScenarioError as error:
            result.problems = error.problems
    return outcome


def scenario_file(test_file: str, test: ScenarioTest) -> str:
    """A test's scenario file: its path is relative to the test file."""
    return os.path.normpath(os.path.join(os.path.dirname(test_file), test.scenario))


def _read_scenario(
    file: str, cache: dict[str, yaml_source.Source | ScenarioError], allow_outside: bool
) -> yaml_source.Source:
    """Each scenario file is read once per run, however many tests use it."""
    if file not in cache:
        try:
            cache[file] = resolve(file, allow_outside=allow_outside)[0]  # with any file it `extends` merged in
        except ScenarioError as error:
            cache[file] = error
    found = cache[file]
    if isinstance(found, ScenarioError):
        raise found
    return found


def _run_test(
    test: ScenarioTest,
    base: Path,
    source: yaml_source.Source,
    cache: dict[str, yaml_source.Source | ScenarioError],
    allow_extends_outside: bool,
) -> list[Failure]:
    from barnetmodel.scenario.overrides import MissingKey, apply_override

    try:
        scenario_source = _read_scenario(scenario_file(source.file, test), cache, allow_extends_outside)
    except ScenarioError as error:
        where = source.problem(base + ("scenario",), "the scenario cannot be read; its problems follow")
        raise ScenarioError([where, *error.problems]) from None
    data, paths, problems = scenario_source.data, {}, []
    for address, value in test.overrides.items():
        try:
            if parse(address)[:1] == ["extends"]:
                raise AddressError("`extends` is read before any override: write it in the file")
            data, paths[address] = apply_override(data, address, value)
        except MissingKey as error:  # what to write instead, as the test file writes it
            example = f"{error.address}: {error.example(json.dumps(value, ensure_ascii=False, default=str))}"
            problems.append(source.problem(base + ("overrides", address), error.message(example), key=True))
        except AddressError as error:
            problems.append(source.problem(base + ("overrides", address), str(error), key=True))
    if problems:
        raise ScenarioError(problems)
    results = _results(replace(scenario_source, data=data), source, base, paths, test)
    return _compare_all(test, base, source, results)


def _results(
    scenario_source: yaml_source.Source,
    test_source: yaml_source.Source,
    base: Path,
    paths: dict[str, Path],
    test: ScenarioTest,
) -> dict[str, Any]:
    """The results of `run` on the (overridden) scenario, with the test's draws (none: the central run
    only, whatever the file says); a problem an override caused is put at the override."""
    import numpy as np

    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.analysis.results import check_finite
    from barnetmodel.scenario.load import Loaded, validate

    try:
        scenario = validate(scenario_source)
    except ScenarioError as error:
        raise ScenarioError(_blame_overrides(error.problems, test_source, base, paths)) from None
    draws = test.draws or 0
    with np.errstate(all="ignore"):  # an overflow is reported by check_finite, not as a numpy warning
        results = analyse(Loaded(scenario, scenario_source, ""), draws=draws, seed=test.seed)
    check_finite(results, scenario_source.file, scenario_source)
    return results


def _blame_overrides(
    problems: list[Problem], test_source: yaml_source.Source, base: Path, paths: dict[str, Path]
) -> list[Problem]:
    blamed = []
    for problem in problems:
        address = next((a for a, p in paths.items() if problem.path[: len(p)] == p), None)
        held = problem.path
        inside = [(a, p) for a, p in paths.items() if held and len(p) > len(held) and p[: len(held)] == held]
        if address is None and inside:
            # A part the override wrote inside (a line given a second amount): the file's line, and the override.
            written = "; ".join(
                f"{format_path(p[len(held) :])} set by the override at {_where(test_source, base + ('overrides', a))}"
                for a, p in inside
            )
            blamed.append(replace(problem, message=f"{problem.message} ({written})"))
        elif address is None:
            blamed.append(problem)
        else:
            at = test_source.problem(base + ("overrides", address), "", key=True)
            blamed.append(
                replace(at, message=f"{problem.message} (in {problem.file}, set by this override)", path=problem.path)
            )
    return blamed


def _where(source: yaml_source.Source, path: Path) -> str:
    """`file:line:col` of a key of a file."""
    problem = source.problem(path, "", key=True)
    return f"{problem.file}:{problem.line}:{problem.column}" if problem.line is not None else problem.file


def _compare_all(test: ScenarioTest, base: Path, source: yaml_source.Source, results: dict[str, Any]) -> list[Failure]:
    from barnetmodel.analysis.result_address import resolve

    failures = []
    problems = []
    for address, expected in test.outputs.items():
        where = base + ("outputs", address)
        try:
            actual = resolve(results, address)
        except AddressError as error:
            message = str(error)
            if "uncertainty" not in results and _first_part(address) == "uncertainty":
                # The results have draws' figures only when the test asks for draws, whatever the scenario says.
                message = "the results have no 'uncertainty': this test runs no draws; add `draws: N` to the test"
            problems.append(source.problem(where, message, key=True))
            continue
        if _kind(actual) != _kind(expected):
            message = f"this output is {_kind(actual)} ({show(actual)}); the test expects {_kind(expected)}"
            problems.append(source.problem(where, message))
            continue
        failure = compare(address, actual, expected, *test.margins(address))
        if failure is not None:
            failures.append(failure)
    if problems:
        raise ScenarioError(problems)
    return failures


def _first_part(address: str) -> Any:
    try:
        return parse(address)[0]
    except AddressError:
        return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "null" if value is None else type(value).__name__


def allowed(expected: float, absolute: float | None, relative: float | None) -> float:
    """The distance allowed from `expected`: the wider of the two margins; none given means exactly."""
    return max(absolute or 0.0, (relative or 0.0) * abs(expected))


def compare(address: str, actual: Any, expected: Any, absolute: float | None, relative: float | None) -> Failure | None:
    """None when `actual` is as expected; numbers are Python floats, so float64 throughout."""
    if isinstance(expected, (bool, str)):
        return None if actual == expected else Failure(address, actual, expected, None)
    margin = allowed(float(expected), absolute, relative)
    if abs(float(actual) - float(expected)) <= margin:
        return None
    return Failure(address, actual, expected, margin)
