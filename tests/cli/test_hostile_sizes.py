"""Big scenarios within their documented limits run in bounded memory (a 1 GiB cap), through every command
that analyses them; past the limits they are refused at validation. A reverse-ordered chain of share_of
lines is checked and evaluated without recursion."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.limits import MAX_LINES, MAX_RAMP_STEPS, MAX_RISKS
from conftest import ROOT

runner = CliRunner()
MEMORY_CAP = 1024 * 1024 * 1024
HANG_GUARD = 300  # seconds: only so that a hang fails rather than stalls


def big(lines: int = 2, risks: int = 0, ramp: int = 0, reverse_chain: bool = False) -> str:
    """Two options of `lines` lines (every other one uncertain), `risks` uncertain risks each, a ramp of `ramp`
    steps on the first line; or, with `reverse_chain`, the outsourced option's lines each a share of the one
    after it (the in-house option then has two lines)."""
    out = ["title: Big", "horizon: {start: 2013, years: 10}", "money: {inflation: 0.02}", "baseline: in_house"]
    out.append("options:")
    for option, level in (("in_house", 1.0), ("outsource", 0.9)):
        out += [f"  {option}:", f"    title: {option}", "    lines:"]
        chain = reverse_chain and option == "outsource"
        for i in range(lines if chain or not reverse_chain else 2):
            if chain and i < lines - 1:
                out.append(f"      - {{name: L{i}, share_of: L{i + 1}, rate: 0.5}}")
            elif i % 2:
                out.append(f"      - {{name: L{i}, annual: {{triangular: {{low: 0.5, mode: {level}, high: 2}}}}}}")
            else:
                steps = f", ramp: [{', '.join(['0.5'] * ramp)}]" if ramp and i == 0 else ""
                out.append(f"      - {{name: L{i}, annual: {level}{steps}}}")
        if risks:
            out.append("    risks:")
            out += [
                f"      - {{name: R{k}, probability: {{uniform: {{low: 0.01, high: 0.05}}}}, cost: 2}}"
                for k in range(risks)
            ]
    return "\n".join(out) + "\n"


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def capped_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barnetmodel", *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_capped,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    "text, commands",
    [
        (big(lines=1000), ["sensitivity", "run --draws 20000"]),  # sensitivity: 5.9 GB before; run: 2 GB
        (big(lines=10, risks=500), ["sensitivity"]),  # out of memory before
        (big(lines=2, ramp=MAX_RAMP_STEPS), ["sensitivity", "report"]),
        (big(lines=1200, reverse_chain=True), ["validate", "run", "sensitivity"]),  # RecursionError before
    ],
    ids=["1,000 lines an option", "500 risks an option", "the longest ramp", "a reverse chain of 1,200 lines"],
)
def test_big_scenarios_within_the_limits_run_in_bounded_memory(
    write: Callable[..., Path], tmp_path: Path, text: str, commands: list[str]
) -> None:
    path = write(text)
    for words in commands:
        command, *given = words.split()
        extra = {
            "sensitivity": ["-f", "json", "-o", str(tmp_path / "s.json")],
            "report": ["-o", str(tmp_path / "r.html")],
        }
        done = capped_run(
            command,
            str(path),
            *given,
            *extra.get(command, [] if command == "validate" else ["-f", "json", "-o", str(tmp_path / "o")]),
        )
        assert done.returncode == 0, (command, done.stderr[-2000:])


@pytest.mark.parametrize(
    "text, words",
    [
        (big(lines=MAX_LINES + 1), f"options.in_house.lines: has {MAX_LINES + 1:,} items; at most {MAX_LINES:,}"),
        (big(risks=MAX_RISKS + 1), f"options.in_house.risks: has {MAX_RISKS + 1:,} items; at most {MAX_RISKS:,}"),
        (big(ramp=MAX_RAMP_STEPS + 1), f"ramp: has {MAX_RAMP_STEPS + 1:,} items; at most {MAX_RAMP_STEPS:,}"),
    ],
    ids=["lines", "risks", "ramp steps"],
)
def test_past_the_limits_is_refused_at_validation(write: Callable[..., Path], text: str, words: str) -> None:
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 2
    assert words in result.stderr


def test_a_circle_of_share_of_lines_in_a_long_chain_is_found_once(write: Callable[..., Path]) -> None:
    last = "{name: L1199, annual: {triangular: {low: 0.5, mode: 0.9, high: 2}}}"
    text = big(lines=1200, reverse_chain=True).replace(last, "{name: L1199, share_of: L0, rate: 1}")
    assert "share_of: L0," in text
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 2
    assert result.stderr.count("lines refer to each other in a circle: 'L0' -> 'L1' -> ") == 1


def test_share_of_lines_are_ordered_and_checked_in_one_pass(
    write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The circle check and the evaluation order follow each line's share_of once (the check was cubic): on a
    reverse chain of the most lines an option may have, a run looks a share up a few times a line, not
    the (lines^2)/2 = 2,000,000 times a walk from every line would."""
    from barnetmodel.scenario import checks

    looked_up = 0
    share_target = checks._share_target

    def counted(*args: object) -> object:
        nonlocal looked_up
        looked_up += 1
        return share_target(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "_share_target", counted)
    result = runner.invoke(app, ["run", str(write(big(lines=MAX_LINES, reverse_chain=True))), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert MAX_LINES <= looked_up <= 4 * MAX_LINES, looked_up
