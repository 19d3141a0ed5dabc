"""Fuzzing: random and mutated scenario and test files through the loader and the command line.

The only outcomes allowed are success or a clear error with exit code 2 (1 as well for
`test`, when a figure is off): never a traceback, never another exit code, never a hang.
Bounded (max_examples, an alarm per example) so the whole file takes well under a minute.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from barnetmodel.cli.app import app
from barnetmodel.errors import ScenarioError
from barnetmodel.scenario.load import load
from conftest import ROOT, SCENARIO_TESTS, SCENARIOS

runner = CliRunner()
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SCENARIOS}
SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
)
# 80 examples a test in `make test`; BARNETMODEL_FUZZ_EXAMPLES=5000 for a deeper search.
EXAMPLES = int(os.environ.get("BARNETMODEL_FUZZ_EXAMPLES", "80"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECONDS_PER_EXAMPLE = 30  # a hang guard, not a performance figure


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang() -> Iterator[None]:
    """Fail an example that runs for longer than SECONDS_PER_EXAMPLE, rather than stall the suite."""

    def _raise(signum: int, frame: object) -> None:
        raise Hang(f"an example ran for more than {SECONDS_PER_EXAMPLE} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(SECONDS_PER_EXAMPLE)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def invoke(*args: str) -> Result:
    with no_hang():
        result = runner.invoke(app, list(args))
    # A command ends by returning or by typer.Exit (SystemExit); anything else escaped it.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def check_clean(result: Result, allowed: tuple[int, ...] = (0, 2)) -> None:
    assert result.exit_code in allowed, result.output
    if result.exit_code == 2:
        assert result.stderr.strip(), "exit 2 without saying why"


def run_and_validate(path: Path) -> None:
    """Both commands on one file: validate and run agree, and a run that succeeds gives finite JSON."""
    validated = invoke("validate", str(path))
    check_clean(validated)
    ran = invoke("run", str(path), "-f", "json")
    check_clean(ran)
    if validated.exit_code == 2:
        assert ran.exit_code == 2  # what validate refuses, run refuses too
    if ran.exit_code == 0:
        assert validated.exit_code == 0
        figures = json.loads(ran.stdout)
        assert all(math.isfinite(x) for x in figures["options"][0]["total_cost"].values())
    elif validated.exit_code == 0:
        assert "the figures overflow" in ran.stderr  # the one way a valid file can still be refused


# Random input to the loader.

yaml_alphabet = st.sampled_from(list("abcxyz019 :-.,[]{}&*!|>'\"#%@`?\n\t\\~") + ["\u00a3", "\u00e9", "\ufeff"])


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(folder: Path, data: bytes) -> None:
    path = folder / "bytes.yaml"
    path.write_bytes(data)
    with no_hang(), contextlib.suppress(ScenarioError):
        load(str(path))


@FUZZ
@given(st.text(yaml_alphabet, max_size=400))
def test_random_yaml_like_text(folder: Path, text: str) -> None:
    path = folder / "text.yaml"
    path.write_text(text, encoding="utf-8")
    with no_hang(), contextlib.suppress(ScenarioError):
        load(str(path))


# Published scenarios, mutated as text: the typos and slips people make.

TOKENS = [
    ": ",
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "<<: ",
    "#",
    "'",
    '"',
    "\t",
    "  ",
    "\n",
    "~",
    "null",
    ".nan",
    "-.inf",
    "1e999",
    "0x1F",
    "2013-04-01",
    "yes",
    "99999999999999999999999",
    "-1",
    "0",
    "1.0e+308",
    "é",
    "\u00a3",
    "\x85",
    "|",
    ">",
    "?",
    "%",
    "@",
    # Issue 14's probe: terminal escapes, spreadsheet formulas and HTML, numbers past a float, files that are
    # not files, and an `extends` that reaches out.
    '"\\e[2J\\e]0;x\\a"',
    '"\\x9b"',
    '"\\ud800"',
    '\'=HYPERLINK("http://x","y")\'',
    "'<img src=x onerror=alert(1)>'",
    "9" * 400,
    "1.0e+307",
    "{lognormal: {median: 10, sigma: 40}}",
    "{normal: {mean: 1, sd: 1.0e+308}}",
    "[{uniform: {low: 0, high: 1}}, 0.5]",
    "/dev/zero",
    "extends: /etc/passwd\n",
    "extends: /dev/zero\n",
]


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(sorted(TEXTS)))
    text = TEXTS[text]
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True)
        kind = draw(st.sampled_from(["insert", "delete", "duplicate line", "drop line", "swap lines", "indent"]))
        at = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "duplicate line":
            text = "".join(lines[: line + 1] + lines[line:])
        elif kind == "drop line":
            text = "".join(lines[:line] + lines[line + 1 :])
        elif kind == "swap lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "".join(lines)
        else:
            lines[line] = draw(st.sampled_from(["  ", " ", "\t"])) + lines[line]
            text = "".join(lines)
    return text


@FUZZ
@given(mutated_text())
def test_mutated_scenario_text_through_the_cli(folder: Path, text: str) -> None:
    path = folder / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    run_and_validate(path)


# Published scenarios, mutated as data: any value replaced, any key dropped or added.

# Issue 14's probe, as values: escapes, formulas, HTML, overflowing distributions, a ramp of a drawn step and
# a number, files that are not files, a number past a float, draws past the limit.
HOSTILE_VALUES: list[Any] = [
    "\x1b[2J\x1b]0;pwned\x07",
    "a\x9bb",
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1)",
    "<script>alert(1)</script>",
    {"lognormal": {"median": 10, "sigma": 40}},
    {"normal": {"mean": 1, "sd": 1e308}},
    {"uniform": {"low": -1e308, "high": 1e308}},
    [{"uniform": {"low": 0, "high": 1}}, 0.5],
    "/dev/zero",
    "/etc/passwd",
    10**400,
    1.5e307,
    100_000_000,
]

values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, 1, -1, 2013, 2022, 2300, 0.5, 0.999, -0.999, 1e308, -1e308, 5e-324]),
        st.text(max_size=12),
        st.sampled_from(["in_house", "outsource", "green_book", "nominal", "real", "annual", "cumulative", "seed-000"]),
        st.sampled_from(HOSTILE_VALUES),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, path + (i,))
    return found


def changed(data: Any, path: tuple[Any, ...], action: str, value: Any, key: str) -> Any:
    if not path:
        return value if action == "replace" else data
    head, rest = path[0], path[1:]
    copy = dict(data) if isinstance(data, dict) else list(data)
    if not rest and action == "drop":
        del copy[head]
    elif not rest and action == "add" and isinstance(copy[head], dict):
        copy[head] = {**copy[head], key: value}
    else:
        copy[head] = changed(data[head], rest, action, value, key)
    return copy


@st.composite
def mutated_data(draw: st.DrawFn) -> Any:
    data = yaml.safe_load(TEXTS[draw(st.sampled_from(sorted(TEXTS)))])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        key = draw(
            st.sampled_from(["annual", "from", "to", "growth", "ramp", "by", "option", "measure", "x", "extends"])
        )
        data = changed(data, path, action, draw(values), key)
    return data


@FUZZ
@given(mutated_data())
def test_mutated_scenario_data_through_the_cli(folder: Path, data: Any) -> None:
    path = folder / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run_and_validate(path)
    if invoke("validate", str(path)).exit_code == 0:
        # The published JSON Schema accepts every file barnetmodel accepts.
        assert list(SCHEMA.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == []


# Test files, mutated as data: outputs, margins, overrides and all.

TEST_DATA = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in SCENARIO_TESTS]
ADDRESSES = st.one_of(
    st.lists(st.sampled_from([*'ab.[]"0 \\', "options", "outsource", "lines", "annual"]), max_size=12).map("".join),
    st.sampled_from(["money.inflation", "options.outsource.lines[0].annual", 'options.in_house.lines."x".annual']),
)


@st.composite
def mutated_tests(draw: st.DrawFn) -> Any:
    data = draw(st.sampled_from(TEST_DATA))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        key = draw(st.one_of(ADDRESSES, st.sampled_from(["overrides", "draws", "seed", "default"])))
        data = changed(data, path, action, draw(st.one_of(values, st.dictionaries(ADDRESSES, values, max_size=2))), key)
    return data


@FUZZ
@given(mutated_tests(), st.booleans())
def test_mutated_test_files_through_the_cli(folder: Path, data: Any, update: bool) -> None:
    tests = folder / "tests"
    tests.mkdir(exist_ok=True)
    path = tests / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for scenario in SCENARIOS:  # the test files name ../<scenario>.yaml
        (folder / scenario.name).write_text(TEXTS[scenario.name], encoding="utf-8")
    report = folder / "report.xml"
    report.unlink(missing_ok=True)
    result = invoke("test", str(path), "--junit-xml", str(report), *(["--update"] if update else []))
    check_clean(result, (0, 1, 2))
    ET.parse(report)  # written every time, and well-formed whatever the names and messages hold


# Mutated scenarios through every command that analyses them, in a worker process under a memory cap and a
# time limit: validate, run (with draws), sensitivity and report (with draws) may each succeed or refuse the
# file clearly (exit 2), never anything else. Fewer examples than above: each runs four commands.
# Each test also stops starting examples once it has run for CAPPED_SECONDS (the rest are skipped, not failed),
# so that `make test` stays within minutes on a busy 2-core machine; BARNETMODEL_FUZZ_SECONDS raises it.
CAPPED_EXAMPLES = max(5, EXAMPLES // 5)
CAPPED_SECONDS = float(os.environ.get("BARNETMODEL_FUZZ_SECONDS", "45"))
CAPPED = settings(
    max_examples=CAPPED_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
STARTED: dict[str, float] = {}
FAILED: set[str] = set()


def within_budget(test: str) -> bool:
    """True until `test` has been running for CAPPED_SECONDS (its first example starts the clock), and always
    once an example has failed, so that hypothesis can shrink and replay it."""
    started = STARTED.setdefault(test, time.monotonic())
    return test in FAILED or time.monotonic() - started < CAPPED_SECONDS


@contextlib.contextmanager
def failure_noted(test: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        FAILED.add(test)
        raise


MEMORY_CAP = 1024 * 1024 * 1024


@pytest.fixture(scope="module")
def worker() -> Iterator[subprocess.Popen[str]]:
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fuzz_worker.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=capped,
        cwd=ROOT,
    )
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(SECONDS_PER_EXAMPLE)


def capped_invoke(worker: subprocess.Popen[str], *args: str) -> dict[str, Any]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(json.dumps([list(args), SECONDS_PER_EXAMPLE]) + "\n")
    worker.stdin.flush()
    line = worker.stdout.readline()
    assert line, f"the worker died on {args} (killed, or out of memory past the cap)"
    outcome: dict[str, Any] = json.loads(line)
    assert outcome["exception"] is None, (args, outcome["exception"], outcome["stderr"])
    assert "Traceback" not in outcome["stdout"] + outcome["stderr"]
    assert not {"\x1b", "\x9b", "\x07"} & set(outcome["stdout"] + outcome["stderr"]), args  # no terminal escape
    assert outcome["exit"] in (0, 2), (args, outcome)
    if outcome["exit"] == 2:
        assert outcome["stderr"].strip(), f"exit 2 without saying why: {args}"
    return outcome


def every_command(worker: subprocess.Popen[str], path: Path) -> None:
    validated = capped_invoke(worker, "validate", str(path))
    ran = capped_invoke(worker, "run", str(path), "-f", "json", "--draws", "200")
    if validated["exit"] == 2:
        assert ran["exit"] == 2
    if ran["exit"] == 0:
        assert all(math.isfinite(x) for x in json.loads(ran["stdout"])["options"][0]["total_cost"].values())
    sensitivity = capped_invoke(worker, "sensitivity", str(path), "-f", "json")
    if sensitivity["exit"] == 0:
        json.loads(sensitivity["stdout"])  # JSON, every figure finite (json_out refuses inf and nan)
    report = path.with_suffix(".html")
    report.unlink(missing_ok=True)
    done = capped_invoke(worker, "report", str(path), "--draws", "100", "-o", str(report))
    assert report.exists() == (done["exit"] == 0)  # written whole, or not at all


@CAPPED
@given(mutated_text())
def test_mutated_scenario_text_through_every_command_under_a_memory_cap(
    worker: subprocess.Popen[str], folder: Path, text: str
) -> None:
    assume(within_budget("text"))
    path = folder / "capped-text.yaml"
    path.write_text(text, encoding="utf-8")
    with failure_noted("text"):
        every_command(worker, path)


@CAPPED
@given(mutated_data())
def test_mutated_scenario_data_through_every_command_under_a_memory_cap(
    worker: subprocess.Popen[str], folder: Path, data: Any
) -> None:
    assume(within_budget("data"))
    path = folder / "capped-data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with failure_noted("data"):
        every_command(worker, path)


# Most mutations above make a file that is refused, so the commands past validation see few of them. These keep
# the file's shape and put the probe's numbers and text where numbers and text go: amounts near where a float
# overflows, distributions whose spread does, a ramp of a drawn step and a number, titles that would be formulas
# or HTML. A file may still be refused (exit 2), but many run: sensitivity and report then meet the numbers.
EXTREME_NUMBERS = st.one_of(
    st.sampled_from([0, 1e-300, 1e300, 1.5e307, -1.5e307, 1e308, 0.999999, -0.999999, 200, 10**6]),
    st.builds(lambda sigma: {"lognormal": {"median": 10, "sigma": sigma}}, st.sampled_from([0.5, 5, 20, 40])),
    st.builds(lambda sd: {"normal": {"mean": 1, "sd": sd}}, st.sampled_from([1.0, 1e150, 1e300, 1e308])),
    st.builds(lambda low: {"uniform": {"low": low, "high": 1e300}}, st.sampled_from([-1e300, 0, 1e299])),
    st.just([{"uniform": {"low": 0, "high": 1}}, 0.5]),
)
TEXT_ATTACKS = st.sampled_from(
    [
        '=HYPERLINK("http://evil.example","x")',
        "=IMPORTXML(A1,B1)",
        "+1",
        "-2",
        "@SUM(1)",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "| a | b |",
        "[bold]x[/bold]",
        "\u2028 \u202e",
    ]
)
TEXT_KEYS = {"title", "description", "note"}


@st.composite
def hostile_values_in_place(draw: st.DrawFn) -> Any:
    data = yaml.safe_load(TEXTS[draw(st.sampled_from(sorted(TEXTS)))])
    everywhere = paths(data)
    numbers = [p for p in everywhere if _is_number(_leaf(data, p))]
    texts = [p for p in everywhere if p and (p[-1] in TEXT_KEYS or p[:1] == ("sources",)) and _is_text(data, p)]
    for _ in range(draw(st.integers(1, 3))):
        if texts and draw(st.booleans()):
            data = changed(data, draw(st.sampled_from(texts)), "replace", draw(TEXT_ATTACKS), "")
        else:
            data = changed(data, draw(st.sampled_from(numbers)), "replace", draw(EXTREME_NUMBERS), "")
    return data


def _leaf(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text(data: Any, path: tuple[Any, ...]) -> bool:
    return isinstance(_leaf(data, path), str)


@CAPPED
@given(hostile_values_in_place())
def test_hostile_numbers_and_text_in_place_through_every_command_under_a_memory_cap(
    worker: subprocess.Popen[str], folder: Path, data: Any
) -> None:
    assume(within_budget("in place"))
    for name, text in TEXTS.items():  # beside it, for a scenario that extends another
        if not (folder / name).exists():
            (folder / name).write_text(text, encoding="utf-8")
    path = folder / "capped-in-place.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with failure_noted("in place"):
        every_command(worker, path)
